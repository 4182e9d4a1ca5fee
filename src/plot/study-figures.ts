/**
 * The figures of `cocogen study` (docs/cli.md): a metric of each strategy — measured welfare, synthetic samples
 * generated — against the grid's first axis, with the interval over seeds as error bars; one panel per combination of
 * the other axes, and one row of such panels per metric (docs/tasks.md draws generation above welfare). A line per strategy in its own colour, dash and marker (STRATEGY_STYLES), nudged apart on the x axis
 * so that the bars do not hide each other.
 */
import { invalidArgument } from '../core/errors.js';
import type { StrategyName } from '../fl/strategies.js';
import type { MeanInterval } from '../numeric/statistics.js';
import { panelsSvg, type Series } from './line-chart.js';
import { STRATEGY_STYLES } from './strategy-styles.js';

/** A grid value: a number, a name, or a list of names (a strategies axis). */
export type StudyAxisValue = number | string | readonly string[];

/** One cell as the figure reads it: its grid values and, per strategy, the metric's mean and interval. */
export interface StudyFigureCell {
  params: Readonly<Record<string, StudyAxisValue>>;
  summary: Readonly<Partial<Record<StrategyName, { label: string } & Record<string, unknown>>>> | null;
}

export interface StudyFigureSpec {
  title: string;
  subtitle?: string;
  /** the grid's axes in order; the first is the x axis and must be numeric */
  axes: readonly { key: string; values: readonly StudyAxisValue[] }[];
  cells: readonly StudyFigureCell[];
  /**
   * the summary fields drawn (a MeanInterval per strategy), each with its axis label and the values it can take (an
   * amount: [0, Infinity], so that an interval's end below 0 is cut at the frame): a row of panels each
   */
  metrics: readonly StudyFigureMetric[];
}

export interface StudyFigureMetric {
  metric: string;
  yLabel: string;
  yBounds?: readonly [number, number];
}

const text = (v: StudyAxisValue) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v.join(','));

/** Whether the study can be drawn this way: a first axis of at least one number. */
export function studyFigureDrawable(axes: StudyFigureSpec['axes']): boolean {
  return axes.length > 0 && axes[0]!.values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The figure; INVALID_ARGUMENT when its first axis is not numeric (see {@link studyFigureDrawable}). */
export function studyFigureSvg(spec: StudyFigureSpec): string {
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.axes) || !Array.isArray(spec.cells))
    throw invalidArgument('spec', '{ title, axes, cells, metrics }', spec);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    throw invalidArgument('spec.metrics', 'a non-empty array of { metric, yLabel }', spec.metrics);
  if (!studyFigureDrawable(spec.axes))
    throw invalidArgument('spec.axes[0]', 'a grid axis of numbers (the x axis)', spec.axes[0]);
  const [xAxis, ...rest] = spec.axes;
  const xs = (xAxis!.values as number[]).slice().sort((a, b) => a - b);
  // A first axis over a decade or more (Dirichlet α, say) reads on a log scale; the nudge is then a factor.
  const xLog = xs[0]! > 0 && xs[xs.length - 1]! / xs[0]! >= 10;
  const span = xLog ? Math.log(xs[xs.length - 1]! / xs[0]!) : xs.length > 1 ? xs[xs.length - 1]! - xs[0]! : 1;
  // One panel per combination of the other axes, in file order.
  let panels: Record<string, StudyAxisValue>[] = [{}];
  for (const a of rest) panels = panels.flatMap((p) => a.values.map((v: StudyAxisValue) => ({ ...p, [a.key]: v })));
  const strategies = [
    ...new Set(spec.cells.flatMap((c) => Object.keys(c.summary ?? {}) as StrategyName[])),
  ] as StrategyName[];
  const chartsOf = ({ metric, yLabel, yBounds }: StudyFigureMetric) =>
    panels.map((fixed) => {
      const inPanel = spec.cells.filter((c) => rest.every((a) => text(c.params[a.key]!) === text(fixed[a.key]!)));
      const series: Series[] = strategies.map((name, i) => {
        const nudge = (i - (strategies.length - 1) / 2) * 0.012 * span;
        const points = xs.map((x) => {
          const cell = inPanel.find((c) => c.params[xAxis!.key] === x);
          const m = cell?.summary?.[name]?.[metric] as MeanInterval | undefined;
          return m ?? null;
        });
        const label = spec.cells.find((c) => c.summary?.[name])?.summary?.[name]?.label ?? name;
        return {
          label,
          x: xs.map((x) => (xLog ? x * Math.exp(nudge) : x + nudge)),
          y: points.map((p) => p?.mean ?? NaN),
          errorBars: points.map((p) => (p && p.low !== null && p.high !== null ? ([p.low, p.high] as const) : null)),
          ...STRATEGY_STYLES[name],
        };
      });
      const caption = rest.map((a) => `${a.key} = ${text(fixed[a.key]!)}`).join(', ');
      return {
        title: caption || spec.title,
        xLabel: xAxis!.key,
        yLabel,
        series,
        ...(xLog ? { xLog } : {}),
        ...(yBounds ? { yBounds } : {}),
      };
    });
  const charts = spec.metrics.flatMap(chartsOf);
  return panelsSvg({
    title: spec.title,
    ...(spec.subtitle ? { subtitle: spec.subtitle } : {}),
    // One metric wraps its panels three to a row; several give each its own row.
    columns: spec.metrics.length > 1 ? panels.length : Math.min(3, charts.length),
    panels: charts,
  });
}
