/**
 * Shapley values of the coalition game v (coalition-values.ts, DESIGN §4):
 *
 *   φ_n = Σ_{S ⊆ N∖n} |S|!(N−|S|−1)!/N! · [v(S ∪ n) − v(S)]
 *
 * - exact for N ≤ `exactLimit` (default 20): all 2^N coalition values (Gray-code order, warm starts), then the
 *   weighted sum above in O(N·2^N);
 * - beyond, Monte-Carlo permutation sampling: φ_n is the mean over uniformly random orders of n's marginal
 *   contribution when it joins its predecessors. Samples come in antithetic pairs (an order and its reverse, averaged
 *   into one sample), which lowers the variance because early and late positions are paired; identical organizations
 *   (symmetry classes, symmetry.ts) have their per-sample contributions averaged, so they get identical estimates.
 *   Standard errors are sd/√T over the T pair-samples. Sampling stops once the relative standard error
 *   Σ_n SE_n / |v(N)| is at most `targetRelativeError` (default 0.01) — the per-organization standard errors added
 *   up, against the total value; the estimated total itself has no error (every order's marginal contributions
 *   telescope to v(N) − v(∅)), so the error that matters is how the total is split — or at `maxPermutations`.
 *   ‖SE‖₂ / |v(N)| (the root-sum-square, smaller) is reported beside it. Seeded (util/random.ts).
 * With an `engine` option the exact path's 2^N coalition values come from the engine's coalition-value kernel
 * (native: all cores, off the main thread; WebGPU: float32, see kernels/coalition-values.wgsl) and the result is a
 * promise; Monte-Carlo stays on the JS reference (its coalitions are sequential prefixes of one order).
 */
import { modelOf, type GameModel, type Scenario } from '../game/index.js';
import { invalidArgument } from '../core/errors.js';
import { backendOfOption, type Engine } from '../engine/engine.js';
import {
  integerOption,
  isTolerance,
  numberOption,
  optionsRecord,
  seedOption,
  TOLERANCE_RULE,
} from '../util/options.js';
import { Random } from '../util/random.js';
import {
  addStats,
  allCoalitionValues,
  coalitionGame,
  coalitionValues,
  CoalitionSolver,
  emptyStats,
  prefixValues,
  type CoalitionGame,
  type CoalitionStats,
} from './coalition-values.js';
import { symmetryClasses } from './symmetry.js';

export interface ShapleyOptions {
  /** Exact enumeration up to this many organizations. Default 20 (at most 26). */
  exactLimit?: number;
  /** Seed of the Monte-Carlo orders. Default 1. */
  seed?: number;
  /** Stop sampling at Σ_n SE_n / |v(N)| ≤ this. Default 0.01. */
  targetRelativeError?: number;
  /** Orders at least (antithetic pairs count two). Default 16. */
  minPermutations?: number;
  /** Orders at most. Default 20 000. */
  maxPermutations?: number;
  /** KKT tolerance of each coalition solve. Default 1e-9. */
  tolerance?: number;
}

export interface ShapleyEngineOptions extends ShapleyOptions {
  /** Run the exact path's coalition values on this engine's backend; the result is then a promise. */
  engine: Engine;
}

export interface ShapleyResult {
  values: Float64Array;
  /** Per-organization standard errors (zeros when exact). */
  standardErrors: Float64Array;
  method: 'exact' | 'monte-carlo';
  /** Orders sampled (Monte-Carlo; 0 when exact). */
  permutations: number;
  /** Σ_n SE_n / |v(N)| (0 when exact): the stopping rule's measure. */
  relativeStandardError: number;
  /** ‖SE‖₂ / |v(N)| (0 when exact). */
  relativeStandardErrorRms: number;
  /** All 2^N coalition values by mask (exact method only; not part of any JSON). */
  coalitionValues: Float64Array | null;
  /** v(N) (= SW(x^opt)). */
  grandValue: number;
  seed: number | null;
  coalitionStats: CoalitionStats;
  seconds: number;
}

const SHAPLEY_KEYS = [
  'exactLimit',
  'seed',
  'targetRelativeError',
  'minPermutations',
  'maxPermutations',
  'tolerance',
] as const;

/**
 * @internal {@link ShapleyOptions} checked (no unknown key, every value of its type and range, named `name.key`)
 * and with their defaults: the one check of shapleyValues, monteCarloShapley and analyzeRound's `shapley` option.
 */
export function shapleySettings(
  options: unknown,
  name = 'options',
  extra: readonly string[] = [],
): Required<ShapleyOptions> {
  const o = optionsRecord(options, [...SHAPLEY_KEYS, ...extra], name) as ShapleyOptions;
  const count = (key: 'minPermutations' | 'maxPermutations', fallback: number) =>
    integerOption(o, key, fallback, 1, Number.MAX_SAFE_INTEGER, name);
  return {
    exactLimit: integerOption(o, 'exactLimit', 20, 0, 26, name),
    seed: seedOption(o, 'seed', 1, name),
    targetRelativeError: numberOption(
      o,
      'targetRelativeError',
      0.01,
      (v) => v >= 0 && v < Infinity,
      'a finite number ≥ 0',
      name,
    ),
    minPermutations: count('minPermutations', 16),
    maxPermutations: count('maxPermutations', 20_000),
    tolerance: numberOption(o, 'tolerance', 1e-9, isTolerance, TOLERANCE_RULE, name),
  };
}

/**
 * Shapley values from all 2^N coalition values v[mask] (v[0] = 0). O(N·2^N).
 * @example exactShapleyFromValues(Float64Array.of(0, 1, 2, 4), 2) // [1.5, 2.5]
 */
export function exactShapleyFromValues(v: Float64Array, n: number): Float64Array {
  if (!(Number.isInteger(n) && n >= 0 && n <= 26)) throw invalidArgument('n', 'an integer in [0, 26]', n);
  if (!(v instanceof Float64Array) || v.length !== 2 ** n)
    throw invalidArgument('v', `a Float64Array of 2^${n} coalition values`, v);
  // weight[s] = s!(N−s−1)!/N! = 1 / (N·C(N−1, s))
  const weight = new Float64Array(n);
  let binom = 1;
  for (let s = 0; s < n; s++) {
    weight[s] = 1 / (n * binom);
    binom = (binom * (n - 1 - s)) / (s + 1);
  }
  // φ_j = Σ_{S∌j} w(|S|)·(v(S∪j) − v(S)) = Σ_{S∋j} c(S) − Σ_S dec(S), with inc(S) = w(|S|−1)·v(S),
  // dec(S) = w(|S|)·v(S) and c = inc + dec: one sequential sweep builds c, then each φ_j sums the masks with bit j
  // set — contiguous runs of 2^j at stride 2^(j+1) — with no branch in the inner loop (the pairwise form reads
  // v(S∪j) at scattered addresses, 2^N·N cache misses at N = 20).
  const phi = new Float64Array(n);
  const total = v.length;
  const c = new Float64Array(total);
  const sizes = new Uint8Array(total); // |S|, built from |S without its lowest bit|
  let decTotal = 0;
  for (let mask = 0; mask < total; mask++) {
    const size = mask === 0 ? 0 : (sizes[mask] = sizes[mask >>> 1] + (mask & 1));
    const vS = v[mask];
    const inc = size > 0 ? weight[size - 1] * vS : 0;
    const dec = size < n ? weight[size] * vS : 0;
    c[mask] = inc + dec;
    decTotal += dec;
  }
  for (let j = 0; j < n; j++) {
    const run = 1 << j;
    let sum = 0;
    for (let base = run; base < total; base += 2 * run) {
      for (let k = base, end = base + run; k < end; k++) sum += c[k];
    }
    phi[j] = sum - decTotal;
  }
  return phi;
}

/**
 * Shapley values of the scenario's coalition game, exact or sampled (module comment).
 * @example const sh = shapleyValues(createGameModel(scenario)); sh.values; sh.standardErrors;
 * @example const sh = await shapleyValues(model, { engine: await createEngine({ backend: 'native' }) });
 */
export function shapleyValues(input: Scenario | GameModel, options: ShapleyEngineOptions): Promise<ShapleyResult>;
export function shapleyValues(input: Scenario | GameModel, options?: ShapleyOptions): ShapleyResult;
export function shapleyValues(
  input: Scenario | GameModel,
  options: ShapleyOptions & { engine?: Engine } = {},
): ShapleyResult | Promise<ShapleyResult> {
  const settings = shapleySettings(options, 'options', ['engine']);
  const { exactLimit, tolerance } = settings;
  const engine = options.engine;
  if (engine !== undefined) backendOfOption(engine, 'shapleyValues');
  const model = modelOf(input);
  const game = coalitionGame(model);
  const t0 = performance.now();
  if (model.n <= exactLimit) {
    if (engine) {
      const stats = emptyStats();
      return coalitionValues(game, 'all', { tolerance, engine }, stats).then((v) => exactResult(v, model.n, stats, t0));
    }
    const stats = emptyStats();
    return exactResult(allCoalitionValues(game, { tolerance }, stats), model.n, stats, t0);
  }
  const mc = monteCarloShapley(game, symmetryClasses(model), settings, t0);
  return engine ? Promise.resolve(mc) : mc;
}

function exactResult(v: Float64Array, n: number, stats: CoalitionStats, t0: number): ShapleyResult {
  return {
    values: exactShapleyFromValues(v, n),
    standardErrors: new Float64Array(n),
    method: 'exact',
    permutations: 0,
    relativeStandardError: 0,
    relativeStandardErrorRms: 0,
    coalitionValues: v,
    grandValue: v[v.length - 1],
    seed: null,
    coalitionStats: stats,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Monte-Carlo Shapley on a coalition game (antithetic pairs, symmetry-class averaging, adaptive stop).
 * @param classes symmetry class of each organization (identical organizations share one), or null
 */
export function monteCarloShapley(
  game: CoalitionGame,
  classes: Int32Array | null,
  options: ShapleyOptions = {},
  t0 = performance.now(),
): ShapleyResult {
  const { seed, targetRelativeError: target, minPermutations, maxPermutations, tolerance } = shapleySettings(options);
  if (typeof game !== 'object' || game === null || !(Number.isInteger(game.n) && game.n >= 1))
    throw invalidArgument('game', 'a CoalitionGame (coalitionGame(model))', game);
  const n = game.n;
  if (classes !== null && !(classes instanceof Int32Array && classes.length === n))
    throw invalidArgument('classes', `null or an Int32Array of ${n} symmetry classes`, classes);
  const minPerm = Math.max(2, minPermutations);
  const maxPerm = Math.max(minPerm, maxPermutations);
  const rng = new Random(seed);
  const solver = new CoalitionSolver(game, { tolerance });
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const reverse = new Int32Array(n);
  const pv = new Float64Array(n);
  const sample = new Float64Array(n);
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  // symmetry classes: per-sample averaging within a class
  let classOf: Int32Array | null = null;
  let classSize: Float64Array | null = null;
  let classAcc: Float64Array | null = null;
  if (classes) {
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, classes[i] + 1);
    if (k < n) {
      classOf = classes;
      classSize = new Float64Array(k);
      classAcc = new Float64Array(k);
      for (let i = 0; i < n; i++) classSize[classes[i]]++;
    }
  }
  let pairs = 0;
  let grand = NaN;
  let rse = Infinity;
  let rms = Infinity;
  const values = new Float64Array(n);
  const se = new Float64Array(n);
  const finishStats = (): void => {
    let ss = 0;
    let s1 = 0;
    for (let i = 0; i < n; i++) {
      values[i] = sum[i] / pairs;
      const varI = pairs > 1 ? Math.max(sumSq[i] / pairs - values[i] * values[i], 0) * (pairs / (pairs - 1)) : Infinity;
      se[i] = Math.sqrt(varI / pairs);
      ss += se[i] * se[i];
      s1 += se[i];
    }
    rse = s1 / Math.abs(grand);
    rms = Math.sqrt(ss) / Math.abs(grand);
  };
  while (2 * pairs < maxPerm) {
    rng.shuffle(order);
    for (let k = 0; k < n; k++) reverse[k] = order[n - 1 - k];
    sample.fill(0);
    prefixValues(solver, order, pv);
    grand = pv[n - 1];
    for (let k = 0; k < n; k++) sample[order[k]] += 0.5 * (pv[k] - (k > 0 ? pv[k - 1] : 0));
    prefixValues(solver, reverse, pv);
    for (let k = 0; k < n; k++) sample[reverse[k]] += 0.5 * (pv[k] - (k > 0 ? pv[k - 1] : 0));
    if (classOf && classSize && classAcc) {
      classAcc.fill(0);
      for (let i = 0; i < n; i++) classAcc[classOf[i]] += sample[i];
      for (let i = 0; i < n; i++) sample[i] = classAcc[classOf[i]] / classSize[classOf[i]];
    }
    for (let i = 0; i < n; i++) {
      sum[i] += sample[i];
      sumSq[i] += sample[i] * sample[i];
    }
    pairs++;
    if (2 * pairs >= minPerm && (pairs & 1) === 0) {
      finishStats();
      if (rse <= target) break;
    }
  }
  finishStats();
  const stats = emptyStats();
  addStats(stats, solver.stats);
  return {
    values,
    standardErrors: se,
    method: 'monte-carlo',
    permutations: 2 * pairs,
    relativeStandardError: rse,
    relativeStandardErrorRms: rms,
    coalitionValues: null,
    grandValue: grand,
    seed,
    coalitionStats: stats,
    seconds: (performance.now() - t0) / 1000,
  };
}
