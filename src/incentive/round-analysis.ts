/**
 * Everything the mechanism and its comparators need about one round (DESIGN §3–§4), computed once: the plain
 * equilibrium x^NE, the social optimum x^opt, outside options O_n, floors F_n = max(O_n, U_n(x^NE)), Shapley values
 * of the coalition game v, each organization's leave-one-out contribution v(N) − v(N∖n), its standalone value
 * v({n}), and its competition-caused loss at the operating point
 *
 *   C_n = Σ_{m≠n} γ_nm ρ_m [P_N(x) − P_{N∖n}(x_{−n})] = harm_n · [P_N(x) − P_{N∖n}(x_{−n})]
 *
 * (how much n loses because its data and generation improve the model its rivals deploy; x = x^opt, the rivals'
 * amounts held fixed). Reuses the game layer's solvers; no solver logic of its own.
 */
import {
  createGameModel,
  outsideOptions as computeOutsideOptions,
  performance,
  solveEquilibrium,
  solveOptimum,
  type EquilibriumResult,
  type GameModel,
  type GameSolution,
  type OptimumResult,
  type Scenario,
} from '../game/index.js';
import { CoalitionSolver, coalitionGame } from './coalition-values.js';
import { shapleySettings, shapleyValues, type ShapleyOptions, type ShapleyResult } from './shapley.js';
import { symmetryClasses } from './symmetry.js';
import { invalidArgument } from '../core/errors.js';
import { isTolerance, numberOption, optionsRecord, seedOption, TOLERANCE_RULE } from '../util/options.js';

export interface RoundAnalysisOptions {
  /** KKT residual of every solve. Default 1e-9. */
  tolerance?: number;
  /** Seed of the optimum's random starts (non-concave case). Default 1. */
  seed?: number;
  shapley?: ShapleyOptions;
}

export interface RoundAnalysis {
  scenario: Scenario;
  model: GameModel;
  equilibrium: EquilibriumResult;
  optimum: OptimumResult;
  /** O_n */
  outsideOptions: Float64Array;
  outsideOptionsConverged: boolean;
  /** F_n = max(O_n, U_n(x^NE)) */
  floors: Float64Array;
  shapley: ShapleyResult;
  /** v(N) − v(N∖n) */
  leaveOneOut: Float64Array;
  /** v({n}) */
  standalone: Float64Array;
  /** C_n at x^opt */
  compensation: Float64Array;
  /** Symmetry class of each organization. */
  symmetry: Int32Array;
  /** Σ|U_n(x^opt)|: the scale of every tolerance on payoffs. */
  scale: number;
}

/**
 * @internal INVALID_ARGUMENT naming `name` unless `a` has the shape of an analyzeRound result (a cheap structural test,
 * as isScenario is): what the functions reading one check first.
 */
export function checkRoundAnalysis(a: unknown, name = 'analysis'): asserts a is RoundAnalysis {
  const r = a as Partial<RoundAnalysis> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.model === 'object' &&
    r.model !== null &&
    typeof r.equilibrium === 'object' &&
    typeof r.optimum === 'object' &&
    typeof r.shapley === 'object' &&
    [r.floors, r.outsideOptions, r.leaveOneOut].every((v) => v instanceof Float64Array && v.length === r.model!.n);
  if (!ok) throw invalidArgument(name, 'a RoundAnalysis (from analyzeRound)', a);
}

/**
 * @internal {@link RoundAnalysisOptions} checked (no key outside its own and `extra`, every value of its type and
 * range, `shapley` included) and with their defaults: the check of analyzeRound and of the functions built on it.
 */
export function roundAnalysisSettings(
  options: unknown,
  extra: readonly string[] = [],
): { tolerance: number; seed: number; shapley: ShapleyOptions } {
  const o = optionsRecord(options, ['tolerance', 'seed', 'shapley', ...extra], 'options') as RoundAnalysisOptions;
  shapleySettings(o.shapley, 'options.shapley');
  return {
    tolerance: numberOption(o, 'tolerance', 1e-9, isTolerance, TOLERANCE_RULE),
    seed: seedOption(o, 'seed', 1),
    shapley: o.shapley ?? {},
  };
}

/**
 * Analyzes one round, reusing a `solveGame` result for the equilibrium, optimum and outside options when given.
 * @example const a = analyzeRound(scenario); a.floors; a.shapley.values;
 */
export function analyzeRound(
  scenario: Scenario,
  options: RoundAnalysisOptions = {},
  solved?: GameSolution,
): RoundAnalysis {
  const { tolerance, seed, shapley: shapleyOptions } = roundAnalysisSettings(options);
  if (solved !== undefined && (typeof solved !== 'object' || solved === null))
    throw invalidArgument('solved', 'undefined or a GameSolution (from solveGame)', solved);
  const model = createGameModel(scenario);
  const equilibrium = solved?.equilibrium ?? solveEquilibrium(model, { tolerance });
  const optimum = solved?.optimum ?? solveOptimum(model, { tolerance, seed, start: equilibrium.x });
  let O = solved?.outsideOptions ?? null;
  let oConverged = solved?.outsideOptionsConverged ?? true;
  if (!O) {
    const res = computeOutsideOptions(model, equilibrium.x, { tolerance });
    O = res.values;
    oConverged = res.converged;
  }
  const N = model.n;
  const floors = new Float64Array(N);
  for (let i = 0; i < N; i++) floors[i] = Math.max(O[i], equilibrium.utilities[i]);
  const shapley = shapleyValues(model, { tolerance, ...shapleyOptions });

  const leaveOneOut = new Float64Array(N);
  const standalone = new Float64Array(N);
  const v = shapley.coalitionValues;
  if (v) {
    const full = v.length - 1;
    for (let i = 0; i < N; i++) {
      leaveOneOut[i] = v[full] - v[full ^ (1 << i)];
      standalone[i] = v[1 << i];
    }
  } else {
    const solver = new CoalitionSolver(coalitionGame(model), { tolerance });
    for (let i = 0; i < N; i++) solver.add(i);
    const grand = solver.value();
    for (let i = 0; i < N; i++) {
      solver.remove(i);
      leaveOneOut[i] = grand - solver.value();
      solver.add(i);
    }
    const single = new CoalitionSolver(coalitionGame(model), { tolerance });
    for (let i = 0; i < N; i++) {
      single.clear();
      single.add(i);
      standalone[i] = single.value();
    }
  }

  // C_n = harm_n [P_N(x) − P_{N∖n}(x_{−n})] at x = x^opt
  const x = optimum.x;
  let D = 0;
  let Q = 0;
  for (let i = 0; i < N; i++) {
    const u = model.d[i] + x[i];
    D += u;
    Q += model.s[i] / u;
  }
  const PN = performance(model.curve, D, Q);
  const compensation = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    if (N === 1 || model.harm[i] === 0) continue;
    const u = model.d[i] + x[i];
    const Pminus = performance(model.curve, D - u, Q - model.s[i] / u);
    compensation[i] = model.harm[i] * (PN - Pminus);
  }
  let scale = 0;
  for (let i = 0; i < N; i++) scale += Math.abs(optimum.utilities[i]);
  return {
    scenario,
    model,
    equilibrium,
    optimum,
    outsideOptions: O,
    outsideOptionsConverged: oConverged,
    floors,
    shapley,
    leaveOneOut,
    standalone,
    compensation,
    symmetry: symmetryClasses(model),
    scale: scale > 0 ? scale : 1,
  };
}
