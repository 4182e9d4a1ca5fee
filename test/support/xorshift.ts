/** xorshift32 (Marsaglia 2003): deterministic test data, so that failures reproduce. Returns uint32 draws. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Deterministic uniform values in [lo, hi) (xorshift32), so that failures reproduce. */
export function seeded(seed: number, length: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  const next = xorshift32(seed);
  for (let i = 0; i < length; i++) out[i] = lo + ((next() >>> 8) / 2 ** 24) * (hi - lo);
  return out;
}
