/**
 * Operations on the competition intensities Γ that the model needs, each O(N) for uniform competition and O(N²)
 * for a dense matrix. Uniform competition with intensity g means γ_nm = g/(N−1) for m ≠ n (zero when N = 1), so
 * each organization's total exposure Σ_{m≠n} γ_nm is g.
 */
import type { Competition } from './scenario.js';

/** γ_ij for organizations i, j of an N-organization scenario. */
export function competitionEntry(c: Competition, n: number, i: number, j: number): number {
  if (i === j) return 0;
  return c.kind === 'uniform' ? uniformEntry(c.intensity, n) : c.gamma[i * n + j];
}

/** The off-diagonal entry g/(N−1) of uniform competition (0 when N = 1). */
export function uniformEntry(g: number, n: number): number {
  return n > 1 ? g / (n - 1) : 0;
}

/** out_n = Σ_{m≠n} γ_nm v_m (a row-weighted sum: what n is exposed to, weighted by v). */
export function rowWeightedSums(c: Competition, v: Float64Array, out = new Float64Array(v.length)): Float64Array {
  const n = v.length;
  if (c.kind === 'uniform') {
    const gam = uniformEntry(c.intensity, n);
    let total = 0;
    for (let i = 0; i < n; i++) total += v[i];
    for (let i = 0; i < n; i++) out[i] = gam * (total - v[i]);
    return out;
  }
  const g = c.gamma;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) acc += g[row + j] * v[j];
    out[i] = acc;
  }
  return out;
}

/** out_m = Σ_{n≠m} γ_nm (column sums: how much everyone else loses per unit of m's gain, before ρ_m). */
export function columnSums(c: Competition, n: number, out = new Float64Array(n)): Float64Array {
  if (c.kind === 'uniform') {
    out.fill(n > 1 ? c.intensity : 0);
    return out;
  }
  out.fill(0);
  const g = c.gamma;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] += g[row + j];
  }
  return out;
}
