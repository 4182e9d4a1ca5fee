/**
 * Widening of IEEE half (F16) and bfloat16 (BF16) to float32, and float64 narrowing, all exact except the narrowing
 * (rounded to nearest). Sources are little-endian bytes at any alignment.
 */

let halfTable: Float32Array | undefined;

/** float32 value of every binary16 bit pattern (256 KiB, built once). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa === 0 ? Infinity : NaN;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[h] = sign * value;
  }
  halfTable = table;
  return table;
}

/** `out[i]` = the binary16 value of bytes [2i, 2i + 2) of `src` (little-endian). */
export function widenFloat16(src: Uint8Array, out: Float32Array): Float32Array {
  const table = halfToFloatTable();
  const n = out.length;
  if (src.byteOffset % 2 === 0) {
    const h = new Uint16Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = table[h[i]!]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = table[src[2 * i]! | (src[2 * i + 1]! << 8)]!;
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
