/**
 * Widening of IEEE half (F16) and bfloat16 (BF16) to float32, and float64 narrowing, all exact except the narrowing
 * (rounded to nearest, ties to even, as Math.fround). Sources are little-endian bytes at any alignment.
 *
 * `widenToFloat32` is the entry point: it validates its arguments and runs the native addon's kernel
 * (native/kernels/widen.cc: F16C / AVX2, multithreaded) when the addon loads, else the plain TS loops below, which are
 * the reference the native kernel matches bit for bit (test/cases/widen.cases.ts).
 *
 * NaN: F16 NaN keeps its sign and payload (mantissa << 13) and comes out quiet, as the F16C instruction makes it; BF16
 * bits are copied unchanged; F64 NaN keeps its sign and the top 22 bits of its payload, quiet (the hardware
 * conversion, as a Float32Array store does it).
 */
import { loadAddon, requireAddon } from '../core/addon.js';
import { describeValue, invalidArgument, invalidArgumentText } from '../core/errors.js';
import { sharesMemory } from '../util/views.js';

let halfTable: Uint32Array | undefined;

/**
 * float32 bits of every binary16 bit pattern (256 KiB, built once). Bits rather than values: a NaN's sign and payload
 * survive only as bits (JS numbers carry one NaN).
 */
function halfToFloatBitsTable(): Uint32Array {
  if (halfTable) return halfTable;
  const table = new Uint32Array(65536);
  const values = new Float32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 31 && mantissa !== 0) {
      table[h] = ((h & 0x8000) << 16) | 0x7fc00000 | (mantissa << 13); // sign, quiet bit, payload
      continue;
    }
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = Infinity;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    values[h] = sign * value;
  }
  halfTable = table;
  return table;
}

/** `out[i]` = the binary16 value of bytes [2i, 2i + 2) of `src` (little-endian). */
export function widenFloat16(src: Uint8Array, out: Float32Array): Float32Array {
  const table = halfToFloatBitsTable();
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const n = out.length;
  if (src.byteOffset % 2 === 0) {
    const h = new Uint16Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) bits[i] = table[h[i]!]!;
  } else {
    for (let i = 0; i < n; i++) bits[i] = table[src[2 * i]! | (src[2 * i + 1]! << 8)]!;
  }
  return out;
}

/** `out[i]` = the bfloat16 value of bytes [2i, 2i + 2) of `src` (little-endian): the top half of a float32. */
export function widenBfloat16(src: Uint8Array, out: Float32Array): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const n = out.length;
  if (src.byteOffset % 2 === 0) {
    const h = new Uint16Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) bits[i] = h[i]! << 16;
  } else {
    for (let i = 0; i < n; i++) bits[i] = (src[2 * i]! | (src[2 * i + 1]! << 8)) << 16;
  }
  return out;
}

/** `out[i]` = the float64 at bytes [8i, 8i + 8) of `src`, rounded to float32. */
export function narrowFloat64(src: Uint8Array, out: Float32Array): Float32Array {
  const n = out.length;
  if (src.byteOffset % 8 === 0) {
    const d = new Float64Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = d[i]!;
  } else {
    const view = new DataView(src.buffer, src.byteOffset, n * 8);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  }
  return out;
}

/** `out[i]` = the float32 at bytes [4i, 4i + 4) of `src` (a copy, for sources not aligned to 4). */
export function copyFloat32(src: Uint8Array, out: Float32Array): Float32Array {
  new Uint8Array(out.buffer, out.byteOffset, out.length * 4).set(src.subarray(0, out.length * 4));
  return out;
}

/** Source element types that `widenToFloat32` converts. */
export type WidenDtype = 'F16' | 'BF16' | 'F64';

/** 'auto': the native addon when it loads, else the TS loops; 'native' or 'js' force one (tests, benchmarks). */
export type WidenImplementation = 'auto' | 'native' | 'js';

export interface WidenOptions {
  /** Where the values go: `src.byteLength / bytesPerElement` floats. Default: a new Float32Array. */
  out?: Float32Array;
  implementation?: WidenImplementation;
}

const WIDEN_DTYPES: Record<WidenDtype, { code: 0 | 1 | 2; bytes: number; reference: typeof widenFloat16 }> = {
  F16: { code: 0, bytes: 2, reference: widenFloat16 },
  BF16: { code: 1, bytes: 2, reference: widenBfloat16 },
  F64: { code: 2, bytes: 8, reference: narrowFloat64 },
};

const IMPLEMENTATIONS: readonly WidenImplementation[] = ['auto', 'native', 'js'];

/**
 * The float32 values of the F16, BF16 or F64 elements in `src` (little-endian bytes at any byte offset): exact for F16
 * and BF16, rounded to nearest even for F64. INVALID_ARGUMENT naming the argument when `src` is not a Uint8Array,
 * `dtype` unknown, the byte length not a whole number of elements (or not `out.length` of them), or `out` shares
 * memory with `src`; BACKEND_UNAVAILABLE for `implementation: 'native'` without the addon.
 *
 * @example
 * const halves = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1, -2 as binary16
 * widenToFloat32(halves, 'F16'); // Float32Array [1, -2]
 */
export function widenToFloat32(src: Uint8Array, dtype: WidenDtype, options: WidenOptions = {}): Float32Array {
  if (!(src instanceof Uint8Array)) throw invalidArgument('src', 'a Uint8Array', src);
  if (typeof dtype !== 'string' || !Object.hasOwn(WIDEN_DTYPES, dtype)) {
    throw invalidArgument('dtype', 'one of "F16", "BF16", "F64"', dtype);
  }
  const { code, bytes, reference } = WIDEN_DTYPES[dtype];
  const implementation = options.implementation ?? 'auto';
  if (!IMPLEMENTATIONS.includes(implementation)) {
    throw invalidArgument('implementation', 'one of "auto", "native", "js"', implementation);
  }
  let out = options.out;
  if (out === undefined) {
    if (src.byteLength % bytes !== 0) {
      throw invalidArgumentText(
        'src',
        `a byte length that is a multiple of ${bytes} (${dtype})`,
        `a Uint8Array of byte length ${src.byteLength}`,
      );
    }
    out = new Float32Array(src.byteLength / bytes);
  } else {
    if (!(out instanceof Float32Array)) throw invalidArgument('out', 'a Float32Array', out);
    if (out.length * bytes !== src.byteLength) {
      throw invalidArgumentText(
        'out',
        `a Float32Array of length ${src.byteLength / bytes} (${src.byteLength} bytes of ${dtype} in src)`,
        describeValue(out),
      );
    }
    if (sharesMemory(out, src)) {
      throw invalidArgumentText('out', 'a Float32Array that shares no memory with src', 'one that overlaps it');
    }
  }
  if (out.length === 0) return out;
  if (implementation === 'js') return reference(src, out);
  if (implementation === 'native') {
    requireAddon().widenToFloat32(src, code, out);
    return out;
  }
  const load = loadAddon();
  if (load.ok) load.addon.widenToFloat32(src, code, out);
  else reference(src, out);
  return out;
}
