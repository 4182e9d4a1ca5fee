/** Plain-TypeScript reference of the Gram kernel (contract.ts), in float64. */

/** The K×K Gram matrix G[i·K + j] = u_i·u_j in float64 (symmetric). */
export function gramReference(updates: readonly Float32Array[]): Float64Array {
  const k = updates.length;
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const ua = updates[a]!;
      const ub = updates[b]!;
      let s = 0;
      for (let i = 0; i < ua.length; i++) s += ua[i]! * ub[i]!;
      g[a * k + b] = s;
      g[b * k + a] = s;
    }
  }
  return g;
}
