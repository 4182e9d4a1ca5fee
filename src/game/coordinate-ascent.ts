/**
 * Coordinate-wise solvers for the cases the aggregative Newton method does not cover: best-response dynamics
 * (some w_n ≤ 0, no potential) and local ascent on a non-concave social welfare (κ_n < 0 with μ_n > 0).
 *
 * Each coordinate step is an exact one-dimensional global maximization with the other amounts fixed:
 *   φ(u) = α·P(D₋ + u, Q₋ + s/u) + m·ln(u/d) − e·(u − d),   u ∈ [d, d + X],
 * where (D₋, Q₋) are the aggregates without n (so n's effect on the pool is included exactly).
 */
import { commonMarginal, ownMarginal, performance } from '../numeric/learning-curve.js';
import { aggregatesAt } from '../numeric/aggregates.js';
import { kktResidual, memberCount, type AggregativeObjective } from '../numeric/aggregative-objective.js';
import type { LearningCurve } from './scenario.js';

/** Grid points used to find every local maximum of a non-concave φ before refining each by bisection. */
const GRID = 64;

function dphi(
  curve: LearningCurve,
  alpha: number,
  m: number,
  e: number,
  s: number,
  Dm: number,
  Qm: number,
  u: number,
): number {
  const D = Dm + u;
  const Q = Qm + s / u;
  return alpha * (commonMarginal(curve, D, Q) + ownMarginal(curve, D, s, u)) + m / u - e;
}

function phi(
  curve: LearningCurve,
  alpha: number,
  m: number,
  e: number,
  d: number,
  s: number,
  Dm: number,
  Qm: number,
  u: number,
): number {
  return alpha * performance(curve, Dm + u, Qm + s / u) + (m === 0 ? 0 : m * Math.log(u / d)) - e * (u - d);
}

/** Root of a decreasing-through-zero dφ on [lo, hi] (dφ(lo) > 0 ≥ dφ(hi)) by bisection to full precision. */
function bisect(f: (u: number) => number, lo: number, hi: number): number {
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The amount x ∈ [0, X] that maximizes φ globally (concave φ: bisection on the monotone derivative; otherwise
 * every local maximum found on a grid of 64 cells is refined and the best is kept).
 * @example const x = bestResponse1D(curve, w_n, a_n*mu_n, c_n, d_n, s_n, X_n, D - u_n, Q - s_n/u_n);
 */
export function bestResponse1D(
  curve: LearningCurve,
  alpha: number,
  m: number,
  e: number,
  d: number,
  s: number,
  X: number,
  Dm: number,
  Qm: number,
): number {
  if (X <= 0) return 0;
  const f = (u: number): number => dphi(curve, alpha, m, e, s, Dm, Qm, u);
  const hi = d + X;
  if (alpha >= 0 && m >= 0) {
    if (f(d) <= 0) return 0;
    if (f(hi) >= 0) return X;
    return Math.min(Math.max(bisect(f, d, hi) - d, 0), X);
  }
  const candidates: number[] = [d, hi];
  let prevU = d;
  let prevF = f(d);
  for (let k = 1; k <= GRID; k++) {
    const u = k === GRID ? hi : d + (X * k) / GRID;
    const fu = f(u);
    if (prevF > 0 && fu <= 0) candidates.push(bisect(f, prevU, u));
    prevU = u;
    prevF = fu;
  }
  let best = d;
  let bestVal = -Infinity;
  for (const u of candidates) {
    const v = phi(curve, alpha, m, e, d, s, Dm, Qm, u);
    if (v > bestVal) {
      bestVal = v;
      best = u;
    }
  }
  return best === hi ? X : Math.min(Math.max(best - d, 0), X);
}

export interface CoordinateAscentOptions {
  /** Sweeps at most. Default 10 000. */
  maxSweeps?: number;
  /** Stop when no coordinate moves by more than this × (d_n + X_n) in a sweep. Default 1e-13. */
  stepTolerance?: number;
}

export interface CoordinateAscentResult {
  x: Float64Array;
  sweeps: number;
  /** Largest relative move in the last sweep. */
  lastChange: number;
  /** True when the last sweep moved no coordinate by more than the step tolerance (a fixed point). */
  settled: boolean;
  kktResidual: number;
}

/**
 * Gauss–Seidel sweeps of exact coordinate maximizations from `x0`. With one α (a single objective) it is
 * coordinate ascent and every step raises F; with `alphaPer` (each coordinate its own utility) it is
 * best-response dynamics, which need not converge: `settled` says whether it did.
 */
export function coordinateAscent(
  obj: AggregativeObjective,
  x0: Float64Array,
  options: CoordinateAscentOptions = {},
): CoordinateAscentResult {
  const maxSweeps = options.maxSweeps ?? 10_000;
  const stepTol = options.stepTolerance ?? 1e-13;
  const { curve, d, s, X, m, e, members } = obj;
  const x = Float64Array.from(x0);
  const count = memberCount(obj);
  let sweeps = 0;
  let lastChange = Infinity;
  while (sweeps < maxSweeps) {
    sweeps++;
    let { D, Q } = aggregatesAt(d, s, x, members); // exact once per sweep; updated incrementally inside
    lastChange = 0;
    for (let k = 0; k < count; k++) {
      const i = members ? members[k] : k;
      const alpha = obj.alphaPer ? obj.alphaPer[i] : obj.alpha;
      const uOld = d[i] + x[i];
      const Dm = D - uOld;
      const Qm = Q - s[i] / uOld;
      const xi = bestResponse1D(curve, alpha, m[i], e[i], d[i], s[i], X[i], Dm, Qm);
      const change = Math.abs(xi - x[i]) / (d[i] + X[i]);
      if (change > lastChange) lastChange = change;
      x[i] = xi;
      D = Dm + d[i] + xi;
      Q = Qm + s[i] / (d[i] + xi);
    }
    if (lastChange <= stepTol) break;
  }
  const agg = aggregatesAt(d, s, x, members);
  return { x, sweeps, lastChange, settled: lastChange <= stepTol, kktResidual: kktResidual(obj, x, agg.D, agg.Q) };
}
