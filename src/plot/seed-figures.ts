/**
 * The figure of `cocogen simulate --seeds` (docs/training.md, "Several seeds"): per round, the mean over seeds with
 * its confidence interval as error bars — test accuracy, measured welfare, and the realized beside the predicted gain
 * on one scale. A line per strategy in its own colour, dash and marker (STRATEGY_STYLES), nudged apart on the round
 * axis so that the bars do not hide each other.
 */
import type { MeanInterval } from '../numeric/statistics.js';
import { levelPercent, type RoundSummary, type SeedComparison, type StrategySummary } from '../fl/seed-comparison.js';
import type { SimulationConfig } from '../fl/simulation.js';
import type { StrategyName } from '../fl/strategies.js';
import { panelsSvg, seriesYValues, type LineChartSpec, type Series } from './line-chart.js';
import { STRATEGY_STYLES } from './strategy-styles.js';

type Metric = (r: RoundSummary) => MeanInterval | null;

function seriesOf(c: SeedComparison, metric: Metric): Series[] {
  const entries = Object.entries(c.summary) as [StrategyName, StrategySummary][];
  return entries.map(([name, s], i) => {
    const nudge = (i - (entries.length - 1) / 2) * 0.06;
    const points = s.rounds.map(metric);
    return {
      label: s.label,
      x: s.rounds.map((r) => r.round + nudge),
      y: points.map((p) => p?.mean ?? NaN),
      errorBars: points.map((p) => (p && p.low !== null && p.high !== null ? ([p.low, p.high] as const) : null)),
      ...STRATEGY_STYLES[name],
    };
  });
}

/** seeds.svg: four panels over rounds, means with their intervals. */
export function seedComparisonSvg(c: SeedComparison, config: SimulationConfig): string {
  const pct = levelPercent(c.level);
  const realized = seriesOf(c, (r) => r.realizedGain);
  const predicted = seriesOf(c, (r) => r.predictedGain);
  const gainRange = seriesYValues([...realized, ...predicted]);
  const panel = (title: string, yLabel: string, series: Series[], extra: Partial<LineChartSpec> = {}) => ({
    title,
    xLabel: 'round',
    yLabel,
    series,
    xIntegers: true,
    legend: false,
    ...extra,
  });
  return panelsSvg({
    title: `Federated training over ${c.seeds.length} seeds (mean, ${pct} interval)`,
    subtitle: `${config.organizations} organizations, α = ${config.alpha}, g = ${config.competition}, ${config.model}, seeds ${c.seeds.join(', ')}`,
    columns: 2,
    panels: [
      panel(
        'Test accuracy',
        'test accuracy (fraction)',
        seriesOf(c, (r) => r.accuracy),
        { yBounds: [0, 1] },
      ),
      panel(
        'Measured welfare',
        'Σ U_n (value units)',
        seriesOf(c, (r) => r.welfare),
        { legend: true },
      ),
      panel('Realized gain vs VCFL', 'gain (nats)', realized, { yInclude: gainRange, yZero: true }),
      panel('Predicted gain', 'gain (nats)', predicted, { yInclude: gainRange, yZero: true }),
    ],
  });
}
