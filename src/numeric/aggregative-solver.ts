/**
 * Maximizer of a concave aggregative objective F (aggregative-objective.ts: α ≥ 0, every m_n ≥ 0) on the box, in O(N) per
 * iteration.
 *
 * Given the aggregates (D, Q), the first-order condition of coordinate n,
 *   α·[G(D, Q) + η·s_n/(D·u²)] + m_n/u − e_n = 0,   u = d_n + x_n,   G = βA·D^(−β−1) + η·Q/D²,
 * is decreasing in u and, with v = 1/u, a quadratic t·v² + m·v − r = 0 (t = αη s_n/D, r = e_n − αG), so
 *   u_n(D, Q) = clamp((m + √(m² + 4tr)) / (2r), d_n, d_n + X_n)     in closed form.
 * The maximizer is the fixed point D = Σ u_n(D, Q), Q = Σ s_n/u_n(D, Q); it is unique when F is strictly concave
 * (every fixed point is a KKT point). It is found first by plain Newton on the 2-D fixed point (Jacobian from the
 * implicit-function derivatives of u_n, accumulated in the same pass), kept while the scaled residual at least
 * halves each step; should that stall (kinks where coordinates hit their bounds), by nested safeguarded Newton:
 * - inner: for fixed D, R(Q) = Σ s_n/u_n(D, Q) − Q is strictly decreasing (slope ≤ −1) on
 *   [Σ s/(d+X), Σ s/d], so its root Q*(D) is bracketed; Newton steps with bisection fallback;
 * - outer: h(D) = Σ u_n(D, Q*(D)) − D is ≥ 0 at D = Σd and ≤ 0 at D = Σ(d+X) with one root; Newton with the
 *   total derivative dh/dD = ∂_D Σu + ∂_Q Σu · dQ*(D)/dD − 1 (implicit-function derivatives, same pass), bisection
 *   fallback inside the bracket.
 * Every pass over the members is O(N) with one square root each; derivatives come in the same pass.
 */
import { aggregatesAt } from './aggregates.js';
import { commonMarginal } from './learning-curve.js';
import { invalidArgument } from '../core/errors.js';
import { isConcave, kktResidual, memberCount, type AggregativeObjective } from './aggregative-objective.js';

export interface AggregativeSolveOptions {
  /** KKT residual to reach (aggregative-objective.ts `kktResidual`). Default 1e-9; the solver aims 1000× lower. */
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
export function maximizeAggregative(
  obj: AggregativeObjective,
  options: AggregativeSolveOptions = {},
): AggregativeSolution {
  const tol = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 200;
  const { curve, d, s, X, m, e, members } = obj;
  const alpha = obj.alpha;
  if (obj.alphaPer)
    throw invalidArgument('objective.alphaPer', 'none (per-coordinate weights need coordinateAscent)', obj.alphaPer);
  if (!isConcave(obj)) throw invalidArgument('objective', 'a concave objective (α ≥ 0 and every m_n ≥ 0)', obj.alpha);
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
  // With r = e − αG > 0, f(u) = t/u² + m/u − r falls from +∞ (or −r when t = m = 0) to −r, so its one root on
  // (0, ∞) is u* = (m + √(m² + 4tr)) / (2r) and the box solution is u* clamped to [d, d + X]; with r ≤ 0, f ≥ 0
  // everywhere and x = X. Written with as few divisions as possible: this loop is the solver's whole cost.
  const sums = new Float64Array(6);
  const pass = (D: number, Q: number, writeX: boolean): void => {
    passes++;
    const G = alpha * commonMarginal(curve, D, Q);
    const GD = alpha * (-(beta + 1) * beta * A * Math.pow(D, -beta - 2) - (2 * eta * Q) / (D * D * D));
    const GQ = (alpha * eta) / (D * D);
    const invD = 1 / D;
    const tc = alpha * eta * invD;
    let Su = 0;
    let Sq = 0;
    let SuD = 0;
    let SuQ = 0;
    let SqD = 0;
    let SqQ = 0;
    for (let k = 0; k < count; k++) {
      const i = members === undefined ? k : members[k];
      const di = d[i];
      const Xi = X[i];
      const si = s[i];
      const r = e[i] - G;
      let u: number;
      let xi: number;
      if (r <= 0) {
        xi = Xi;
        u = di + Xi;
      } else {
        const mi = m[i];
        const t = tc * si;
        const us = (mi + Math.sqrt(mi * mi + 4 * t * r)) / (2 * r);
        if (us <= di) {
          xi = 0;
          u = di;
        } else if (us >= di + Xi) {
          xi = Xi;
          u = di + Xi;
        } else {
          u = us;
          xi = us - di;
          const iu = 1 / u;
          const iu2 = iu * iu;
          const ifu = -1 / ((2 * t * iu + mi) * iu2); // 1 / f'(u)
          const duD = -(GD - t * iu2 * invD) * ifu;
          const duQ = -GQ * ifu;
          const w = si * iu2;
          SuD += duD;
          SuQ += duQ;
          SqD -= w * duD;
          SqQ -= w * duQ;
          Su += u;
          Sq += si * iu;
          if (writeX) x[i] = xi;
          continue;
        }
      }
      Su += u;
      if (si !== 0) Sq += si / u;
      if (writeX) x[i] = xi;
    }
    sums[0] = Su;
    sums[1] = Sq;
    sums[2] = SuD;
    sums[3] = SuQ;
    sums[4] = SqD;
    sums[5] = SqQ;
  };

  let hTol = 1e-13;
  /** Final pass at (D, Q): x, the true aggregates and the KKT residual; `done` when it is good enough to stop. */
  const finish = (D: number, Q: number): { done: boolean; sol: AggregativeSolution } => {
    pass(D, Q, true);
    const agg = aggregatesAt(d, s, x, members);
    const kkt = kktResidual(obj, x, agg.D, agg.Q);
    // Aim 1000× below the tolerance; tighten the fixed-point test twice before settling for `tol` itself.
    const done = kkt <= tol * 1e-3 || hTol < 1e-15;
    hTol *= 0.1;
    return { done, sol: { x, D: agg.D, Q: agg.Q, kktResidual: kkt, iterations, passes, converged: kkt <= tol } };
  };

  // Phase 1: joint Newton on the 2-D fixed point F(D, Q) = (Σu − D, Σs/u − Q), clamped to the box of possible
  // aggregates, accepted while the scaled residual keeps falling fast; usually converges in a handful of passes.
  let iterations = 0;
  let D = options.initial ? Math.min(Math.max(options.initial.D, Dlo), Dhi) : 0.5 * (Dlo + Dhi);
  let Qj = options.initial ? Math.min(Math.max(options.initial.Q, Qlo), Qhi) : 0.5 * (Qlo + Qhi);
  {
    let prevMerit = Infinity;
    for (let it = 0; it < 30 && iterations < maxIterations; it++) {
      iterations++;
      pass(D, Qj, false);
      const F1 = sums[0] - D;
      const F2 = sums[1] - Qj;
      const merit = Math.max(Math.abs(F1) / D, Qhi > 0 ? Math.abs(F2) / Math.max(Qj, sums[1]) : 0);
      if (merit <= hTol) {
        const f = finish(D, Qj); // same point: `sums` stay valid for the next step
        if (f.done) return f.sol;
      } else if (!(merit < 0.5 * prevMerit)) {
        break; // not converging fast: hand over to the bracketed method
      }
      prevMerit = merit;
      const J11 = sums[2] - 1;
      const J12 = sums[3];
      const J21 = sums[4];
      const J22 = sums[5] - 1;
      const det = J11 * J22 - J12 * J21;
      if (!(Math.abs(det) > 0)) break;
      D = Math.min(Math.max(D + (-F1 * J22 + F2 * J12) / det, Dlo), Dhi);
      Qj = Math.min(Math.max(Qj + (-F2 * J11 + F1 * J21) / det, Qlo), Qhi);
    }
  }

  // Phase 2 (fallback): nested safeguarded Newton, bracketed in both D and Q.
  // Inner solve: Q*(D). Leaves `sums` evaluated at the returned Q.
  let Qcur = Qj;
  const solveQ = (Dv: number): number => {
    let lo = Qlo;
    let hi = Qhi;
    let Q = Math.min(Math.max(Qcur, lo), hi);
    let width1 = Infinity;
    let width2 = Infinity;
    for (let it = 0; it < 200; it++) {
      pass(Dv, Q, false);
      const R = sums[1] - Q;
      if (R > 0) lo = Q;
      else hi = Q;
      if (Math.abs(R) <= 4 * EPS * Math.max(Q, sums[1]) || hi - lo <= 4 * EPS * hi) break;
      let next = Q - R / (sums[5] - 1);
      // Bisect when Newton leaves the open bracket or the bracket failed to halve over two steps: Newton alone can
      // cycle between the bracket's ends where the function has kinks (coordinates meeting their bounds).
      if (!(next > lo && next < hi) || hi - lo > 0.5 * width2) next = 0.5 * (lo + hi);
      width2 = width1;
      width1 = hi - lo;
      Q = next;
    }
    Qcur = Q;
    return Q;
  };

  let lo = Dlo;
  let hi = Dhi;
  let Q = Qj;
  let width1 = Infinity;
  let width2 = Infinity;
  while (iterations < maxIterations) {
    iterations++;
    Q = solveQ(D);
    const h = sums[0] - D;
    if (h > 0) lo = D;
    else hi = D;
    const bracketDone = hi - lo <= 4 * EPS * hi;
    if (Math.abs(h) <= hTol * D || bracketDone) {
      const f = finish(D, Q);
      if (f.done || bracketDone) return f.sol; // otherwise `sums` are still those at (D, Q)
    }
    const dQdD = -sums[4] / (sums[5] - 1);
    const dh = sums[2] + sums[3] * dQdD - 1;
    let next = D - h / dh;
    if (!(next > lo && next < hi) || hi - lo > 0.5 * width2) next = 0.5 * (lo + hi); // as in solveQ
    width2 = width1;
    width1 = hi - lo;
    D = next;
  }
  return finish(D, Q).sol;
}
