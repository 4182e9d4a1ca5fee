/**
 * The tables `cocogen simulate --seeds` prints: per strategy the means over seeds with their intervals, the
 * mechanism's paired advantage over each baseline, and the verdict in words.
 */
import type { MeanInterval } from '../numeric/statistics.js';
import { levelPercent, type SeedComparison, type StrategySummary } from '../fl/seed-comparison.js';
import type { SimulationConfig } from '../fl/simulation.js';
import { STRATEGY_LABELS, type StrategyName } from '../fl/strategies.js';
import { formatMeanInterval } from '../util/format-number.js';
import { counted, table } from './output.js';

const half = (i: MeanInterval) => (i.high === null ? null : i.high - i.mean);
const show = (i: MeanInterval | null | undefined) => (i ? formatMeanInterval(i.mean, half(i)) : '–');
const percent = (i: MeanInterval | null | undefined) =>
  i ? formatMeanInterval(100 * i.mean, i.high === null ? null : 100 * (i.high - i.mean)) + ' %' : '–';

export function seedComparisonReport(c: SeedComparison, config: SimulationConfig, backend: string): string {
  const pct = levelPercent(c.level);
  const rows = (Object.values(c.summary) as StrategySummary[]).map((s) => [
    s.label,
    show(s.accuracy),
    show(s.loss),
    show(s.realizedGain),
    show(s.predictedGain),
    percent(s.predictionError?.relative),
    show(s.welfare),
  ]);
  const lines = [
    `Simulated ${counted(config.rounds, 'round')} on ${counted(c.seeds.length, 'seed')} (${c.seeds.join(', ')}): ${counted(config.organizations, 'organization')}, Dirichlet α = ${config.alpha}, competition g = ${config.competition}, rivalry ${config.rivalry}, ${config.model}, backend ${backend}`,
    `Curve: ${config.curveSource}${config.recalibrate === 'online' ? ', refit online after each round' : ''}. Means over seeds ± the half-width of their ${pct} Student-t interval.`,
    '',
    table(
      ['strategy', 'accuracy', 'loss', 'realized gain', 'predicted gain', 'prediction error', 'welfare (measured)'],
      rows,
    ),
  ];
  if (c.comparisons) {
    const versus = (
      Object.entries(c.comparisons) as [StrategyName, NonNullable<SeedComparison['comparisons']>[StrategyName]][]
    ).map(([name, v]) => [
      STRATEGY_LABELS[name],
      show(v!.welfare),
      show(v!.predictedWelfare),
      show(v!.accuracy),
      v!.verdict,
    ]);
    lines.push(
      '',
      table(['mechanism vs', 'Δ welfare (measured)', 'Δ welfare (predicted)', 'Δ accuracy', 'verdict'], versus),
    );
  }
  lines.push(
    '',
    c.verdict.welfare,
    c.verdict.prediction.statement,
    '',
    'Final round for accuracy, loss and gains; welfare is the mean over rounds of Σ U_n. Gains in nats of test loss,',
    'realized against VCFL on the same seed; prediction error |predicted − realized| / |realized|. Differences are',
    'mechanism minus baseline, paired by seed.',
  );
  return lines.join('\n');
}
