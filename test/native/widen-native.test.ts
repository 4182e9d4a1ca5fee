/**
 * What only the addon's widening kernel (native/kernels/widen.cc) has: the thread split, the portable scalar path
 * (COCOGEN_NATIVE_ISA=scalar), F16C detection, and the checks of a direct call. The widening table runs on native with
 * the other shared tables (test/native/kernels-native.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BYTES,
  LARGE_LENGTH,
  WIDEN_CASES,
  atOffset,
  bitMismatches,
  expectedBits,
  randomBytes,
} from '../cases/widen.cases.js';
import { addon, expectCocogenError, native, runInChild } from './native-addon.js';

const DTYPE_CODE = { F16: 0, BF16: 1, F64: 2 } as const;

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

describe.skipIf(!addon)('native widenToFloat32: paths and threads', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => native().setThreads(threads));

  it('gives the same bits on 1, 2 and 3 threads', () => {
    for (const dtype of ['F16', 'BF16', 'F64'] as const) {
      const src = atOffset(randomBytes(21, BYTES[dtype] * LARGE_LENGTH), 5);
      const want = expectedBits(dtype, src);
      for (const n of [1, 2, 3]) {
        native().setThreads(n);
        const out = new Float32Array(LARGE_LENGTH);
        native().widenToFloat32(src, DTYPE_CODE[dtype], out);
        expect(bitMismatches(bitsOf(out), want), `${dtype} on ${n} threads`).toEqual([]);
      }
    }
  });

  it('streams large destinations (non-temporal stores from 32 MiB) to the same bits, dst at any 4-byte offset', () => {
    const n = (32 << 20) / 4 + 9; // just above native/kernels/widen.h's kWidenStreamMinBytes
    for (const [d, dtype] of (['F16', 'BF16', 'F64'] as const).entries()) {
      const src = atOffset(randomBytes(31 + d, BYTES[dtype] * n), 3 + d);
      const want = expectedBits(dtype, src);
      for (const [t, dstOffset] of [
        [1, 4],
        [threads, 12],
      ] as const) {
        native().setThreads(t);
        const out = new Float32Array(new ArrayBuffer(4 * n + 32), dstOffset, n); // dst not 32-byte aligned
        native().widenToFloat32(src, DTYPE_CODE[dtype], out);
        expect(bitMismatches(bitsOf(out), want), `${dtype} on ${t} threads`).toEqual([]);
      }
    }
  });

  it('reports F16C where the CPU has it', () => {
    let cpuinfo: string;
    try {
      cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return; // not Linux: nothing to compare with
    }
    const simd = native().buildInfo().simd;
    if (!simd.includes('avx2')) return;
    expect(simd.includes('f16c')).toBe(/^flags\s*:.*\bf16c\b/m.test(cpuinfo));
  });

  it('runs the portable scalar path on the whole table when COCOGEN_NATIVE_ISA=scalar (child process)', () => {
    // Inputs and outputs travel through files: a command line and a pipe cannot hold them.
    const dir = mkdtempSync(join(tmpdir(), 'cocogen-widen-'));
    try {
      const inputs = WIDEN_CASES.filter((c) => !c.error).map((c) => ({ name: c.name, ...c.make() }));
      const manifest = inputs.map((input, i) => {
        const file = join(dir, `${i}.bin`);
        writeFileSync(file, input.src);
        return {
          file,
          offset: input.src.byteOffset % 8,
          dtype: DTYPE_CODE[input.dtype],
          n: input.src.byteLength / BYTES[input.dtype],
        };
      });
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      const result = runInChild(
        `
        const { readFileSync, writeFileSync } = await import('node:fs');
        const manifest = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'manifest.json'))}, 'utf8'));
        for (const { file, offset, dtype, n } of manifest) {
          const bytes = readFileSync(file);
          const src = new Uint8Array(offset + bytes.length).subarray(offset);
          src.set(bytes);
          const out = new Float32Array(n);
          addon.widenToFloat32(src, dtype, out);
          writeFileSync(file + '.out', new Uint8Array(out.buffer));
        }
        console.log(JSON.stringify({ simd: addon.buildInfo().simd }));
        `,
        { COCOGEN_NATIVE_ISA: 'scalar' },
      ) as { simd: string[] };
      expect(result.simd).toEqual(['scalar']);
      inputs.forEach((input, i) => {
        const out = readFileSync(`${manifest[i]!.file}.out`);
        const got = new Uint32Array(Uint8Array.from(out).buffer);
        expect(bitMismatches(got, expectedBits(input.dtype, input.src)), input.name).toEqual([]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('argument checks (a direct call never crashes the process)', () => {
    const f32 = (n: number) => new Float32Array(n);
    const shared = new ArrayBuffer(64);
    const detached = new Float32Array(2);
    structuredClone(detached.buffer, { transfer: [detached.buffer] }); // length 0 from here on
    const cases: [string, () => void, RegExp][] = [
      [
        'no arguments',
        () => (native().widenToFloat32 as () => void)(),
        /^Expected a Uint8Array for src but received undefined$/,
      ],
      [
        'src a Uint16Array',
        () => native().widenToFloat32(new Uint16Array(2) as never, 0, f32(2)),
        /^Expected a Uint8Array for src but received a Uint16Array of length 2$/,
      ],
      [
        'src a Uint8ClampedArray',
        () => native().widenToFloat32(new Uint8ClampedArray(4) as never, 0, f32(2)),
        /^Expected a Uint8Array for src but received a Uint8ClampedArray/,
      ],
      [
        'dtype 3',
        () => native().widenToFloat32(new Uint8Array(4), 3 as never, f32(2)),
        /^Expected an integer from 0 to 2 for dtype but received 3$/,
      ],
      [
        'dtype 0.5',
        () => native().widenToFloat32(new Uint8Array(4), 0.5 as never, f32(2)),
        /for dtype but received 0\.5$/,
      ],
      [
        'dtype "F16"',
        () => native().widenToFloat32(new Uint8Array(4), 'F16' as never, f32(2)),
        /for dtype but received "F16"$/,
      ],
      [
        'dst a Float64Array',
        () => native().widenToFloat32(new Uint8Array(4), 0, new Float64Array(2) as never),
        /^Expected a Float32Array for dst/,
      ],
      [
        'src of the wrong byte length',
        () => native().widenToFloat32(new Uint8Array(15), 2, f32(2)),
        /^Expected a Uint8Array of byte length 16 \(8 bytes per element of dst\) for src but received a Uint8Array of length 15$/,
      ],
      [
        'dst detached',
        () => native().widenToFloat32(new Uint8Array(4), 1, detached),
        /^Expected a Uint8Array of byte length 0 .* for src/,
      ],
      [
        'dst overlapping src',
        () => native().widenToFloat32(new Uint8Array(shared, 3, 32), 2, new Float32Array(shared, 32, 4)),
        /^Expected a Float32Array that shares no memory with src for dst but received one that overlaps it$/,
      ],
    ];
    for (const [what, call, message] of cases) {
      it(`rejects ${what}`, async () => {
        await expectCocogenError(call, 'INVALID_ARGUMENT', message);
      });
    }

    it('accepts empty and adjacent ranges', () => {
      native().widenToFloat32(new Uint8Array(0), 0, f32(0));
      const out = new Float32Array(shared, 32, 2);
      native().widenToFloat32(new Uint8Array(shared, 16, 16), 2, out); // ends where dst starts
      expect(out.length).toBe(2);
    });
  });
});
