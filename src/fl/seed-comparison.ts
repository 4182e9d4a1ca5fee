/**
 * Paired multi-seed statistics of simulations (docs/training.md, "Several seeds"): the same configuration run on
 * several seeds, every strategy on each seed, so that strategies compare seed by seed. Per strategy, the mean and
 * 95 % Student-t interval over seeds of the final accuracy and loss, the realized and predicted gain, the prediction
 * error and the measured welfare (the mean over rounds of Σ U_n); per baseline, the paired interval of the
 * mechanism's advantage; and a verdict that claims no more than the intervals support.
 */
import { invalidArgument } from '../core/errors.js';
import { numberOption, optionsRecord } from '../util/options.js';
import { meanInterval, quantile, type MeanInterval } from '../numeric/statistics.js';
import type { SimulationConfig, SimulationRound, SimulationState } from './simulation.js';
import { STRATEGY_LABELS, type StrategyName } from './strategies.js';

/**
 * The relative error of the predicted gain the engine aims at (|predicted − realized| / |realized| at the last round);
 * docs/training.md states it. A summary says whether the measured errors are inside it.
 */
export const PREDICTION_TOLERANCE = 0.15;

/** A confidence level as its text prints it: 0.95 → '95 %', 0.995 → '99.5 %'. */
export function levelPercent(level: number): string {
  return `${Math.round(level * 1000) / 10} %`;
}

export interface SeedComparisonOptions {
  /** Confidence level of every interval (default 0.95). */
  level?: number;
  /** The relative prediction error the verdict checks against (default PREDICTION_TOLERANCE). */
  tolerance?: number;
}

/** One strategy's round, over seeds. */
export interface RoundSummary {
  round: number;
  accuracy: MeanInterval;
  loss: MeanInterval;
  /** Σ U_n at the measured performance */
  welfare: MeanInterval;
  realizedGain: MeanInterval | null;
  predictedGain: MeanInterval;
}

export interface StrategySummary {
  label: string;
  /** at the last round */
  accuracy: MeanInterval;
  loss: MeanInterval;
  /** synthetic samples generated in the last round, all organizations */
  generated: MeanInterval;
  /** measured performance minus VCFL's (nats); null when VCFL was not simulated */
  realizedGain: MeanInterval | null;
  /** the curve's P(x) − P(0) (nats) */
  predictedGain: MeanInterval;
  /**
   * predicted − realized gain (nats) and |predicted − realized| / |realized|, at the last round, over the seeds on
   * which the strategy generated something; null for VCFL, without VCFL, or when it never generated
   */
  predictionError: { absolute: MeanInterval; relative: MeanInterval } | null;
  /** the mean over rounds of Σ U_n, measured; and as the curve predicted it */
  welfare: MeanInterval;
  predictedWelfare: MeanInterval;
  rounds: RoundSummary[];
}

/** A baseline against the mechanism, paired by seed: each interval is of (mechanism − baseline). */
export interface MechanismComparison {
  welfare: MeanInterval;
  predictedWelfare: MeanInterval;
  accuracy: MeanInterval;
  loss: MeanInterval;
  /** the welfare interval read: above 0, below 0, containing 0, or no interval (one seed) */
  verdict: 'mechanism higher' | 'mechanism lower' | 'tied within noise' | 'undetermined';
}

export interface SeedVerdict {
  /** best: significantly above every baseline; tied: above or tied with each; below: significantly below one */
  mechanism: 'best' | 'tied' | 'below' | 'undetermined' | 'not simulated';
  /** the same in a sentence, naming the baselines */
  welfare: string;
  prediction: {
    /** over every (strategy, seed) prediction at the last round; NaN when there is none */
    medianRelativeError: number;
    p90RelativeError: number;
    predictions: number;
    /**
     * The same statistics for a prediction that knows nothing of the seed: each seed's realized gain predicted by
     * the mean of the other seeds' (same strategy, leave one out). A curve below it explains part of the seeds'
     * differences from their D and H; one above it does worse than the average outcome. NaN with fewer than two
     * seeds.
     */
    seedBaseline: { medianRelativeError: number; p90RelativeError: number };
    tolerance: number;
    /** inside: every strategy's interval of the relative error below the tolerance; outside: one above it */
    status: 'inside' | 'outside' | 'undetermined';
    statement: string;
  };
}

export interface SeedComparison {
  seeds: number[];
  level: number;
  summary: Partial<Record<StrategyName, StrategySummary>>;
  /** per baseline (every simulated strategy but the mechanism); null when the mechanism was not simulated */
  comparisons: Partial<Record<StrategyName, MechanismComparison>> | null;
  verdict: SeedVerdict;
}

const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
const welfareOf = (r: SimulationRound) => sum(r.utilities);
const predictedWelfareOf = (r: SimulationRound) => sum(r.predictedUtilities);

/** The config fields that may differ between the runs compared: the seed only. */
function sameConfig(a: SimulationConfig, b: SimulationConfig): string | null {
  for (const key of Object.keys(a) as (keyof SimulationConfig)[]) {
    if (key === 'seed') continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return key;
  }
  return null;
}

function checkRuns(runs: readonly SimulationState[]): void {
  if (!Array.isArray(runs) || runs.length === 0)
    throw invalidArgument('runs', 'a non-empty array of simulations', runs);
  runs.forEach((r: Partial<SimulationState> | null, i) => {
    if (typeof r !== 'object' || r === null || typeof r.config !== 'object' || r.config === null || !r.strategies)
      throw invalidArgument(`runs[${i}]`, 'a simulation state (from simulate)', r);
  });
  const first = runs[0]!;
  const seen = new Set<number>();
  runs.forEach((r, i) => {
    const differs = sameConfig(first.config, r.config);
    if (differs !== null)
      throw invalidArgument(
        `runs[${i}].config.${differs}`,
        `runs[0]'s value (only the seed may differ)`,
        r.config[differs],
      );
    if (r.completedRounds !== first.completedRounds || r.completedRounds < 1)
      throw invalidArgument(
        `runs[${i}].completedRounds`,
        `≥ 1 and runs[0]'s ${first.completedRounds}`,
        r.completedRounds,
      );
    if (seen.has(r.config.seed))
      throw invalidArgument(`runs[${i}].config.seed`, 'a seed no other run has', r.config.seed);
    seen.add(r.config.seed);
  });
}

/** Each value of `of` over the runs, as an interval; an interval of non-finite values is refused by name. */
function over<T>(items: readonly T[], of: (item: T) => number, level: number, what: string): MeanInterval {
  const values = items.map(of);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(what, 'finite values in every run', values[bad]);
  return meanInterval(values, level)!;
}

/** (mechanism − baseline) per seed, as an interval. */
function paired(
  mechanism: readonly SimulationRound[][],
  baseline: readonly SimulationRound[][],
  of: (rounds: SimulationRound[]) => number,
  level: number,
): MeanInterval {
  return meanInterval(
    mechanism.map((m, s) => of(m) - of(baseline[s]!)),
    level,
  )!;
}

const last = (rounds: SimulationRound[]) => rounds[rounds.length - 1]!;
const meanOverRounds = (f: (r: SimulationRound) => number) => (rounds: SimulationRound[]) =>
  sum(rounds.map(f)) / rounds.length;

function summarize(name: StrategyName, perSeed: SimulationRound[][], level: number): StrategySummary {
  const what = (field: string) => `summary.${name}.${field}`;
  const finals = perSeed.map(last);
  const hasGain = finals.every((r) => r.gain !== null);
  const predicting = name !== 'vcfl' && hasGain ? finals.filter((r) => sum(r.generated) > 0) : [];
  const rounds: RoundSummary[] = perSeed[0]!.map((r0, i) => {
    const at = perSeed.map((rs) => rs[i]!);
    return {
      round: r0.round,
      accuracy: over(at, (r) => r.accuracy, level, what(`rounds[${i}].accuracy`)),
      loss: over(at, (r) => r.loss, level, what(`rounds[${i}].loss`)),
      welfare: over(at, welfareOf, level, what(`rounds[${i}].welfare`)),
      realizedGain: hasGain ? over(at, (r) => r.gain!, level, what(`rounds[${i}].realizedGain`)) : null,
      predictedGain: over(at, (r) => r.predictedGain, level, what(`rounds[${i}].predictedGain`)),
    };
  });
  return {
    label: STRATEGY_LABELS[name],
    accuracy: over(finals, (r) => r.accuracy, level, what('accuracy')),
    loss: over(finals, (r) => r.loss, level, what('loss')),
    generated: over(finals, (r) => sum(r.generated), level, what('generated')),
    realizedGain: hasGain ? over(finals, (r) => r.gain!, level, what('realizedGain')) : null,
    predictedGain: over(finals, (r) => r.predictedGain, level, what('predictedGain')),
    predictionError:
      predicting.length === 0
        ? null
        : {
            absolute: over(predicting, (r) => r.predictedGain - r.gain!, level, what('predictionError.absolute')),
            relative: over(predicting, relativeError, level, what('predictionError.relative')),
          },
    welfare: over(perSeed, meanOverRounds(welfareOf), level, what('welfare')),
    predictedWelfare: over(perSeed, meanOverRounds(predictedWelfareOf), level, what('predictedWelfare')),
    rounds,
  };
}

/** |predicted − realized| / |realized| of a round's gain. */
function relativeError(r: SimulationRound): number {
  return Math.abs(r.predictedGain - r.gain!) / Math.abs(r.gain!);
}

/** 'A', 'A and B', 'A, B and C'. */
function listOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function readInterval(i: MeanInterval): MechanismComparison['verdict'] {
  if (i.low === null || i.high === null) return 'undetermined';
  if (i.low > 0) return 'mechanism higher';
  if (i.high < 0) return 'mechanism lower';
  return 'tied within noise';
}

function welfareVerdict(
  comparisons: SeedComparison['comparisons'],
  level: number,
): Pick<SeedVerdict, 'mechanism' | 'welfare'> {
  const paired = `paired, ${levelPercent(level)}`;
  if (comparisons === null)
    return { mechanism: 'not simulated', welfare: 'The mechanism was not simulated: no comparison.' };
  const entries = Object.entries(comparisons) as [StrategyName, MechanismComparison][];
  if (entries.length === 0) return { mechanism: 'undetermined', welfare: 'The mechanism ran alone: no baseline.' };
  const names = (v: MechanismComparison['verdict']) =>
    entries.filter(([, c]) => c.verdict === v).map(([n]) => STRATEGY_LABELS[n]);
  if (entries.some(([, c]) => c.verdict === 'undetermined'))
    return { mechanism: 'undetermined', welfare: 'One seed: no interval, so no claim about the mechanism’s welfare.' };
  const below = names('mechanism lower');
  const tied = names('tied within noise');
  if (below.length > 0)
    return {
      mechanism: 'below',
      welfare: `The mechanism’s measured welfare is significantly below ${listOf(below)} (${paired}).`,
    };
  if (tied.length > 0) {
    const above = names('mechanism higher');
    return {
      mechanism: 'tied',
      welfare:
        `The mechanism’s measured welfare is tied within noise with ${listOf(tied)}` +
        (above.length ? `, and significantly above ${listOf(above)} (${paired}).` : ` (${paired}).`),
    };
  }
  return {
    mechanism: 'best',
    welfare: `The mechanism’s measured welfare is significantly above every baseline (${paired}).`,
  };
}

function predictionVerdict(
  summary: SeedComparison['summary'],
  perStrategy: Map<StrategyName, SimulationRound[][]>,
  tolerance: number,
  level: number,
): SeedVerdict['prediction'] {
  const intervalsAt = `${levelPercent(level)} intervals`;
  const errors: number[] = [];
  const loo: number[] = [];
  for (const [name, perSeed] of perStrategy) {
    if (summary[name]!.predictionError === null) continue;
    const gains: number[] = [];
    for (const rounds of perSeed) {
      const r = last(rounds);
      if (sum(r.generated) > 0) {
        errors.push(relativeError(r));
        gains.push(r.gain!);
      }
    }
    // Leave one seed out: its gain against the mean of the others, what seed-to-seed variation alone leaves.
    const total = gains.reduce((a, b) => a + b, 0);
    if (gains.length >= 2)
      for (const g of gains) loo.push(Math.abs((total - g) / (gains.length - 1) - g) / Math.abs(g));
  }
  const median = quantile(errors, 0.5);
  const p90 = quantile(errors, 0.9);
  const seedBaseline = { medianRelativeError: quantile(loo, 0.5), p90RelativeError: quantile(loo, 0.9) };
  const intervals = Object.values(summary).flatMap((s) => (s.predictionError ? [s.predictionError.relative] : []));
  let status: SeedVerdict['prediction']['status'] = 'undetermined';
  if (intervals.length > 0 && intervals.every((i) => i.high !== null && i.high <= tolerance)) status = 'inside';
  else if (intervals.some((i) => i.low !== null && i.low > tolerance)) status = 'outside';
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const statement =
    errors.length === 0
      ? 'No prediction to check (no strategy generated, or VCFL was not simulated).'
      : `The predicted gain is off by a median ${pct(median)} (p90 ${pct(p90)}) over ${errors.length} predictions: ` +
        (status === 'inside'
          ? `inside the ${pct(tolerance)} tolerance for every strategy (${intervalsAt}).`
          : status === 'outside'
            ? `outside the ${pct(tolerance)} tolerance (a strategy's interval lies above it, ${intervalsAt}).`
            : `not shown inside or outside the ${pct(tolerance)} tolerance by the ${intervalsAt}.`) +
        (loo.length === 0
          ? ''
          : ` Predicting each seed by the other seeds' mean realized gain would be off by a median ` +
            `${pct(seedBaseline.medianRelativeError)} (p90 ${pct(seedBaseline.p90RelativeError)}).`);
  return {
    medianRelativeError: median,
    p90RelativeError: p90,
    predictions: errors.length,
    seedBaseline,
    tolerance,
    status,
    statement,
  };
}

/**
 * Paired statistics of `runs`: one simulation per seed of one config (only the seed may differ), each with the same
 * finished rounds. Bad runs throw INVALID_ARGUMENT naming the run and field; a non-finite value in a summary throws
 * naming the summary field.
 *
 * @example
 * const runs = [];
 * for (const seed of [1, 2, 3]) runs.push(await simulate(data, setUpSimulation(data, { ...config, seed }), { ...config, seed }, { engine }));
 * const { summary, comparisons, verdict } = compareSeeds(runs);
 * console.log(verdict.welfare, verdict.prediction.statement);
 */
export function compareSeeds(runs: readonly SimulationState[], options: SeedComparisonOptions = {}): SeedComparison {
  optionsRecord(options, ['level', 'tolerance'], 'options');
  const level = numberOption(options, 'level', 0.95, (v) => v > 0 && v < 1, 'a number in (0, 1)');
  const positive = (v: number) => v > 0 && Number.isFinite(v);
  const tolerance = numberOption(options, 'tolerance', PREDICTION_TOLERANCE, positive, 'a finite number > 0');
  checkRuns(runs);
  const strategies = runs[0]!.config.strategies;
  const perStrategy = new Map(strategies.map((n) => [n, runs.map((r) => r.strategies[n]!.rounds)] as const));
  const summary: SeedComparison['summary'] = {};
  for (const [name, perSeed] of perStrategy) summary[name] = summarize(name, perSeed, level);
  let comparisons: SeedComparison['comparisons'] = null;
  const mechanism = perStrategy.get('mechanism');
  if (mechanism) {
    comparisons = {};
    for (const [name, perSeed] of perStrategy) {
      if (name === 'mechanism') continue;
      const welfare = paired(mechanism, perSeed, meanOverRounds(welfareOf), level);
      comparisons[name] = {
        welfare,
        predictedWelfare: paired(mechanism, perSeed, meanOverRounds(predictedWelfareOf), level),
        accuracy: paired(mechanism, perSeed, (rs) => last(rs).accuracy, level),
        loss: paired(mechanism, perSeed, (rs) => last(rs).loss, level),
        verdict: readInterval(welfare),
      };
    }
  }
  return {
    seeds: runs.map((r) => r.config.seed),
    level,
    summary,
    comparisons,
    verdict: {
      ...welfareVerdict(comparisons, level),
      prediction: predictionVerdict(summary, perStrategy, tolerance, level),
    },
  };
}
