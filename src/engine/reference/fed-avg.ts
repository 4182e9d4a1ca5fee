/**
 * Plain-TypeScript reference FedAvg: out[i] = Σ_k w_k · u_k[i], accumulated in float64, rounded once to float32.
 * This is the implementation the native and WebGPU kernels are checked against; it is written for clarity and
 * exactness, then for speed (column blocks keep the float64 accumulator in cache while each update streams once).
 */
const BLOCK = 4096;

export function fedAvgReference(
  updates: readonly Float32Array[],
  weights: ArrayLike<number>,
  out: Float32Array,
): Float32Array {
  const p = out.length;
  const k = updates.length;
  const acc = new Float64Array(Math.min(BLOCK, p));
  for (let start = 0; start < p; start += BLOCK) {
    const end = Math.min(start + BLOCK, p);
    const n = end - start;
    acc.fill(0, 0, n);
    for (let j = 0; j < k; j++) {
      const u = updates[j]!;
      const w = weights[j]!;
      for (let i = 0; i < n; i++) acc[i]! += w * u[start + i]!;
    }
    for (let i = 0; i < n; i++) out[start + i] = acc[i]!;
  }
  return out;
}
