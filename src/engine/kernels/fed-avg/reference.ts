/**
 * Plain-TypeScript reference FedAvg: out[i] = Σ_k w_k · u_k[i], accumulated in float64, rounded once to float32.
 * This is the implementation the native and WebGPU kernels are checked against; it is written for clarity and
 * exactness, then for speed (column blocks keep the float64 accumulator in cache while each update streams once).
 * Returns whether `out` now holds a non-finite value (NaN, ±Infinity), tested on each value as it is written.
 */
const BLOCK = 4096;

export function fedAvgReference(
  updates: readonly Float32Array[],
  weights: ArrayLike<number>,
  out: Float32Array,
): boolean {
  const p = out.length;
  const k = updates.length;
  const acc = new Float64Array(Math.min(BLOCK, p));
  let nonFinite = false;
  for (let start = 0; start < p; start += BLOCK) {
    const end = Math.min(start + BLOCK, p);
    const n = end - start;
    acc.fill(0, 0, n);
    for (let j = 0; j < k; j++) {
      const u = updates[j]!;
      const w = weights[j]!;
      for (let i = 0; i < n; i++) acc[i]! += w * u[start + i]!;
    }
    for (let i = 0; i < n; i++) {
      const v = Math.fround(acc[i]!); // what out stores: a float64 beyond the float32 range becomes ±Infinity
      out[start + i] = v;
      if (v - v !== 0) nonFinite = true; // NaN or ±Infinity: x − x is NaN exactly then
    }
  }
  return nonFinite;
}
