import { basename, join } from 'node:path';
import { invalidArgument, invalidArgumentText } from '../../errors.js';
import { labelCountsFromDirichlet, powerLawSizes } from '../../fl/partition.js';
import { buildScenario, initialSkew, solveGame, withCompetition, type Scenario } from '../../game/index.js';
import { DASHES, lineChartSvg, panelsSvg, type Series } from '../../plot/line-chart.js';
import { toCsv, writeFileAtomic } from '../../util/atomic-write.js';
import { Random } from '../../util/random.js';
import { integerFlag, numberListFlag, outDirFlag, seedFlag } from '../flags.js';
import { formatNumber, table, type Io } from '../output.js';
import { readScenarioFile } from '../read-scenario.js';

export const SWEEP_HELP = `cocogen sweep --out DIR [--base FILE | --orgs N] [--g LIST] [--rivalry LIST] [--alpha LIST]
              [--cost LIST] [--seed S] [--json]
  Solves the game (DESIGN §3) on every point of a grid over competition intensity g (uniform Γ: each
  organization's total exposure), rivalry λ, label skew (Dirichlet α: label counts drawn over power-law
  sizes) and cost c per synthetic sample (the same for every organization). LISTs are comma-separated.
  Writes to DIR (atomically):
    sweep.csv                       one row per grid point, units in the header
    generation-vs-competition.svg   total synthetic samples vs g: equilibrium and optimum, a line per λ
    generation-vs-skew.svg          total synthetic samples vs the mean initial label skew δ⁰
    welfare.svg                     social welfare of equilibrium, optimum, VCFL, WCO and RaDG vs g, a panel per λ
  The plots hold the other axes at their middle values (α, c, and g for the skew plot), named in each subtitle.
  Defaults: --orgs 10, --g 0,0.1,…,1, --rivalry 0,1, --alpha 0.05,0.1,0.2,0.5,1,2,5,10,
  --cost 0.002,0.004,0.008, --seed 1 (sizes, label draws, market values and the RaDG baseline).
  Built-in organizations: power-law sizes (exponent 1, 5000 samples each on average, at least 500),
  C = 10 classes, market value ρ ~ U[500, 2000], private gain μ ~ U[0.005, 0.03], cap X = 2d,
  learning curve (L∞, A, β, η) = (0.3, 3, 0.3, 0.4), uniform target.
  --base FILE takes the organizations (sizes, market values, caps, private gains, learning curve, target)
  from a scenario file instead; their label counts are redrawn for each α and, without --cost, each keeps
  its own cost (an empty cost cell in the CSV).
  --json prints { config, points, files }. Progress goes to stderr on a terminal only.`;

const DEFAULTS = {
  organizations: 10,
  g: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  rivalry: [0, 1],
  alpha: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  cost: [0.002, 0.004, 0.008],
};
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
const MAX_POINTS = 10_000;
const MAX_ORGANIZATIONS = 100_000;

/** The organizations a sweep varies: everything but label counts, cost, competition and rivalry. */
interface SweepBase {
  ids: string[];
  classes: number;
  sizes: number[];
  marketValue: Float64Array;
  maxSynthetic: Float64Array;
  privateGain: Float64Array;
  /** Each organization's own cost (from --base), used when no --cost is given. */
  ownCost: Float64Array | null;
  target: 'uniform' | 'pooled' | number[];
  learningCurve: Scenario['learningCurve'];
}

export interface SweepPoint {
  alpha: number;
  /** Mean over organizations of δ⁰_n = ‖p_n − p*‖₁. */
  meanInitialSkew: number;
  /** Cost per synthetic sample, or null where each organization keeps its own (--base without --cost). */
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

const FILES = ['sweep.csv', 'generation-vs-competition.svg', 'generation-vs-skew.svg', 'welfare.svg'] as const;

export async function sweepCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  if (positionals.length > 0) throw invalidArgument('arguments', 'none (every input is a flag)', positionals);
  const out = outDirFlag(values.out, 'sweep.csv and the plots');
  if (values.base !== undefined && values.orgs !== undefined) {
    throw invalidArgumentText(
      '--orgs',
      'no --orgs with --base (the base file fixes the organizations)',
      String(values.orgs),
    );
  }
  const seed = seedFlag(values.seed, '--seed', 1);
  const organizations = integerFlag(values.orgs, '--orgs', 2, MAX_ORGANIZATIONS, DEFAULTS.organizations);
  const gs = numberListFlag(values.g, '--g', (v) => v >= 0, 'a finite number ≥ 0', DEFAULTS.g);
  const rivalries = numberListFlag(values.rivalry, '--rivalry', (v) => v >= 0 && v <= 1, 'in [0, 1]', DEFAULTS.rivalry);
  const alphas = numberListFlag(values.alpha, '--alpha', (v) => v > 0, 'a finite number > 0', DEFAULTS.alpha);
  const base = values.base === undefined ? builtInBase(organizations, seed) : baseFromFile(String(values.base));
  const costs: (number | null)[] =
    values.cost === undefined && base.ownCost
      ? [null]
      : numberListFlag(values.cost, '--cost', (v) => v >= 0, 'a finite number ≥ 0', DEFAULTS.cost);
  const total = gs.length * rivalries.length * alphas.length * costs.length;
  if (total > MAX_POINTS) {
    throw invalidArgumentText(
      '--g, --rivalry, --alpha, --cost',
      `a grid of at most ${MAX_POINTS} points`,
      `${total} points`,
    );
  }

  const progress = createProgress(io, total);
  const t0 = performance.now();
  const points: SweepPoint[] = [];
  for (const alpha of alphas) {
    const counts = labelCountsFromDirichlet(base.sizes, base.classes, alpha, seed).flat();
    for (const cost of costs) {
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
      for (const rivalry of rivalries) {
        for (const g of gs) {
          const sol = solveGame(withCompetition(scenario, { kind: 'uniform', intensity: g }, rivalry), {
            seed,
            outsideOptions: false,
          });
          const { vcfl, wco, radg } = sol.baselines;
          points.push({
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
          });
          progress.tick(points.length);
        }
      }
    }
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;

  const reference = {
    alpha: middle(alphas),
    cost: middle(costs),
    g: middle(gs),
  };
  const setting: Setting = {
    organizations: base.ids.length,
    base: values.base === undefined ? null : String(values.base),
    seed,
    cap: sum(base.maxSynthetic),
  };
  const files = FILES.map((f) => join(out, f));
  const [csvPath, genG, genSkew, welfare] = files as [string, string, string, string];
  writeFileAtomic(csvPath, sweepCsv(points));
  writeFileAtomic(genG, generationVsCompetitionSvg(points, rivalries, reference, setting));
  writeFileAtomic(genSkew, generationVsSkewSvg(points, rivalries, reference, setting));
  writeFileAtomic(welfare, welfareSvg(points, rivalries, reference, setting));

  const config = {
    organizations: base.ids.length,
    classes: base.classes,
    base: setting.base,
    seed,
    g: gs,
    rivalry: rivalries,
    alpha: alphas,
    cost: costs,
    plotsHold: reference,
    points: points.length,
    seconds,
  };
  if (json) {
    io.out(JSON.stringify({ config, points, files }));
    return 0;
  }
  io.out(
    `Swept ${points.length} points (${gs.length} g × ${rivalries.length} λ × ${alphas.length} α × ${costs.length} cost) ` +
      `over ${base.ids.length} organizations in ${formatNumber(seconds)} s.`,
  );
  const nonConverged = points.filter((p) => !p.equilibriumConverged || !p.optimumConverged).length;
  const nonPotential = points.filter((p) => !p.potentialGame).length;
  if (nonPotential > 0)
    io.out(`${nonPotential} points are not potential games (some w_n ≤ 0): best-response dynamics there.`);
  if (nonConverged > 0) io.out(`${nonConverged} points did not converge (see the *_converged columns).`);
  io.out('');
  io.out(`At α = ${formatNumber(reference.alpha)}, ${costLabel(reference.cost)}:`);
  const slice = points.filter((p) => p.alpha === reference.alpha && p.cost === reference.cost);
  io.out(
    table(
      ['λ', 'g', 'Σx equilibrium', 'Σx optimum', 'SW equilibrium', 'SW optimum', 'SW VCFL', 'SW WCO'],
      slice.map((p) => [
        p.rivalry,
        p.g,
        Math.round(p.generation.equilibrium),
        Math.round(p.generation.optimum),
        p.socialWelfare.equilibrium,
        p.socialWelfare.optimum,
        p.socialWelfare.vcfl,
        p.socialWelfare.wco,
      ]),
    ),
  );
  io.out('');
  io.out(`Wrote ${files.join(', ')}`);
  return 0;
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}

function mean(v: ArrayLike<number>): number {
  return v.length ? sum(v) / v.length : NaN;
}

/** The middle entry of a list in sorted order (the lower one of two): the value plots hold an axis at. */
function middle<T extends number | null>(list: readonly T[]): T {
  const sorted = list.slice().sort((a, b) => (a ?? 0) - (b ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function builtInBase(n: number, seed: number): SweepBase {
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

function baseFromFile(path: string): SweepBase {
  const s = readScenarioFile(path, '--base');
  if (s.n < 2)
    throw invalidArgumentText(
      '--base',
      'a scenario with at least 2 organizations',
      `${s.n} in ${JSON.stringify(path)}`,
    );
  const sizes = Array.from(s.samples);
  const fractional = sizes.findIndex((d) => !Number.isInteger(d));
  if (fractional >= 0) {
    throw invalidArgumentText(
      '--base',
      'organizations with whole-number samples (label counts are redrawn from Dirichlet(α))',
      `samples ${sizes[fractional]} for ${JSON.stringify(s.ids[fractional])} in ${JSON.stringify(path)}`,
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

function sweepCsv(points: readonly SweepPoint[]): string {
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

// Plots: colour names the strategy (the same in every figure), the dash pattern names λ.
const STRATEGY_COLORS = {
  equilibrium: '#0072B2',
  optimum: '#D55E00',
  vcfl: '#009E73',
  wco: '#CC79A7',
  radg: '#E69F00',
};
const STRATEGY_NAMES = {
  equilibrium: 'equilibrium',
  optimum: 'social optimum',
  vcfl: 'VCFL (no generation)',
  wco: 'WCO (competition-oblivious)',
  radg: 'RaDG (random amounts)',
};
const GENERATION_LABEL = 'total synthetic samples Σ x_n (thousands)';
const G_LABEL = 'competition intensity g (each organization’s total exposure, dimensionless)';

interface Reference {
  alpha: number;
  cost: number | null;
  g: number;
}
interface Setting {
  organizations: number;
  base: string | null;
  seed: number;
  /** Σ X_n, the most the organizations can generate in all. */
  cap: number;
}

function costLabel(cost: number | null): string {
  return cost === null ? 'each organization’s own cost' : `cost c = ${formatNumber(cost)} per sample`;
}

function lambdaLabel(rivalry: number): string {
  return `λ = ${formatNumber(rivalry)}`;
}

function lambdaDash(rivalries: readonly number[], rivalry: number): string {
  return DASHES[rivalries.indexOf(rivalry) % DASHES.length]!;
}

function who(setting: Setting): string {
  return setting.base === null
    ? `N = ${setting.organizations} organizations, seed ${setting.seed}`
    : `${basename(setting.base)} (N = ${setting.organizations}), seed ${setting.seed}`;
}

/** A grey line at Σ X_n across the x range of `series`: the ceiling every generation curve runs into. */
function capSeries(series: readonly Series[], setting: Setting): Series {
  const xs = series.flatMap((s) => s.x).filter(Number.isFinite);
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  return {
    label: 'cap Σ X_n',
    x: [lo, hi],
    y: [setting.cap / 1000, setting.cap / 1000],
    color: '#888888',
    dash: '4 2',
    reference: true,
  };
}

/**
 * Total generation (thousands) along one axis of a slice of the grid: equilibrium and optimum per λ, WCO (the same
 * for every λ) and the cap line.
 */
function generationSeries(
  slice: readonly SweepPoint[],
  rivalries: readonly number[],
  setting: Setting,
  x: (p: SweepPoint) => number,
): Series[] {
  const byX = (a: SweepPoint, b: SweepPoint) => x(a) - x(b);
  const series: Series[] = [];
  for (const strategy of ['equilibrium', 'optimum'] as const) {
    for (const rivalry of rivalries) {
      const at = slice.filter((p) => p.rivalry === rivalry).sort(byX);
      series.push({
        label: `${STRATEGY_NAMES[strategy]}, ${lambdaLabel(rivalry)}`,
        x: at.map(x),
        y: at.map((p) => p.generation[strategy] / 1000),
        color: STRATEGY_COLORS[strategy],
        dash: lambdaDash(rivalries, rivalry),
      });
    }
  }
  const wco = slice.filter((p) => p.rivalry === rivalries[0]).sort(byX);
  series.push({
    label: `${STRATEGY_NAMES.wco}, any λ`,
    x: wco.map(x),
    y: wco.map((p) => p.generation.wco / 1000),
    color: STRATEGY_COLORS.wco,
    dash: '1 3',
    markers: false,
  });
  series.push(capSeries(series, setting));
  return series;
}

function generationVsCompetitionSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: Reference,
  setting: Setting,
): string {
  const slice = points.filter((p) => p.alpha === ref.alpha && p.cost === ref.cost);
  const series = generationSeries(slice, rivalries, setting, (p) => p.g);
  return lineChartSvg({
    title: 'Synthetic data generation vs competition',
    subtitle: `${who(setting)}; Dirichlet α = ${formatNumber(ref.alpha)} (mean δ⁰ = ${(slice[0]?.meanInitialSkew ?? NaN).toFixed(2)}); ${costLabel(ref.cost)}`,
    xLabel: G_LABEL,
    yLabel: GENERATION_LABEL,
    series,
    yZero: true,
    width: 720,
    height: 480,
  });
}

function generationVsSkewSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: Reference,
  setting: Setting,
): string {
  const slice = points.filter((p) => p.g === ref.g && p.cost === ref.cost);
  const series = generationSeries(slice, rivalries, setting, (p) => p.meanInitialSkew);
  const alphas = [...new Set(slice.map((p) => p.alpha))].sort((a, b) => a - b);
  const alphaRange =
    alphas.length > 1
      ? `Dirichlet α from ${formatNumber(alphas[alphas.length - 1]!)} (left) to ${formatNumber(alphas[0]!)} (right)`
      : `Dirichlet α = ${formatNumber(alphas[0] ?? NaN)}`;
  return lineChartSvg({
    title: 'Synthetic data generation vs label skew',
    subtitle: `${who(setting)}; g = ${formatNumber(ref.g)}; ${costLabel(ref.cost)}; ${alphaRange}`,
    xLabel: 'mean initial label skew δ⁰ = mean ‖p_n − p*‖₁ (L1 distance, 0–2)',
    yLabel: GENERATION_LABEL,
    series,
    yZero: true,
    width: 720,
    height: 480,
  });
}

function welfareSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: Reference,
  setting: Setting,
): string {
  const slice = points.filter((p) => p.alpha === ref.alpha && p.cost === ref.cost);
  const strategies = ['optimum', 'equilibrium', 'wco', 'radg', 'vcfl'] as const;
  const dash = { optimum: '', equilibrium: '', wco: '6 3', radg: '2 3', vcfl: '8 3 2 3' };
  const level = (p: SweepPoint, s: (typeof strategies)[number]) => p.socialWelfare[s];
  const gain = (p: SweepPoint, s: (typeof strategies)[number]) => p.socialWelfare[s] - p.socialWelfare.vcfl;
  const rows = [
    {
      measure: level,
      yLabel: 'social welfare Σ U_n (value units)',
      what: 'social welfare',
      legend: false,
      height: 340,
    },
    { measure: gain, yLabel: 'SW − SW of VCFL (value units)', what: 'gain over VCFL', legend: true, height: 440 },
  ];
  const panels = rows.flatMap((row) => {
    const all = slice.flatMap((p) => strategies.map((s) => row.measure(p, s)));
    return rivalries.map((rivalry) => {
      const at = slice.filter((p) => p.rivalry === rivalry).sort((a, b) => a.g - b.g);
      const caption = rivalry === 0 ? ' (rivals’ gains only hurt)' : rivalry === 1 ? ' (relative standing)' : '';
      return {
        title: `${row.what}, ${lambdaLabel(rivalry)}${caption}`,
        xLabel: 'competition intensity g (dimensionless)',
        yLabel: row.yLabel,
        yInclude: all,
        legend: row.legend,
        legendColumns: 2,
        height: row.height,
        series: strategies.map((s): Series => ({
          label: STRATEGY_NAMES[s],
          x: at.map((p) => p.g),
          y: at.map((p) => row.measure(p, s)),
          color: STRATEGY_COLORS[s],
          dash: dash[s],
        })),
      };
    });
  });
  return panelsSvg({
    title: 'Social welfare vs competition',
    subtitle: `${who(setting)}; Dirichlet α = ${formatNumber(ref.alpha)}; ${costLabel(ref.cost)}`,
    panels,
    columns: rivalries.length,
  });
}

/** Progress on stderr, only when both streams are terminals: "sweep 120/528 points". */
function createProgress(io: Io, total: number): { tick(done: number): void; done(): void } {
  const enabled = io.isTTY && Boolean(process.stderr.isTTY);
  let last = 0;
  return {
    tick(done: number) {
      if (!enabled) return;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      process.stderr.write(`\rsweep ${done}/${total} points`);
    },
    done() {
      if (enabled) process.stderr.write('\r\x1b[K');
    },
  };
}
