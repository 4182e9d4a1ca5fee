/**
 * The game over a grid (docs/design.md §3): competition intensity g (uniform Γ), rivalry λ, label skew (Dirichlet α:
 * label counts drawn over the organizations' sizes) and cost c per synthetic sample, one solve per point. What
 * `cocogen sweep` runs, callable from the API; sweepCsv writes its sweep.csv, src/plot/sweep-figures.ts its plots.
 *
 * It lives in src/fl, not src/game, because it draws federations (src/fl/partition.ts) and src/fl sits above
 * src/game: the game layer imports nothing from the federated-learning layer.
 */
import { invalidArgument, invalidArgumentText } from '../core/errors.js';
import { buildScenario, initialSkew, solveGame, withCompetition, type Scenario } from '../game/index.js';
import { toCsv } from '../util/atomic-write.js';
import { optionsRecord } from '../util/options.js';
import { Random } from '../util/random.js';
import { labelCountsFromDirichlet, powerLawSizes } from './partition.js';

/** The organizations a sweep varies: everything but label counts, cost, competition and rivalry. */
export interface SweepBase {
  ids: string[];
  classes: number;
  /** Samples d_n per organization (whole numbers: label counts are drawn over them). */
  sizes: number[];
  marketValue: Float64Array;
  maxSynthetic: Float64Array;
  privateGain: Float64Array;
  /** Each organization's own cost, used at the grid's `null` cost; null when it has none. */
  ownCost: Float64Array | null;
  target: 'uniform' | 'pooled' | number[];
  learningCurve: Scenario['learningCurve'];
}

/** The axes of the grid; every point of their product is solved. */
export interface SweepGrid {
  /** Competition intensities g ≥ 0 (uniform Γ: each organization's total exposure). */
  g: readonly number[];
  /** Rivalries λ in [0, 1]. */
  rivalry: readonly number[];
  /** Dirichlet concentrations α > 0 of the label draws. */
  alpha: readonly number[];
  /** Costs c ≥ 0 per synthetic sample, the same for every organization; null: each keeps its own (base.ownCost). */
  cost: readonly (number | null)[];
}

export interface SweepOptions {
  /** Seeds the label draws and the RaDG baseline. Default 1. */
  seed?: number;
  /** Called after each point, `done` of `total` solved. */
  onPoint?: (done: number, total: number, point: SweepPoint) => void;
}

export interface SweepPoint {
  alpha: number;
  /** Mean over organizations of δ⁰_n = ‖p_n − p*‖₁. */
  meanInitialSkew: number;
  /** Cost per synthetic sample, or null where each organization keeps its own. */
  cost: number | null;
  rivalry: number;
  g: number;
  potentialGame: boolean;
  nonPotentialCount: number;
  equilibriumConverged: boolean;
  kktResidual: number;
  iterations: number;
  optimumConverged: boolean;
  /** Total synthetic samples Σ x_n. */
  generation: { equilibrium: number; optimum: number; wco: number; radg: number };
  socialWelfare: { equilibrium: number; optimum: number; vcfl: number; wco: number; radg: number };
}

/** The grid `cocogen sweep` runs without flags. */
export const DEFAULT_SWEEP_GRID: Readonly<{ g: number[]; rivalry: number[]; alpha: number[]; cost: number[] }> = {
  g: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  rivalry: [0, 1],
  alpha: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  cost: [0.002, 0.004, 0.008],
};
/** Points one sweep may solve: about a minute on one core for ten organizations. */
export const MAX_SWEEP_POINTS = 10_000;
/** Organizations builtInSweepBase draws at most. */
export const MAX_SWEEP_ORGANIZATIONS = 100_000;

const BUILT_IN = {
  classes: 10,
  samplesPerOrganization: 5000,
  minSamples: 500,
  sizeExponent: 1,
  marketValue: [500, 2000] as const,
  privateGain: [0.005, 0.03] as const,
  capPerSample: 2,
  learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
};

/**
 * `n` built-in organizations: power-law sizes (exponent 1, 5000 samples each on average, at least 500), C = 10
 * classes, market value ρ ~ U[500, 2000], private gain μ ~ U[0.005, 0.03], cap X = 2d, learning curve
 * (L∞, A, β, η) = (0.3, 3, 0.3, 0.4), uniform target; no own cost.
 *
 * @example const base = builtInSweepBase(10, 1);
 */
export function builtInSweepBase(n: number, seed: number): SweepBase {
  if (!(Number.isSafeInteger(n) && n >= 2 && n <= MAX_SWEEP_ORGANIZATIONS))
    throw invalidArgument('organizations', `an integer in [2, ${MAX_SWEEP_ORGANIZATIONS}]`, n);
  checkSeed(seed, 'seed');
  const sizes = powerLawSizes(n, BUILT_IN.samplesPerOrganization * n, BUILT_IN.sizeExponent, seed, BUILT_IN.minSamples);
  const rng = new Random(seed);
  const marketValue = new Float64Array(n);
  const privateGain = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    marketValue[i] = rng.uniform(...BUILT_IN.marketValue);
    privateGain[i] = rng.uniform(...BUILT_IN.privateGain);
  }
  return {
    ids: sizes.map((_, i) => `org-${i}`),
    classes: BUILT_IN.classes,
    sizes,
    marketValue,
    maxSynthetic: Float64Array.from(sizes, (d) => BUILT_IN.capPerSample * d),
    privateGain,
    ownCost: null,
    target: 'uniform',
    learningCurve: { ...BUILT_IN.learningCurve, reference: Math.log(BUILT_IN.classes) },
  };
}

/**
 * The organizations of a scenario as a sweep base: sizes, market values, caps, private gains, learning curve and
 * target kept, each organization's own cost kept for the grid's `null` cost; label counts are redrawn per α.
 * `where` names the input in errors (the CLI passes its flag and the file).
 *
 * @example const base = sweepBaseFromScenario(parseScenario(json));
 */
export function sweepBaseFromScenario(s: Scenario, where: { argument?: string; source?: string } = {}): SweepBase {
  const argument = where.argument ?? 'scenario';
  const source = where.source === undefined ? '' : ` in ${where.source}`;
  if (s.n < 2) throw invalidArgumentText(argument, 'a scenario with at least 2 organizations', `${s.n}${source}`);
  const sizes = Array.from(s.samples);
  const fractional = sizes.findIndex((d) => !Number.isInteger(d));
  if (fractional >= 0) {
    throw invalidArgumentText(
      argument,
      'organizations with whole-number samples (label counts are redrawn from Dirichlet(α))',
      `samples ${sizes[fractional]} for ${JSON.stringify(s.ids[fractional])}${source}`,
    );
  }
  return {
    ids: s.ids.slice(),
    classes: s.classes,
    sizes,
    marketValue: s.marketValue,
    maxSynthetic: s.maxSynthetic,
    privateGain: s.privateGain,
    ownCost: s.costPerSample,
    // A pooled target is re-pooled from each draw; a custom one is kept as given.
    target: s.target === 'custom' ? Array.from(s.targetDistribution) : s.target,
    learningCurve: s.learningCurve,
  };
}

/**
 * Solves the game (equilibrium, optimum, baselines; no outside options) at every point of `grid`, in the order
 * α, cost, λ, g (g fastest). Label counts are drawn once per α from Dirichlet(α) with `seed`, so every cost,
 * λ and g at one α sees the same federation. Pure: the same arguments give the same points.
 *
 * @example
 * const points = sweepGame(builtInSweepBase(10, 1), { g: [0, 0.5, 1], rivalry: [0, 1], alpha: [0.5], cost: [0.004] });
 * points[0].generation.equilibrium; // Σ x_n at α = 0.5, c = 0.004, λ = 0, g = 0
 * @throws CocogenError INVALID_ARGUMENT naming the grid entry or option that breaks its rule (unknown options too).
 */
export function sweepGame(base: SweepBase, grid: SweepGrid, options: SweepOptions = {}): SweepPoint[] {
  const o = optionsRecord(options, ['seed', 'onPoint'], 'options');
  const seed = o.seed === undefined ? 1 : checkSeed(o.seed, 'options.seed');
  if (o.onPoint !== undefined && typeof o.onPoint !== 'function')
    throw invalidArgument('options.onPoint', 'a function', o.onPoint);
  const onPoint = o.onPoint as SweepOptions['onPoint'];
  checkBase(base);
  const total = checkGrid(grid, base.ownCost !== null);

  const points: SweepPoint[] = [];
  for (const alpha of grid.alpha) {
    const counts = labelCountsFromDirichlet(base.sizes, base.classes, alpha, seed).flat();
    for (const cost of grid.cost) {
      const scenario = buildScenario({
        ids: base.ids,
        classes: base.classes,
        samples: base.sizes,
        labelCounts: counts,
        marketValue: base.marketValue,
        costPerSample: cost === null ? base.ownCost! : new Float64Array(base.ids.length).fill(cost),
        maxSynthetic: base.maxSynthetic,
        privateGain: base.privateGain,
        competition: { uniform: 0 },
        target: base.target,
        learningCurve: base.learningCurve,
      });
      const skew = mean(initialSkew(scenario));
      for (const rivalry of grid.rivalry) {
        for (const g of grid.g) {
          const sol = solveGame(withCompetition(scenario, { kind: 'uniform', intensity: g }, rivalry), {
            seed,
            outsideOptions: false,
          });
          const { vcfl, wco, radg } = sol.baselines;
          const point: SweepPoint = {
            alpha,
            meanInitialSkew: skew,
            cost,
            rivalry,
            g,
            potentialGame: sol.potentialGame,
            nonPotentialCount: sol.nonPotential.length,
            equilibriumConverged: sol.equilibrium.converged,
            kktResidual: sol.equilibrium.kktResidual,
            iterations: sol.equilibrium.iterations,
            optimumConverged: sol.optimum.converged,
            generation: {
              equilibrium: sum(sol.equilibrium.x),
              optimum: sum(sol.optimum.x),
              wco: sum(wco.x),
              radg: sum(radg.x),
            },
            socialWelfare: {
              equilibrium: sol.equilibrium.socialWelfare,
              optimum: sol.optimum.socialWelfare,
              vcfl: vcfl.socialWelfare,
              wco: wco.socialWelfare,
              radg: radg.socialWelfare,
            },
          };
          points.push(point);
          onPoint?.(points.length, total, point);
        }
      }
    }
  }
  return points;
}

/** How many points of a sweep are not potential games, and how many did not converge (equilibrium or optimum). */
export function sweepSummary(points: readonly SweepPoint[]): { nonPotential: number; nonConverged: number } {
  return {
    nonPotential: points.filter((p) => !p.potentialGame).length,
    nonConverged: points.filter((p) => !p.equilibriumConverged || !p.optimumConverged).length,
  };
}

const CSV_HEADER = [
  'alpha [dimensionless]',
  'mean_initial_skew [L1 distance, 0-2]',
  'cost_per_sample [value/sample]',
  'rivalry_lambda [dimensionless]',
  'competition_g [dimensionless]',
  'potential_game [bool]',
  'non_potential_organizations [count]',
  'equilibrium_converged [bool]',
  'equilibrium_kkt_residual [relative]',
  'equilibrium_iterations [count]',
  'optimum_converged [bool]',
  'generation_equilibrium [samples]',
  'generation_optimum [samples]',
  'generation_wco [samples]',
  'generation_radg [samples]',
  'welfare_equilibrium [value]',
  'welfare_optimum [value]',
  'welfare_vcfl [value]',
  'welfare_wco [value]',
  'welfare_radg [value]',
];

/** sweep.csv: one row per point, units in the header; an own cost (null) is an empty cell. */
export function sweepCsv(points: readonly SweepPoint[]): string {
  return toCsv(
    CSV_HEADER,
    points.map((p) => [
      p.alpha,
      p.meanInitialSkew,
      p.cost,
      p.rivalry,
      p.g,
      p.potentialGame,
      p.nonPotentialCount,
      p.equilibriumConverged,
      p.kktResidual,
      p.iterations,
      p.optimumConverged,
      p.generation.equilibrium,
      p.generation.optimum,
      p.generation.wco,
      p.generation.radg,
      p.socialWelfare.equilibrium,
      p.socialWelfare.optimum,
      p.socialWelfare.vcfl,
      p.socialWelfare.wco,
      p.socialWelfare.radg,
    ]),
  );
}

function checkSeed(seed: unknown, name: string): number {
  if (!(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0))
    throw invalidArgument(name, 'a non-negative integer (a seed)', seed);
  return seed;
}

function checkBase(base: SweepBase): void {
  if (typeof base !== 'object' || base === null) throw invalidArgument('base', 'a sweep base', base);
  const n = Array.isArray(base.ids) ? base.ids.length : -1;
  if (n < 2) throw invalidArgument('base.ids', 'an array of at least 2 organization ids', base.ids);
  if (!Array.isArray(base.sizes) || base.sizes.length !== n)
    throw invalidArgument('base.sizes', `an array of ${n} sizes (one per id)`, base.sizes);
  const bad = base.sizes.findIndex((d) => !(Number.isSafeInteger(d) && d >= 0));
  if (bad >= 0) throw invalidArgument(`base.sizes[${bad}]`, 'a whole number of samples', base.sizes[bad]);
  if (base.ownCost !== null && !(base.ownCost instanceof Float64Array && base.ownCost.length === n))
    throw invalidArgument('base.ownCost', `null or a Float64Array of ${n} costs`, base.ownCost);
}

/** The grid's rules (finite, in range, no repeats, not empty, at most MAX_SWEEP_POINTS); returns the point count. */
function checkGrid(grid: SweepGrid, ownCost: boolean): number {
  const g = optionsRecord(grid, ['g', 'rivalry', 'alpha', 'cost'], 'grid');
  const axes: [keyof SweepGrid, (v: number) => boolean, string][] = [
    ['g', (v) => v >= 0, 'a finite number ≥ 0'],
    ['rivalry', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'],
    ['alpha', (v) => v > 0, 'a finite number > 0'],
    [
      'cost',
      (v) => v >= 0,
      ownCost ? 'a finite number ≥ 0, or null (each organization’s own cost)' : 'a finite number ≥ 0',
    ],
  ];
  let total = 1;
  for (const [axis, ok, rule] of axes) {
    const list = g[axis];
    if (!Array.isArray(list) || list.length === 0)
      throw invalidArgument(`grid.${axis}`, 'a non-empty array of numbers', list);
    list.forEach((v: unknown, i) => {
      const allowed = v === null ? axis === 'cost' && ownCost : typeof v === 'number' && Number.isFinite(v) && ok(v);
      if (!allowed) throw invalidArgument(`grid.${axis}[${i}]`, rule, v);
      if (list.indexOf(v) !== i) throw invalidArgument(`grid.${axis}[${i}]`, `${rule}, not a repeat`, v);
    });
    total *= list.length;
  }
  if (total > MAX_SWEEP_POINTS)
    throw invalidArgumentText('grid', `a grid of at most ${MAX_SWEEP_POINTS} points`, `${total} points`);
  return total;
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}

function mean(v: ArrayLike<number>): number {
  return v.length ? sum(v) / v.length : NaN;
}
