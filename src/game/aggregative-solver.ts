/**
 * Maximizer of a concave aggregative objective F (objective.ts: α ≥ 0, every m_n ≥ 0) on the box, in O(N) per
 * iteration.
 *
 * Given the aggregates (D, Q), the first-order condition of coordinate n,
 *   α·[G(D, Q) + η·s_n/(D·u²)] + m_n/u − e_n = 0,   u = d_n + x_n,   G = βA·D^(−β−1) + η·Q/D²,
 * is decreasing in u and, with v = 1/u, a quadratic t·v² + m·v − r = 0 (t = αη s_n/D, r = e_n − αG), so
 *   u_n(D, Q) = clamp((m + √(m² + 4tr)) / (2r), d_n, d_n + X_n)     in closed form.
 * The maximizer is the fixed point D = Σ u_n(D, Q), Q = Σ s_n/u_n(D, Q); it is unique when F is strictly concave
 * (every fixed point is a KKT point). It is found by nested safeguarded Newton:
 * - inner: for fixed D, R(Q) = Σ s_n/u_n(D, Q) − Q is strictly decreasing (slope ≤ −1) on
 *   [Σ s/(d+X), Σ s/d], so its root Q*(D) is bracketed; Newton steps with bisection fallback;
 * - outer: h(D) = Σ u_n(D, Q*(D)) − D is ≥ 0 at D = Σd and ≤ 0 at D = Σ(d+X) with one root; Newton with the
 *   total derivative dh/dD = ∂_D Σu + ∂_Q Σu · dQ*(D)/dD − 1 (implicit-function derivatives, same pass), bisection
 *   fallback inside the bracket.
 * Every pass over the members is O(N) with one square root each; derivatives come in the same pass.
 */
import { aggregatesAt } from './heterogeneity.js';
import { commonMarginal } from './learning-curve.js';
import { kktResidual, memberCount, type AggregativeObjective } from './objective.js';

export interface AggregativeSolveOptions {
  /** KKT residual to reach (objective.ts `kktResidual`). Default 1e-9; the solver aims 1000× lower. */
  tolerance?: number;
  /** Outer iterations at most. Default 200. */
  maxIterations?: number;
  /** Starting aggregates (e.g. the full game's when solving a leave-one-out sub-game). */
  initial?: { D: number; Q: number };
}

export interface AggregativeSolution {
  x: Float64Array;
  D: number;
  Q: number;
  kktResidual: number;
  /** Outer Newton iterations. */
  iterations: number;
  /** Passes over the members (each O(N)). */
  passes: number;
  converged: boolean;
}

const EPS = 2.220446049250313e-16;

/**
 * Maximizes a concave aggregative objective on the box. Returns x with entries for every index of the arrays
 * (non-members are 0).
 *
 * @example
 * const sol = maximizeAggregative(potentialObjective(model)); // the equilibrium when every w_n > 0
 * sol.kktResidual <= 1e-9;
 */
export function maximizeAggregative(obj: AggregativeObjective, options: AggregativeSolveOptions = {}): AggregativeSolution {
  const tol = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 200;
  const { curve, d, s, X, m, e, members } = obj;
  const alpha = obj.alpha;
  if (obj.alphaPer) throw new Error('maximizeAggregative: per-coordinate weights need best-response dynamics');
  const count = memberCount(obj);
  const x = new Float64Array(d.length);
  const beta = curve.exponent;
  const A = curve.scale;
  const eta = curve.heterogeneity;

  let Dlo = 0;
  let Dhi = 0;
  let Qlo = 0;
  let Qhi = 0;
  for (let k = 0; k < count; k++) {
    const i = members ? members[k] : k;
    Dlo += d[i];
    Dhi += d[i] + X[i];
    Qlo += s[i] / (d[i] + X[i]);
    Qhi += s[i] / d[i];
  }
  let passes = 0;
  if (count === 0) return { x, D: 0, Q: 0, kktResidual: 0, iterations: 0, passes, converged: true };

  // sums[0..5] = Σu, Σs/u, Σ∂u/∂D, Σ∂u/∂Q, Σ∂(s/u)/∂D, Σ∂(s/u)/∂Q at (D, Q); writes x when asked.
  const sums = new Float64Array(6);
  const pass = (D: number, Q: number, writeX: boolean): void => {
    passes++;
    const G = alpha * commonMarginal(curve, D, Q);
    const GD = alpha * (-(beta + 1) * beta * A * Math.pow(D, -beta - 2) - (2 * eta * Q) / (D * D * D));
    const GQ = (alpha * eta) / (D * D);
    const tc = (alpha * eta) / D;
    let Su = 0;
    let Sq = 0;
    let SuD = 0;
    let SuQ = 0;
    let SqD = 0;
    let SqQ = 0;
    for (let k = 0; k < count; k++) {
      const i = members ? members[k] : k;
      const di = d[i];
      const si = s[i];
      const mi = m[i];
      const t = tc * si;
      const r = e[i] - G;
      let u = di;
      let xi = 0;
      // f(u) = t/u² + m/u − r, decreasing in u.
      if (X[i] > 0 && t / (di * di) + mi / di - r > 0) {
        const hi = di + X[i];
        if (t / (hi * hi) + mi / hi - r >= 0) {
          u = hi;
          xi = X[i];
        } else {
          u = (mi + Math.sqrt(mi * mi + 4 * t * r)) / (2 * r);
          if (u <= di) {
            u = di;
          } else if (u >= hi) {
            u = hi;
            xi = X[i];
          } else {
            xi = u - di;
            const u2 = u * u;
            const fu = (-2 * t) / (u2 * u) - mi / u2;
            const fD = GD - t / (D * u2);
            const duD = -fD / fu;
            const duQ = -GQ / fu;
            const w = si / u2;
            SuD += duD;
            SuQ += duQ;
            SqD -= w * duD;
            SqQ -= w * duQ;
          }
        }
      }
      Su += u;
      Sq += si / u;
      if (writeX) x[i] = xi;
    }
    sums[0] = Su;
    sums[1] = Sq;
    sums[2] = SuD;
    sums[3] = SuQ;
    sums[4] = SqD;
    sums[5] = SqQ;
  };

  // Inner solve: Q*(D). Leaves `sums` evaluated at the returned Q.
  let Qcur = options.initial ? Math.min(Math.max(options.initial.Q, Qlo), Qhi) : 0.5 * (Qlo + Qhi);
  const solveQ = (D: number): number => {
    let lo = Qlo;
    let hi = Qhi;
    let Q = Math.min(Math.max(Qcur, lo), hi);
    for (let it = 0; it < 200; it++) {
      pass(D, Q, false);
      const R = sums[1] - Q;
      if (R > 0) lo = Q;
      else hi = Q;
      if (Math.abs(R) <= 4 * EPS * Math.max(Q, sums[1]) || hi - lo <= 4 * EPS * hi) break;
      let next = Q - R / (sums[5] - 1);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      Q = next;
    }
    Qcur = Q;
    return Q;
  };

  let lo = Dlo;
  let hi = Dhi;
  let D = options.initial ? Math.min(Math.max(options.initial.D, Dlo), Dhi) : 0.5 * (Dlo + Dhi);
  let iterations = 0;
  let kkt = Infinity;
  let converged = false;
  let Q = 0;
  let hTol = 1e-13;
  while (iterations < maxIterations) {
    iterations++;
    Q = solveQ(D);
    const h = sums[0] - D;
    if (h > 0) lo = D;
    else hi = D;
    const bracketDone = hi - lo <= 4 * EPS * hi;
    if (Math.abs(h) <= hTol * D || bracketDone) {
      pass(D, Q, true);
      const agg = aggregatesAt(d, s, x, members);
      kkt = kktResidual(obj, x, agg.D, agg.Q);
      // Aim 1000× below the tolerance; tighten the fixed-point test twice before settling for `tol` itself.
      if (kkt <= tol * 1e-3 || bracketDone || hTol < 1e-15) {
        converged = kkt <= tol;
        return { x, D: agg.D, Q: agg.Q, kktResidual: kkt, iterations, passes, converged };
      }
      hTol *= 1e-1;
      pass(D, Q, false); // restore sums for the Newton step
    }
    const dQdD = -sums[4] / (sums[5] - 1);
    const dh = sums[2] + sums[3] * dQdD - 1;
    let next = D - h / dh;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    D = next;
  }
  pass(D, Q, true);
  const agg = aggregatesAt(d, s, x, members);
  kkt = kktResidual(obj, x, agg.D, agg.Q);
  converged = kkt <= tol;
  return { x, D: agg.D, Q: agg.Q, kktResidual: kkt, iterations, passes, converged };
}
