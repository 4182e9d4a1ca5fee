/**
 * The figures of `cocogen study` (docs/cli.md): a metric of each strategy — measured welfare, synthetic samples
 * generated — against the grid's first axis, with the interval over seeds as error bars; one panel per combination of
 * the other axes. A line per strategy in its own colour, dash and marker (STRATEGY_STYLES), nudged apart on the x axis
 * so that the bars do not hide each other.
 */
import { invalidArgument } from '../core/errors.js';
import type { StrategyName } from '../fl/strategies.js';
import type { MeanInterval } from '../numeric/statistics.js';
import { panelsSvg, type Series } from './line-chart.js';
import { STRATEGY_STYLES } from './strategy-styles.js';

type AxisValue = number | string | readonly string[];

/** One cell as the figure reads it: its grid values and, per strategy, the metric's mean and interval. */
export interface StudyFigureCell {
  params: Readonly<Record<string, AxisValue>>;
  summary: Readonly<Partial<Record<StrategyName, { label: string } & Record<string, unknown>>>> | null;
}

export interface StudyFigureSpec {
  title: string;
  subtitle?: string;
  /** the grid's axes in order; the first is the x axis and must be numeric */
  axes: readonly { key: string; values: readonly AxisValue[] }[];
  cells: readonly StudyFigureCell[];
  /** the summary field drawn (a MeanInterval per strategy), and its axis label */
  metric: string;
  yLabel: string;
}

const text = (v: AxisValue) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v.join(','));

/** Whether the study can be drawn this way: a first axis of at least one number. */
export function studyFigureDrawable(axes: StudyFigureSpec['axes']): boolean {
  return axes.length > 0 && axes[0]!.values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The figure; INVALID_ARGUMENT when its first axis is not numeric (see {@link studyFigureDrawable}). */
export function studyFigureSvg(spec: StudyFigureSpec): string {
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.axes) || !Array.isArray(spec.cells))
    throw invalidArgument('spec', '{ title, axes, cells, metric, yLabel }', spec);
  if (!studyFigureDrawable(spec.axes))
    throw invalidArgument('spec.axes[0]', 'a grid axis of numbers (the x axis)', spec.axes[0]);
  const [xAxis, ...rest] = spec.axes;
  const xs = (xAxis!.values as number[]).slice().sort((a, b) => a - b);
  const span = xs.length > 1 ? xs[xs.length - 1]! - xs[0]! : 1;
  // One panel per combination of the other axes, in file order.
  let panels: Record<string, AxisValue>[] = [{}];
  for (const a of rest) panels = panels.flatMap((p) => a.values.map((v: AxisValue) => ({ ...p, [a.key]: v })));
  const strategies = [
    ...new Set(spec.cells.flatMap((c) => Object.keys(c.summary ?? {}) as StrategyName[])),
  ] as StrategyName[];
  const charts = panels.map((fixed) => {
    const inPanel = spec.cells.filter((c) => rest.every((a) => text(c.params[a.key]!) === text(fixed[a.key]!)));
    const series: Series[] = strategies.map((name, i) => {
      const nudge = (i - (strategies.length - 1) / 2) * 0.012 * span;
      const points = xs.map((x) => {
        const cell = inPanel.find((c) => c.params[xAxis!.key] === x);
        const m = cell?.summary?.[name]?.[spec.metric] as MeanInterval | undefined;
        return m ?? null;
      });
      const label = spec.cells.find((c) => c.summary?.[name])?.summary?.[name]?.label ?? name;
      return {
        label,
        x: xs.map((x) => x + nudge),
        y: points.map((p) => p?.mean ?? NaN),
        errorBars: points.map((p) => (p && p.low !== null && p.high !== null ? ([p.low, p.high] as const) : null)),
        ...STRATEGY_STYLES[name],
      };
    });
    const caption = rest.map((a) => `${a.key} = ${text(fixed[a.key]!)}`).join(', ');
    return { title: caption || spec.title, xLabel: xAxis!.key, yLabel: spec.yLabel, series };
  });
  return panelsSvg({
    title: spec.title,
    ...(spec.subtitle ? { subtitle: spec.subtitle } : {}),
    columns: Math.min(3, charts.length),
    panels: charts,
  });
}
