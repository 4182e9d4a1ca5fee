/**
 * The one table of widening cases (F16 / BF16 → float32, F64 → float32) that every implementation runs: the TS
 * reference loops and the native addon each pass exactly these, bit for bit, against float32 bits computed here from
 * the formats' definitions (values through Math.fround; NaN bits by rule: F16 keeps sign and payload, made quiet; BF16
 * keeps all its bits; F64 keeps sign and the top payload bits, made quiet).
 */
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { widenToFloat32, type WidenDtype, type WidenOptions } from '../../src/interop/widen.js';
import { xorshift32 } from '../support/xorshift.js';

export interface WidenInput {
  src: Uint8Array;
  dtype: WidenDtype;
  out?: Float32Array;
  implementation?: WidenOptions['implementation'];
}

export interface WidenCase {
  name: string;
  make(): WidenInput;
  /** Omitted: compare with expectedBits(). Otherwise: the error code and a regexp over its message. */
  error?: { code: string; message: RegExp };
}

export const BYTES: Record<WidenDtype, number> = { F16: 2, BF16: 2, F64: 8 };

/**
 * Above native/kernels/widen.h's kWidenParallelMinElements (262144): split over the thread pool. Odd: every path has a
 * tail.
 */
export const LARGE_LENGTH = 300_001;

const scratch = new DataView(new ArrayBuffer(8));

function float32Bits(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

/** float32 bits of a binary16 pattern, from its definition. */
function halfBits(h: number): number {
  const negative = (h & 0x8000) !== 0;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f && mantissa !== 0) return ((negative ? 0x80000000 : 0) | 0x7fc00000 | (mantissa << 13)) >>> 0;
  const magnitude =
    exponent === 0 ? mantissa * 2 ** -24 : exponent === 0x1f ? Infinity : (1024 + mantissa) * 2 ** (exponent - 25);
  return float32Bits(negative ? -magnitude : magnitude);
}

/** float32 bits of a bfloat16 pattern, from its definition (8 exponent bits, bias 127, 7 mantissa bits). */
function bfloat16Bits(h: number): number {
  const negative = (h & 0x8000) !== 0;
  const exponent = (h >>> 7) & 0xff;
  const mantissa = h & 0x7f;
  if (exponent === 0xff && mantissa !== 0) return (h * 65536) >>> 0;
  const magnitude =
    exponent === 0 ? mantissa * 2 ** -133 : exponent === 0xff ? Infinity : (128 + mantissa) * 2 ** (exponent - 134);
  return float32Bits(negative ? -magnitude : magnitude);
}

/** float32 bits of a float64 given as its two little-endian 32-bit halves: Math.fround, or the NaN rule. */
function narrowedBits(lo: number, hi: number): number {
  scratch.setUint32(0, lo, true);
  scratch.setUint32(4, hi, true);
  const value = scratch.getFloat64(0, true);
  if (!Number.isNaN(value)) return float32Bits(Math.fround(value));
  // sign, exponent all ones, quiet bit, then the mantissa's bits 50..29
  return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
}

/** The float32 bits `src` must widen to. */
export function expectedBits(dtype: WidenDtype, src: Uint8Array): Uint32Array {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const n = src.byteLength / BYTES[dtype];
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'F64') out[i] = narrowedBits(view.getUint32(8 * i, true), view.getUint32(8 * i + 4, true));
    else out[i] = (dtype === 'F16' ? halfBits : bfloat16Bits)(view.getUint16(2 * i, true));
  }
  return out;
}

/** A fresh buffer holding `bytes` starting at byte `offset` (so that the view's address is misaligned by `offset`). */
export function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const view = new Uint8Array(offset + bytes.length + 3).subarray(offset, offset + bytes.length);
  view.set(bytes);
  return view;
}

/** Deterministic bytes (xorshift32): random bit patterns hit every class (zero, subnormal, normal, Inf, NaN). */
export function randomBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const next = xorshift32(seed);
  for (let i = 0; i < length; i++) out[i] = next() >>> 24;
  return out;
}

function everyPattern(): Uint8Array {
  const halves = new Uint16Array(65536);
  for (let h = 0; h < 65536; h++) halves[h] = h;
  return new Uint8Array(halves.buffer); // little-endian hosts only, as the formats themselves
}

function float64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return bytes;
}

function float64BitBytes(bits: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(8 * bits.length);
  const view = new DataView(bytes.buffer);
  bits.forEach((b, i) => view.setBigUint64(8 * i, b, true));
  return bytes;
}

const FLT_MAX = (2 - 2 ** -23) * 2 ** 127;

/** F64 values whose narrowing is worth pinning down, with what each must give (checked by the table itself). */
export const FLOAT64_EDGES: readonly [string, number, number][] = [
  ['+0', 0, 0],
  ['-0', -0, -0],
  ['1', 1, 1],
  ['0.1 rounds to nearest', 0.1, 0.10000000149011612],
  ['1 + 2^-24: a tie, to even (down)', 1 + 2 ** -24, 1],
  ['1 + 3·2^-24: a tie, to even (up)', 1 + 3 * 2 ** -24, 1 + 2 ** -22],
  ['1 + 2^-24 + 2^-52: just above a tie, up', 1 + 2 ** -24 + 2 ** -52, 1 + 2 ** -23],
  ['-(1 + 2^-24): a negative tie, to even', -(1 + 2 ** -24), -1],
  ['FLT_MAX', FLT_MAX, FLT_MAX],
  ['just below FLT_MAX + half an ulp: FLT_MAX', FLT_MAX + 2 ** 103 - 2 ** 75, FLT_MAX],
  ['FLT_MAX + half an ulp: a tie, to even (+Infinity)', FLT_MAX + 2 ** 103, Infinity],
  ['-(FLT_MAX + half an ulp): -Infinity', -(FLT_MAX + 2 ** 103), -Infinity],
  ['1e39 overflows to +Infinity', 1e39, Infinity],
  ['-1e39 overflows to -Infinity', -1e39, -Infinity],
  ['Number.MAX_VALUE overflows', Number.MAX_VALUE, Infinity],
  ['+Infinity', Infinity, Infinity],
  ['-Infinity', -Infinity, -Infinity],
  ['FLT_MIN', 2 ** -126, 2 ** -126],
  ['FLT_MIN - 2^-150: a tie, to even (FLT_MIN)', 2 ** -126 - 2 ** -150, 2 ** -126],
  ['1e-40: a subnormal result', 1e-40, 9.99994610111476e-41],
  ['2^-149: the smallest subnormal', 2 ** -149, 2 ** -149],
  ['2^-150: a tie, to even (0)', 2 ** -150, 0],
  ['-2^-150: a tie, to even (-0)', -(2 ** -150), -0],
  ['3·2^-150: a tie, to even (2^-148)', 3 * 2 ** -150, 2 ** -148],
  ['2^-150 + 2^-200: just above a tie, up', 2 ** -150 + 2 ** -200, 2 ** -149],
  ['Number.MIN_VALUE underflows to 0', Number.MIN_VALUE, 0],
  ['-Number.MIN_VALUE underflows to -0', -Number.MIN_VALUE, -0],
];

/** F64 NaN bit patterns and the float32 bits each must give. */
export const FLOAT64_NANS: readonly [bigint, number][] = [
  [0x7ff8000000000000n, 0x7fc00000], // the canonical quiet NaN
  [0xfff8000000000000n, 0xffc00000], // negative
  [0x7ff0000000000001n, 0x7fc00000], // signalling, payload below what float32 keeps: made quiet
  [0xfff4000000000000n, 0xffe00000], // signalling with a kept payload bit
  [0xfff0000020000000n, 0xffc00001], // the lowest payload bit float32 keeps
  [0x7fffffffffffffffn, 0x7fffffff],
  [0x7ff8000000000123n, 0x7fc00000],
];

const f16Of = (values: number[]): Uint8Array => new Uint8Array(Uint16Array.from(values).buffer);

export const WIDEN_CASES: WidenCase[] = [
  { name: 'F16: every bit pattern', make: () => ({ src: everyPattern(), dtype: 'F16' }) },
  { name: 'BF16: every bit pattern', make: () => ({ src: everyPattern(), dtype: 'BF16' }) },
  { name: 'F16: every bit pattern at byte offset 1', make: () => ({ src: atOffset(everyPattern(), 1), dtype: 'F16' }) },
  {
    name: 'BF16: every bit pattern at byte offset 3',
    make: () => ({ src: atOffset(everyPattern(), 3), dtype: 'BF16' }),
  },
  {
    name: 'F16: signed zeros, subnormals, infinities, NaN sign and payload',
    make: () => ({
      src: f16Of([0x0000, 0x8000, 0x0001, 0x83ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7c01, 0xfe00, 0x7fff, 0xfd55]),
      dtype: 'F16',
    }),
  },
  {
    name: 'BF16: signed zeros, subnormals, infinities, signalling NaN kept',
    make: () => ({
      src: f16Of([0x0000, 0x8000, 0x0001, 0x807f, 0x7f80, 0xff80, 0x7f81, 0xffc0, 0x7fff]),
      dtype: 'BF16',
    }),
  },
  {
    name: 'F64: rounding edges (ties to even, overflow, subnormal results, signed zeros)',
    make: () => ({ src: float64Bytes(FLOAT64_EDGES.map(([, v]) => v)), dtype: 'F64' }),
  },
  {
    name: 'F64: NaN keeps its sign and top payload bits, quiet',
    make: () => ({ src: float64BitBytes(FLOAT64_NANS.map(([b]) => b)), dtype: 'F64' }),
  },
  { name: 'F64: random bit patterns', make: () => ({ src: randomBytes(11, 8 * 4099), dtype: 'F64' }) },
  {
    name: 'F64: random bit patterns at byte offset 5',
    make: () => ({ src: atOffset(randomBytes(12, 8 * 999), 5), dtype: 'F64' }),
  },
  ...(['F16', 'BF16', 'F64'] as const).flatMap((dtype, d) =>
    [0, 1, 2, 3, 4, 5, 6, 7].flatMap((offset) =>
      [0, 1, 7, 8, 9, 17].map((length): WidenCase => ({
        name: `${dtype}: length ${length} at byte offset ${offset}`,
        make: () => ({
          src: atOffset(randomBytes(100 * d + 10 * offset + length, BYTES[dtype] * length), offset),
          dtype,
        }),
      })),
    ),
  ),
  ...(['F16', 'BF16', 'F64'] as const).map((dtype, d): WidenCase => ({
    name: `${dtype}: ${LARGE_LENGTH} elements at byte offset 3 (multithreaded natively)`,
    make: () => ({ src: atOffset(randomBytes(7 + d, BYTES[dtype] * LARGE_LENGTH), 3), dtype }),
  })),
  {
    name: 'into a given out (returned as is)',
    make: () => ({ src: f16Of([0x3c00, 0xc000]), dtype: 'F16', out: new Float32Array(2) }),
  },
  {
    name: 'into an out that is a subarray next to src in one buffer',
    make: () => {
      const buffer = new ArrayBuffer(64);
      const src = new Uint8Array(buffer, 1, 16);
      src.set(randomBytes(3, 16));
      return { src, dtype: 'F64', out: new Float32Array(buffer, 20, 2) };
    },
  },

  // argument errors: validated before either implementation runs
  {
    name: 'rejects a src that is not a Uint8Array',
    make: () => ({ src: new Uint16Array(2) as never, dtype: 'F16' }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /^Expected a Uint8Array for src but received a Uint16Array of length 2$/,
    },
  },
  {
    name: 'rejects an unknown dtype',
    make: () => ({ src: new Uint8Array(4), dtype: 'F32' as never }),
    error: { code: 'INVALID_ARGUMENT', message: /^Expected one of "F16", "BF16", "F64" for dtype but received "F32"$/ },
  },
  {
    name: 'rejects a src that is not a whole number of elements',
    make: () => ({ src: new Uint8Array(12), dtype: 'F64' }),
    error: {
      code: 'INVALID_ARGUMENT',
      message:
        /^Expected a byte length that is a multiple of 8 \(F64\) for src but received a Uint8Array of byte length 12$/,
    },
  },
  {
    name: 'rejects an out of the wrong length',
    make: () => ({ src: new Uint8Array(4), dtype: 'BF16', out: new Float32Array(3) }),
    error: {
      code: 'INVALID_ARGUMENT',
      message:
        /^Expected a Float32Array of length 2 \(4 bytes of BF16 in src\) for out but received a Float32Array of length 3$/,
    },
  },
  {
    name: 'rejects an out that is not a Float32Array',
    make: () => ({ src: new Uint8Array(4), dtype: 'F16', out: new Float64Array(2) as never }),
    error: { code: 'INVALID_ARGUMENT', message: /^Expected a Float32Array for out but received a Float64Array/ },
  },
  {
    name: 'rejects an out that overlaps src',
    make: () => {
      const buffer = new ArrayBuffer(64);
      return { src: new Uint8Array(buffer, 2, 16), dtype: 'F64', out: new Float32Array(buffer, 16, 2) };
    },
    error: { code: 'INVALID_ARGUMENT', message: /^Expected a Float32Array that shares no memory with src for out/ },
  },
  {
    name: 'rejects an unknown implementation',
    make: () => ({ src: new Uint8Array(2), dtype: 'F16', implementation: 'gpu' as never }),
    error: { code: 'INVALID_ARGUMENT', message: /^Expected one of "auto", "native", "js" for implementation/ },
  },
];

/** Indices and hex bits of the first few elements that differ. */
export function bitMismatches(got: Uint32Array, want: Uint32Array, limit = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < limit; i++) {
    if (got[i] !== want[i]) out.push(`[${i}] ${got[i]!.toString(16)} ≠ ${want[i]!.toString(16)}`);
  }
  return out;
}

export function runWidenTable(implementation: 'js' | 'native'): void {
  describe(`widen shared table on ${implementation}`, () => {
    for (const c of WIDEN_CASES) {
      it(c.name, () => {
        const input = c.make();
        const options: WidenOptions = { implementation: input.implementation ?? implementation };
        if (input.out) options.out = input.out;
        if (c.error) {
          let caught: unknown;
          try {
            widenToFloat32(input.src, input.dtype, options);
          } catch (err) {
            caught = err;
          }
          expect(caught).toBeInstanceOf(CocogenError);
          expect((caught as CocogenError).code).toBe(c.error.code);
          expect((caught as CocogenError).message).toMatch(c.error.message);
          return;
        }
        const want = expectedBits(input.dtype, input.src);
        const got = widenToFloat32(input.src, input.dtype, options);
        expect(got).toBeInstanceOf(Float32Array);
        if (input.out) expect(got).toBe(input.out);
        expect(got.length).toBe(want.length);
        expect(bitMismatches(new Uint32Array(got.buffer, got.byteOffset, got.length), want)).toEqual([]);
      });
    }

    it('gives each F64 edge the value it names', () => {
      const got = widenToFloat32(float64Bytes(FLOAT64_EDGES.map(([, v]) => v)), 'F64', { implementation });
      expect(Array.from(got)).toEqual(FLOAT64_EDGES.map(([, , want]) => want));
      const nans = widenToFloat32(float64BitBytes(FLOAT64_NANS.map(([b]) => b)), 'F64', { implementation });
      expect(Array.from(new Uint32Array(nans.buffer))).toEqual(FLOAT64_NANS.map(([, bits]) => bits));
    });
  });
}
