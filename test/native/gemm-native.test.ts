import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { gemmFloat64, runGemmTable, uniform } from '../cases/gemm.cases.js';
import { expectClose } from '../support/expect-close.js';
import { addon, expectCocogenError, native, runInChild } from './native-addon.js';

const blasLinked = addon?.buildInfo().gemm.blas != null;

// The default engine runs the shared table with the others (test/native/kernels-native.test.ts); here it runs on
// each implementation by name. The choice is process-wide, so every test here sets the one it means.
describe.skipIf(!addon)('native gemm: the own kernel', () => {
  beforeEach(() => native().setGemm('own'));
  runGemmTable('native', () => createEngine({ backend: 'native', gemm: 'own' }), 'own kernel');
});

describe.skipIf(!addon || !blasLinked)('native gemm: OpenBLAS', () => {
  beforeEach(() => native().setGemm('blas'));
  runGemmTable('native', () => createEngine({ backend: 'native', gemm: 'blas' }), 'OpenBLAS');
});

describe.skipIf(!addon)('native gemm: which implementation runs', () => {
  afterEach(() => native().setGemm(blasLinked ? 'blas' : 'own'));

  it('links OpenBLAS in CI (.ci/run installs libopenblas-dev) and names it', () => {
    const { gemm } = native().buildInfo();
    if (process.env.CI === 'true') expect(gemm.blas, 'CI builds the addon with OpenBLAS').not.toBeNull();
    if (gemm.blas) {
      expect(gemm.implementation).toBe('blas');
      expect(gemm.blas.config).toMatch(/^OpenBLAS \d+\.\d+/);
      expect(gemm.description).toBe(gemm.blas.config);
      expect(gemm.blas.core.length).toBeGreaterThan(0);
    } else {
      expect(gemm.implementation).toBe('own');
    }
    expect(['avx2', 'scalar']).toContain(gemm.own);
  });

  it('switches between own and blas, and engine.info() names the one that runs', async () => {
    const own = await createEngine({ backend: 'native', gemm: 'own' });
    const details = own.info().details as { gemm: { implementation: string; description: string } };
    expect(details.gemm.implementation).toBe('own');
    expect(details.gemm.description).toBe(`own, ${native().buildInfo().gemm.own} micro-kernel`);
    own.dispose();
    const auto = await createEngine({ backend: 'native', gemm: 'auto' });
    expect(native().buildInfo().gemm.implementation).toBe(blasLinked ? 'blas' : 'own');
    auto.dispose();
  });

  it('rejects a bad choice with a typed error naming it', async () => {
    await expectCocogenError(
      () => createEngine({ backend: 'native', gemm: 'fast' as 'own' }),
      'INVALID_ARGUMENT',
      /one of 'auto', 'own', 'blas' for options\.gemm but received "fast"/,
    );
    await expectCocogenError(
      () => native().setGemm('OpenBLAS' as 'blas'),
      'INVALID_ARGUMENT',
      /for implementation but received "OpenBLAS"/,
    );
    await expectCocogenError(() => native().setGemm(1 as unknown as 'own'), 'INVALID_ARGUMENT', /implementation/);
    if (!blasLinked) {
      await expectCocogenError(
        () => createEngine({ backend: 'native', gemm: 'blas' }),
        'BACKEND_UNAVAILABLE',
        /built without a BLAS/,
      );
      await expectCocogenError(() => native().setGemm('blas'), 'INVALID_ARGUMENT', /built without a BLAS/);
    }
  });
});

describe.skipIf(!addon)('native gemm: paths and threads', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => {
    native().setThreads(threads);
    native().setGemm(blasLinked ? 'blas' : 'own');
  });
  // Above the size that runs on the calling thread (2^21 multiply-adds), so the pool's threads take part.
  const [m, n, k] = [130, 77, 300];
  const a = uniform(1, m * k);
  const b = uniform(2, k * n);

  async function run(transA = false, transB = false): Promise<Float32Array> {
    const c = new Float32Array(m * n);
    await native().gemm(m, n, k, a, b, c, transA, transB, 1, 0);
    return c;
  }

  it('own: gives the same bits on 1, 2 and 3 threads (each element sums in the same order)', async () => {
    native().setGemm('own');
    native().setThreads(1);
    const one = await run();
    native().setThreads(2);
    expect(await run()).toEqual(one);
    native().setThreads(3);
    expect(await run(false, false)).toEqual(one);
  });

  it.skipIf(!blasLinked)('blas: split over 1, 2 and 3 threads, within the bound every time', async () => {
    native().setGemm('blas');
    const expected = gemmFloat64({ m, n, k, a, b });
    for (const t of [1, 2, 3]) {
      native().setThreads(t);
      expectClose(await run(), expected.value, { rtol: 0, atol: expected.atol });
    }
  });

  it('splits C by rows and by columns over the pool, each way with every transpose, within the bound', async () => {
    // The shared table's transposed cases are too small to be split; these are above 2^21 multiply-adds.
    native().setThreads(Math.max(2, threads));
    for (const gemm of blasLinked ? (['blas', 'own'] as const) : (['own'] as const)) {
      native().setGemm(gemm);
      for (const [rows, cols, depth] of [
        [150, 90, 200], // more rows: split by rows
        [40, 300, 200], // more columns: split by columns
      ] as const) {
        const x = uniform(rows + cols, rows * depth);
        const y = uniform(rows + cols + 1, depth * cols);
        for (const [transA, transB] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          const c = new Float32Array(rows * cols);
          await native().gemm(rows, cols, depth, x, y, c, transA, transB, 1, 0);
          const expected = gemmFloat64({ m: rows, n: cols, k: depth, a: x, b: y, options: { transA, transB } });
          expectClose(c, expected.value, { rtol: 0, atol: expected.atol });
        }
      }
    }
  });

  it('trainDense from several libuv workers at once gives each the bits it gets alone (single-threaded GEMMs)', async () => {
    // The training steps call their GEMMs without the pool, concurrently from libuv's threads: OpenBLAS runs them
    // side by side, one thread each.
    const dims = [64, 32, 10];
    const samples = 96;
    const x = uniform(11, samples * 64);
    const labels = Int32Array.from({ length: samples }, (_, i) => (i * 7) % 10);
    const order = Int32Array.from({ length: samples }, (_, i) => (i * 37) % samples);
    const count = 64 * 32 + 32 + 32 * 10 + 10;
    for (const gemm of blasLinked ? (['blas', 'own'] as const) : (['own'] as const)) {
      const engine = await createEngine({ backend: 'native', gemm });
      try {
        const train = async () => {
          const params = uniform(12, count, -0.1, 0.1);
          await engine.trainDense({ dims, params, x, labels, order, batchSize: 8, learningRate: 0.05, momentum: 0.9 });
          return params;
        };
        const alone = await train();
        const together = await Promise.all([train(), train(), train(), train()]);
        for (const params of together) expect(params).toEqual(alone);
      } finally {
        engine.dispose();
      }
    }
  });

  it('a GEMM small enough to run on the calling thread still returns a promise, settled with the result', async () => {
    const c = new Float32Array(4);
    const p = native().gemm(2, 2, 1, Float32Array.of(1, 2), Float32Array.of(3, 4), c, false, false, 1, 0);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBeUndefined();
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
  });

  it('the own scalar micro-kernel (COCOGEN_NATIVE_ISA=scalar) meets the same tolerance', () => {
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
      addon.setGemm('own');
      await addon.gemm(m, n, k, a, b, c, false, true, 1, 0);
      console.log(JSON.stringify({ simd: addon.buildInfo().simd, own: addon.buildInfo().gemm, c: Array.from(c) }));
      `,
      { COCOGEN_NATIVE_ISA: 'scalar' },
    ) as { simd: string[]; own: { implementation: string; own: string }; c: number[] };
    rmSync(dir, { recursive: true, force: true });
    expect(out.simd).toEqual(['scalar']);
    expect(out.own).toMatchObject({ implementation: 'own', own: 'scalar' });
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
