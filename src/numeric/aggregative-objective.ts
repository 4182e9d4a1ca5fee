/**
 * The one shape of objective every solver here maximizes over the box Π_{n∈S}[0, X_n]:
 *
 *   F(x) = α·P_S(x) + Σ_{n∈S} [ m_n·ln(1 + x_n/d_n) − e_n·x_n ]
 *
 * (with one α for the whole set; best-response dynamics use a per-coordinate α_n, each n maximizing its own row)
 *
 * - equilibrium (potential Φ):   α = 1,   m_n = a_n μ_n / w_n,  e_n = c_n / w_n
 * - social optimum (SW):          α = Σκ,  m_n = κ_n μ_n,        e_n = c_n
 * - best response of n (U_n):     α_n = w_n, m_n = a_n μ_n,      e_n = c_n
 * - standalone organization:     α = a_n, m_n = a_n μ_n,         e_n = c_n on S = {n}
 *
 * P_S depends on x only through D = Σ(d+x) and Q = Σ s/(d+x) (aggregates.ts), which is what makes every
 * coordinate's problem one-dimensional once the aggregates are known.
 */
import { commonMarginal, ownMarginal, type LearningCurve } from './learning-curve.js';

export interface AggregativeObjective {
  readonly curve: LearningCurve;
  readonly d: Float64Array;
  readonly s: Float64Array;
  readonly X: Float64Array;
  /** Weight of P_S: one number for all members. */
  readonly alpha: number;
  /** Per-coordinate weight of P_S (best-response dynamics); overrides `alpha` when present. */
  readonly alphaPer?: Float64Array;
  /** Weight m_n of ln(1 + x_n/d_n). */
  readonly m: Float64Array;
  /** Marginal cost e_n. */
  readonly e: Float64Array;
  /** The set S as indices into the arrays above; all indices when omitted. */
  readonly members?: Int32Array;
}

/** True when F is concave on the box: every P-weight ≥ 0 and every m_n ≥ 0 on the members. */
export function isConcave(obj: AggregativeObjective): boolean {
  const n = obj.members ? obj.members.length : obj.d.length;
  for (let k = 0; k < n; k++) {
    const i = obj.members ? obj.members[k] : k;
    const alpha = obj.alphaPer ? obj.alphaPer[i] : obj.alpha;
    if (!(alpha >= 0) || !(obj.m[i] >= 0)) return false;
  }
  return true;
}

/** Member count and index accessor helpers. */
export function memberCount(obj: AggregativeObjective): number {
  return obj.members ? obj.members.length : obj.d.length;
}

/**
 * KKT residual of maximizing F on the box, the one definition used by every solver here:
 *
 *   kkt = max_{n∈S} |π_n| / σ_n
 *
 * with π_n the projected partial derivative (∂F/∂x_n inside (0, X_n); max(∂F/∂x_n, 0) at x_n = 0; min(∂F/∂x_n, 0)
 * at x_n = X_n; 0 when X_n = 0) and σ_n = |α_n·∂P/∂x_n| + |m_n/(d_n+x_n)| + |e_n| the size of the marginal benefit
 * and cost that the first-order condition balances (terms with σ_n = 0 count as 0). It is the relative error in
 * each first-order condition: scale-free, and the same number whether F is Φ or U_n (∂U_n/∂x_n = w_n·∂Φ/∂x_n).
 * The reference implementation bisects each monotone partial derivative to about 1e-12 relative, i.e. this
 * quantity ≈ 1e-12.
 */
export function kktResidual(obj: AggregativeObjective, x: Float64Array, D: number, Q: number): number {
  const common = commonMarginal(obj.curve, D, Q);
  const count = memberCount(obj);
  let worst = 0;
  for (let k = 0; k < count; k++) {
    const i = obj.members ? obj.members[k] : k;
    const X = obj.X[i];
    if (X === 0) continue;
    const u = obj.d[i] + x[i];
    const alpha = obj.alphaPer ? obj.alphaPer[i] : obj.alpha;
    const dP = alpha * (common + ownMarginal(obj.curve, D, obj.s[i], u));
    const dg = obj.m[i] / u;
    const grad = dP + dg - obj.e[i];
    let pi: number;
    if (x[i] <= 0) pi = Math.max(grad, 0);
    else if (x[i] >= X) pi = Math.min(grad, 0);
    else pi = grad;
    const sigma = Math.abs(dP) + Math.abs(dg) + Math.abs(obj.e[i]);
    if (sigma > 0) {
      const r = Math.abs(pi) / sigma;
      if (r > worst) worst = r;
    } else if (pi !== 0) worst = Infinity;
  }
  return worst;
}
