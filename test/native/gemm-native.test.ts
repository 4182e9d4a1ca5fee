import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gemmFloat64, uniform } from '../cases/gemm.cases.js';
import { expectClose } from '../support/expect-close.js';
import { addon, native, runInChild } from './native-addon.js';

// The GEMM shared table runs on native with the others (test/native/kernels-native.test.ts).
describe.skipIf(!addon)('native gemm: paths and threads', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => native().setThreads(threads));
  const [m, n, k] = [70, 53, 300];
  const a = uniform(1, m * k);
  const b = uniform(2, k * n);

  async function run(transA = false, transB = false): Promise<Float32Array> {
    const c = new Float32Array(m * n);
    await native().gemm(m, n, k, a, b, c, transA, transB, 1, 0);
    return c;
  }

  it('gives the same bits on 1, 2 and 3 threads (each element sums in the same order)', async () => {
    native().setThreads(1);
    const one = await run();
    native().setThreads(2);
    expect(await run()).toEqual(one);
    native().setThreads(3);
    expect(await run(false, false)).toEqual(one);
  });

  it('the scalar micro-kernel (COCOGEN_NATIVE_ISA=scalar) meets the same tolerance', () => {
    // The operands travel through a file: a command line cannot hold them.
    const dir = mkdtempSync(join(tmpdir(), 'cocogen-gemm-'));
    const file = join(dir, 'ab.f32');
    const ab = new Float32Array(a.length + b.length);
    ab.set(a);
    ab.set(b, a.length);
    writeFileSync(file, ab);
    const out = runInChild(
      `
      const [m, n, k] = [${m}, ${n}, ${k}];
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(${JSON.stringify(file)});
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const a = all.slice(0, m * k);
      const b = all.slice(m * k);
      const c = new Float32Array(m * n);
      await addon.gemm(m, n, k, a, b, c, false, true, 1, 0);
      console.log(JSON.stringify({ simd: addon.buildInfo().simd, c: Array.from(c) }));
      `,
      { COCOGEN_NATIVE_ISA: 'scalar' },
    ) as { simd: string[]; c: number[] };
    rmSync(dir, { recursive: true, force: true });
    expect(out.simd).toEqual(['scalar']);
    const expected = gemmFloat64({ m, n, k, a, b, options: { transB: true } });
    expectClose(out.c, expected.value, { rtol: 0, atol: expected.atol });
  });

  it('rejects a direct call with c overlapping a', () => {
    const shared = new Float32Array(32);
    expect(() =>
      native().gemm(4, 4, 4, shared.subarray(0, 16), uniform(3, 16), shared.subarray(8, 24), false, false, 1, 0),
    ).toThrow(/shares no memory with a or b for c/);
  });
});
