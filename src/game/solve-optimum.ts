/**
 * The social optimum: the maximizer of SW(x) = (Σκ)·P_N(x) + Σ_n [κ_n g_n(x_n) − c_n x_n] on the box
 * (DESIGN §3.5). SW has the same aggregative shape as Φ, with α = Σκ_n (= Σw_n) and κ_n in place of a_n/w_n.
 *
 * SW is concave when Σκ ≥ 0 and κ_n·μ_n ≥ 0 for every n (κ_n < 0 only matters where μ_n > 0); then the aggregative
 * Newton method finds the maximizer. Otherwise the result says `concave: false` and returns the best of several
 * local optima, each reached by coordinate ascent (exact global 1-D steps) from a different start: x = 0, x = X,
 * x = X/2, the equilibrium when given, and seeded random points.
 */
import { maximizeAggregative } from '../numeric/aggregative-solver.js';
import { coordinateAscent } from './coordinate-ascent.js';
import { modelOf, type GameModel } from './model.js';
import { isConcave } from '../numeric/aggregative-objective.js';
import { welfareObjective } from './objective.js';
import { invalidArgument } from '../core/errors.js';
import {
  optionsRecord,
  integerOption,
  isTolerance,
  numberOption,
  seedOption,
  TOLERANCE_RULE,
} from '../util/options.js';
import { Random } from '../util/random.js';
import type { Scenario } from './scenario.js';
import { socialWelfare, utilities } from './utility.js';

export interface OptimumOptions {
  /** KKT residual to reach. Default 1e-9. */
  tolerance?: number;
  /** Extra starting point for the non-concave case (e.g. the equilibrium). */
  start?: Float64Array;
  /** Random starts in the non-concave case. Default 3. */
  randomStarts?: number;
  /** Seed of the random starts. Default 1. */
  seed?: number;
  /** Sweeps of coordinate ascent per start in the non-concave case. Default 10 000. */
  maxSweeps?: number;
}

export interface OptimumResult {
  x: Float64Array;
  utilities: Float64Array;
  socialWelfare: number;
  kktResidual: number;
  iterations: number;
  converged: boolean;
  seconds: number;
  /** Whether SW is concave on the box (then x is the global maximizer). */
  concave: boolean;
  /** Non-concave case: distinct local optima found among the starts (1 in the concave case). */
  localOptima: number;
  /** Why the result is (or is not) the global optimum, in words. */
  note: string;
}

/**
 * Solves for the social optimum.
 *
 * @example
 * const opt = solveOptimum(parseScenario(json));
 * opt.socialWelfare >= solveEquilibrium(parseScenario(json)).socialWelfare; // true
 */
export function solveOptimum(scenario: Scenario | GameModel, options: OptimumOptions = {}): OptimumResult {
  const model = modelOf(scenario);
  optionsRecord(options, ['tolerance', 'start', 'randomStarts', 'seed', 'maxSweeps'], 'options');
  const tol = numberOption(options, 'tolerance', 1e-9, isTolerance, TOLERANCE_RULE);
  const randomStarts = integerOption(options, 'randomStarts', 3, 0, 1_000_000);
  const seed = seedOption(options, 'seed', 1);
  const maxSweeps = integerOption(options, 'maxSweeps', 10_000, 1, Number.MAX_SAFE_INTEGER);
  const start = options.start;
  if (start !== undefined && !(start instanceof Float64Array && start.length === model.n))
    throw invalidArgument('options.start', `a Float64Array of ${model.n} amounts`, start);
  const t0 = performance.now();
  const obj = welfareObjective(model);
  if (isConcave(obj)) {
    const sol = maximizeAggregative(obj, { tolerance: tol });
    const seconds = (performance.now() - t0) / 1000;
    return {
      x: sol.x,
      utilities: utilities(model, sol.x),
      socialWelfare: socialWelfare(model, sol.x),
      kktResidual: sol.kktResidual,
      iterations: sol.iterations,
      converged: sol.converged,
      seconds,
      concave: true,
      localOptima: 1,
      note: 'social welfare is concave on the box; x is its global maximizer',
    };
  }
  const n = model.n;
  const starts: Float64Array[] = [new Float64Array(n), Float64Array.from(model.X), model.X.map((v) => v / 2)];
  if (start) starts.push(Float64Array.from(start));
  const rng = new Random(seed);
  for (let r = 0; r < randomStarts; r++) starts.push(model.X.map((v) => v * rng.next()));
  const found: { x: Float64Array; sw: number; kkt: number; sweeps: number; settled: boolean }[] = [];
  for (const x0 of starts) {
    const res = coordinateAscent(obj, x0, { maxSweeps });
    found.push({
      x: res.x,
      sw: socialWelfare(model, res.x),
      kkt: res.kktResidual,
      sweeps: res.sweeps,
      settled: res.settled,
    });
  }
  found.sort((p, q) => q.sw - p.sw);
  const distinct: Float64Array[] = [];
  for (const f of found) {
    const same = distinct.some((x) => {
      for (let i = 0; i < n; i++) if (Math.abs(x[i] - f.x[i]) > 1e-6 * (model.d[i] + model.X[i])) return false;
      return true;
    });
    if (!same) distinct.push(f.x);
  }
  const best = found[0];
  const seconds = (performance.now() - t0) / 1000;
  const negative: string[] = [];
  for (let i = 0; i < n; i++) if (model.kappa[i] < 0 && model.mu[i] > 0) negative.push(model.scenario.ids[i]);
  return {
    x: best.x,
    utilities: utilities(model, best.x),
    socialWelfare: best.sw,
    kktResidual: best.kkt,
    iterations: found.reduce((acc, f) => acc + f.sweeps, 0),
    converged: best.settled && best.kkt <= tol,
    seconds,
    concave: false,
    localOptima: distinct.length,
    note:
      `social welfare is not concave (` +
      (obj.alpha < 0 ? `Σκ = ${obj.alpha} < 0` : `κ_n < 0 with μ_n > 0 for ${negative.join(', ')}`) +
      `); best of ${distinct.length} local optima from ${starts.length} starts`,
  };
}
