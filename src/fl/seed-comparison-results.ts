/**
 * What `cocogen simulate --seeds` writes besides each seed's own files (docs/training.md, "Several seeds"): the
 * CSV of a seed comparison, one row per strategy, so that a program running compareSeeds() writes the same file.
 */
import type { MeanInterval } from '../numeric/statistics.js';
import { toCsv } from '../util/atomic-write.js';
import { levelPercent, type SeedComparison } from './seed-comparison.js';
import type { StrategyName } from './strategies.js';

const METRICS = [
  ['accuracy', 'final test accuracy'],
  ['loss', 'final test loss (nats)'],
  ['generated', 'generated in the last round (samples)'],
  ['realizedGain', 'realized gain vs VCFL (nats)'],
  ['predictedGain', 'predicted gain (nats)'],
  ['relativeError', 'relative prediction error'],
  ['welfare', 'welfare, measured (mean over rounds of Σ U_n)'],
  ['predictedWelfare', 'welfare, predicted'],
  ['mechanismAdvantage', 'mechanism − strategy, welfare (paired)'],
] as const;

const cells = (i: MeanInterval | null | undefined) => (i ? [i.mean, i.low, i.high] : [null, null, null]);

/** seeds.csv: per strategy, the mean and interval bounds of every metric, and the welfare verdict. */
export function seedComparisonCsv(c: SeedComparison): string {
  const pct = levelPercent(c.level);
  const headers = ['strategy', 'seeds'];
  for (const [, label] of METRICS) headers.push(label, `${label}, ${pct} low`, `${label}, ${pct} high`);
  headers.push('verdict');
  const rows = (
    Object.entries(c.summary) as [StrategyName, NonNullable<SeedComparison['summary'][StrategyName]>][]
  ).map(([name, s]) => {
    const versus = c.comparisons?.[name];
    return [
      name,
      c.seeds.length,
      ...cells(s.accuracy),
      ...cells(s.loss),
      ...cells(s.generated),
      ...cells(s.realizedGain),
      ...cells(s.predictedGain),
      ...cells(s.predictionError?.relative),
      ...cells(s.welfare),
      ...cells(s.predictedWelfare),
      ...cells(versus?.welfare),
      versus?.verdict ?? (name === 'mechanism' ? c.verdict.mechanism : null),
    ];
  });
  return toCsv(headers, rows);
}
