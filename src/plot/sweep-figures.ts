/**
 * The three figures of `cocogen sweep` (docs/cli.md): generation against competition, generation against label skew,
 * and social welfare per strategy against competition. Colour names the strategy (the same in every figure,
 * STRATEGY_STYLES), the dash pattern and marker name λ in the generation figures. The cap Σ X_n is a level across the
 * whole axis, drawn over the data: the λ = 1 optimum often runs along it. Each figure shows one slice of the grid;
 * sweepHold says where the other axes are held.
 */
import { basename } from 'node:path';
import type { SweepGrid, SweepPoint } from '../fl/sweep.js';
import { invalidArgument } from '../core/errors.js';
import { formatNumber } from '../util/format-number.js';
import { checkFiniteNumbers } from '../util/options.js';
import { DASHES, lineChartSvg, MARKERS, panelsSvg, type Series } from './line-chart.js';
import { STRATEGY_STYLES } from './strategy-styles.js';

/** Where the figures hold the axes they do not show: each at the middle value of its list. */
export interface SweepHold {
  alpha: number;
  cost: number | null;
  g: number;
}

/** What the subtitles name and the cap line needs. */
export interface SweepFigureSetting {
  organizations: number;
  /** The scenario file the organizations came from (its base name is shown); null for the built-in ones. */
  base: string | null;
  seed: number;
  /** Σ X_n, the most the organizations can generate in all. */
  cap: number;
}

/**
 * The middle value of each held axis (the lower of the two middle ones for an even count, in sorted order).
 *
 * @example
 * sweepHold({ g: [0, 0.5, 1], rivalry: [0, 1], alpha: [0.1, 1], cost: [0.004] });
 * // { alpha: 0.1, cost: 0.004, g: 0.5 }
 */
export function sweepHold(grid: SweepGrid): SweepHold {
  if (typeof grid !== 'object' || grid === null) throw invalidArgument('grid', 'a SweepGrid', grid);
  for (const key of ['alpha', 'cost', 'g'] as const)
    if (!Array.isArray(grid[key]) || grid[key].length === 0)
      throw invalidArgument(`grid.${key}`, 'a non-empty list', grid[key]);
  return { alpha: middle(grid.alpha), cost: middle(grid.cost), g: middle(grid.g) };
}

/** The middle entry of a list in sorted order (the lower one of two). */
function middle<T extends number | null>(list: readonly T[]): T {
  const sorted = list.slice().sort((a, b) => (a ?? 0) - (b ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** "each organization’s own cost" or "cost c = 0.004 per sample": the cost a slice holds, in words. */
export function sweepCostLabel(cost: number | null): string {
  if (cost !== null && !(typeof cost === 'number' && Number.isFinite(cost)))
    throw invalidArgument('cost', 'a finite number or null', cost);
  return cost === null ? 'each organization’s own cost' : `cost c = ${formatNumber(cost)} per sample`;
}

/** INVALID_ARGUMENT naming the first argument of a sweep figure that is not what sweepGame and sweepHold give. */
function checkFigureArguments(points: unknown, rivalries: unknown, ref: unknown, setting: unknown): void {
  if (!Array.isArray(points)) throw invalidArgument('points', 'the points of sweepGame', points);
  checkFiniteNumbers(rivalries, 'rivalries');
  const h = ref as Partial<SweepHold> | null;
  if (typeof h !== 'object' || h === null || typeof h.alpha !== 'number' || typeof h.g !== 'number')
    throw invalidArgument('ref', 'a SweepHold (from sweepHold)', ref);
  const f = setting as Partial<SweepFigureSetting> | null;
  if (
    typeof f !== 'object' ||
    f === null ||
    !Number.isSafeInteger(f.organizations) ||
    typeof f.cap !== 'number' ||
    !Number.isSafeInteger(f.seed) ||
    (f.base !== null && typeof f.base !== 'string')
  )
    throw invalidArgument('setting', '{ organizations, base, seed, cap }', setting);
}

/** The sweep's strategies drawn as the simulation's: its optimum is the mechanism's operating point. */
const STYLES = {
  equilibrium: STRATEGY_STYLES.equilibrium,
  optimum: STRATEGY_STYLES.mechanism,
  vcfl: STRATEGY_STYLES.vcfl,
  wco: STRATEGY_STYLES.wco,
  radg: STRATEGY_STYLES.radg,
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

function lambdaLabel(rivalry: number): string {
  return `λ = ${formatNumber(rivalry)}`;
}

function lambdaDash(rivalries: readonly number[], rivalry: number): string {
  return DASHES[rivalries.indexOf(rivalry) % DASHES.length]!;
}

function lambdaMarker(rivalries: readonly number[], rivalry: number) {
  return MARKERS[rivalries.indexOf(rivalry) % MARKERS.length]!;
}

function who(setting: SweepFigureSetting): string {
  return setting.base === null
    ? `N = ${setting.organizations} organizations, seed ${setting.seed}`
    : `${basename(setting.base)} (N = ${setting.organizations}), seed ${setting.seed}`;
}

/**
 * A dark grey dashed level at Σ X_n across the whole axis: the ceiling every generation curve runs into. A reference
 * line, so it is drawn over the data: the λ = 1 optimum often sits on it, and must not hide it.
 */
function capSeries(setting: SweepFigureSetting): Series {
  return { label: 'cap Σ X_n', x: [], y: [setting.cap / 1000], dash: '5 3', reference: true, acrossX: true };
}

/**
 * Total generation (thousands) along one axis of a slice of the grid: equilibrium and optimum per λ, WCO (the same
 * for every λ) and the cap line.
 */
function generationSeries(
  slice: readonly SweepPoint[],
  rivalries: readonly number[],
  setting: SweepFigureSetting,
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
        color: STYLES[strategy].color,
        dash: lambdaDash(rivalries, rivalry),
        marker: lambdaMarker(rivalries, rivalry),
      });
    }
  }
  const wco = slice.filter((p) => p.rivalry === rivalries[0]).sort(byX);
  series.push({
    label: `${STRATEGY_NAMES.wco}, any λ`,
    x: wco.map(x),
    y: wco.map((p) => p.generation.wco / 1000),
    color: STYLES.wco.color,
    dash: '1 3',
    marker: STYLES.wco.marker,
    markers: false,
  });
  series.push(capSeries(setting));
  return series;
}

/** generation-vs-competition.svg: Σ x_n (thousands) against g at the held α and cost, a line per strategy and λ. */
export function generationVsCompetitionSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: SweepHold,
  setting: SweepFigureSetting,
): string {
  checkFigureArguments(points, rivalries, ref, setting);
  const slice = points.filter((p) => p.alpha === ref.alpha && p.cost === ref.cost);
  const series = generationSeries(slice, rivalries, setting, (p) => p.g);
  return lineChartSvg({
    title: 'Synthetic data generation vs competition',
    subtitle: `${who(setting)}; Dirichlet α = ${formatNumber(ref.alpha)} (mean δ⁰ = ${(slice[0]?.meanInitialSkew ?? NaN).toFixed(2)}); ${sweepCostLabel(ref.cost)}`,
    xLabel: G_LABEL,
    yLabel: GENERATION_LABEL,
    series,
    yZero: true,
    width: 720,
    height: 480,
  });
}

/** generation-vs-skew.svg: Σ x_n (thousands) against the mean initial skew δ⁰ (one point per α) at the held g and cost. */
export function generationVsSkewSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: SweepHold,
  setting: SweepFigureSetting,
): string {
  checkFigureArguments(points, rivalries, ref, setting);
  const slice = points.filter((p) => p.g === ref.g && p.cost === ref.cost);
  const series = generationSeries(slice, rivalries, setting, (p) => p.meanInitialSkew);
  const alphas = [...new Set(slice.map((p) => p.alpha))].sort((a, b) => a - b);
  const alphaRange =
    alphas.length > 1
      ? `Dirichlet α from ${formatNumber(alphas[alphas.length - 1]!)} (left) to ${formatNumber(alphas[0]!)} (right)`
      : `Dirichlet α = ${formatNumber(alphas[0] ?? NaN)}`;
  return lineChartSvg({
    title: 'Synthetic data generation vs label skew',
    subtitle: `${who(setting)}; g = ${formatNumber(ref.g)}; ${sweepCostLabel(ref.cost)}; ${alphaRange}`,
    xLabel: 'mean initial label skew δ⁰ = mean ‖p_n − p*‖₁ (L1 distance, 0–2)',
    yLabel: GENERATION_LABEL,
    series,
    yZero: true,
    width: 720,
    height: 480,
  });
}

/** welfare.svg: social welfare and the gain over VCFL per strategy against g at the held α and cost, a panel per λ. */
export function welfareSvg(
  points: readonly SweepPoint[],
  rivalries: readonly number[],
  ref: SweepHold,
  setting: SweepFigureSetting,
): string {
  checkFigureArguments(points, rivalries, ref, setting);
  const slice = points.filter((p) => p.alpha === ref.alpha && p.cost === ref.cost);
  const strategies = ['optimum', 'equilibrium', 'wco', 'radg', 'vcfl'] as const;
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
          ...STYLES[s],
        })),
      };
    });
  });
  return panelsSvg({
    title: 'Social welfare vs competition',
    subtitle: `${who(setting)}; Dirichlet α = ${formatNumber(ref.alpha)}; ${sweepCostLabel(ref.cost)}`,
    panels,
    columns: rivalries.length,
  });
}
