/** Paired multi-seed statistics (src/fl/seed-comparison.ts) on hand-made runs, against a hand computation. */
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { seedComparisonCsv } from '../../src/fl/seed-comparison-results.js';
import { compareSeeds } from '../../src/fl/seed-comparison.js';
import {
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  type SimulationRound,
  type SimulationState,
} from '../../src/fl/simulation.js';
import type { StrategyName } from '../../src/fl/strategies.js';
import { studentTQuantile } from '../../src/numeric/statistics.js';

/** A round with two organizations; utilities split the welfare evenly. */
function round(
  r: number,
  v: { accuracy: number; loss?: number; welfare: number; gain: number | null; predicted: number; generated?: number },
): SimulationRound {
  const generated = v.generated ?? (v.predicted === 0 ? 0 : 10);
  return {
    round: r,
    accuracy: v.accuracy,
    loss: v.loss ?? 1 - v.accuracy,
    generated: [generated / 2, generated / 2],
    utilities: [v.welfare / 2, v.welfare / 2],
    predictedUtilities: [v.welfare / 4, v.welfare / 4],
    performance: 1,
    predictedPerformance: 1,
    gain: v.gain,
    predictedGain: v.predicted,
    heterogeneity: 0,
    predictedHeterogeneity: 0,
    seconds: 0,
  };
}

type Spec = Partial<Record<StrategyName, Parameters<typeof round>[1][]>>;

function run(seed: number, spec: Spec): SimulationState {
  const strategies = Object.keys(spec) as StrategyName[];
  const rounds = Object.values(spec)[0]!.length;
  return {
    config: {
      ...SIMULATION_DEFAULTS,
      seed,
      rounds,
      strategies,
      curve: SUBSET_SOFTMAX_CURVE,
      curveSource: 'test',
      curveUncertainty: null,
    },
    completedRounds: rounds,
    strategies: Object.fromEntries(
      strategies.map((n) => [n, { rounds: spec[n]!.map((v, i) => round(i + 1, v)), params: new Float32Array(1) }]),
    ),
  };
}

const t2 = studentTQuantile(0.975, 2); // 3 seeds

/** Three seeds: VCFL, and a mechanism whose welfare beats it by 0.3, 0.5, 0.4 on the seeds. */
function threeSeeds(mechanismWelfare: [number, number, number], vcflWelfare: [number, number, number] = [1, 1.2, 0.9]) {
  return [0, 1, 2].map((s) =>
    run(10 + s, {
      vcfl: [{ accuracy: 0.7 + 0.01 * s, welfare: vcflWelfare[s]!, gain: 0, predicted: 0 }],
      mechanism: [{ accuracy: 0.75 + 0.02 * s, welfare: mechanismWelfare[s]!, gain: 0.1 * (s + 1), predicted: 0.12 }],
    }),
  );
}

describe('compareSeeds', () => {
  it('gives the mean and Student-t interval of every metric, as a hand computation does', () => {
    const c = compareSeeds(threeSeeds([1.3, 1.7, 1.3]));
    expect(c.seeds).toEqual([10, 11, 12]);
    const m = c.summary.mechanism!;
    // accuracy 0.75, 0.77, 0.79: mean 0.77, sd 0.02, half-width t(0.975, 2)·0.02/√3
    expect(m.accuracy.mean).toBeCloseTo(0.77, 14);
    expect(m.accuracy.sd).toBeCloseTo(0.02, 14);
    expect(m.accuracy.high! - m.accuracy.mean).toBeCloseTo((t2 * 0.02) / Math.sqrt(3), 13);
    // realized gains 0.1, 0.2, 0.3 against a prediction of 0.12: relative errors 0.2, 0.4, 0.6
    expect(m.realizedGain!.mean).toBeCloseTo(0.2, 14);
    expect(m.predictionError!.relative.mean).toBeCloseTo(0.4, 13);
    expect(m.predictionError!.absolute.mean).toBeCloseTo(-0.08, 13);
    expect(c.summary.vcfl!.predictionError).toBeNull();
    // welfare differences 0.3, 0.5, 0.4: mean 0.4, sd 0.1
    const w = c.comparisons!.vcfl!.welfare;
    expect(w.mean).toBeCloseTo(0.4, 14);
    expect(w.low).toBeCloseTo(0.4 - (t2 * 0.1) / Math.sqrt(3), 13);
    expect(c.comparisons!.vcfl!.accuracy.mean).toBeCloseTo(0.06, 14);
    expect(c.comparisons!.vcfl!.verdict).toBe('mechanism higher');
    expect(c.verdict.mechanism).toBe('best');
    expect(c.verdict.welfare).toMatch(/significantly above every baseline \(paired, 95 %\)/);
    // median 0.4, p90 0.56 of (0.2, 0.4, 0.6); the interval of the relative error lies above 15 %
    expect(c.verdict.prediction.medianRelativeError).toBeCloseTo(0.4, 13);
    expect(c.verdict.prediction.p90RelativeError).toBeCloseTo(0.56, 13);
    expect(c.verdict.prediction.predictions).toBe(3);
    expect(c.verdict.prediction.status).toBe('undetermined'); // 0.4 ± 0.5 contains 15 %
    expect(c.verdict.prediction.statement).toMatch(/median 40 % \(p90 56 %\) over 3 predictions/);
    // Seed baseline: gains 0.1, 0.2, 0.3 each against the others' mean (0.25, 0.2, 0.15): 1.5, 0, 0.5.
    expect(c.verdict.prediction.seedBaseline.medianRelativeError).toBeCloseTo(0.5, 13);
    expect(c.verdict.prediction.seedBaseline.p90RelativeError).toBeCloseTo(1.3, 13);
    expect(c.verdict.prediction.statement).toMatch(
      /other seeds' mean realized gain would be off by a median 50 % \(p90 130 %\)\.$/,
    );
  });

  it('says tied within noise when the paired interval holds 0, and below when it lies under 0', () => {
    expect(compareSeeds(threeSeeds([1.5, 1.0, 0.8])).verdict.mechanism).toBe('tied');
    const below = compareSeeds(threeSeeds([0.7, 0.9, 0.6]));
    expect(below.comparisons!.vcfl!.verdict).toBe('mechanism lower');
    expect(below.verdict.mechanism).toBe('below');
    expect(below.verdict.welfare).toMatch(/significantly below VCFL/);
  });

  it('pairs by seed: a shift shared by both strategies on a seed does not widen the interval', () => {
    // The mechanism is exactly 0.2 above VCFL on every seed, though welfare varies a lot between seeds.
    const c = compareSeeds(threeSeeds([1.2, 5.2, -2.8], [1, 5, -3]));
    expect(c.comparisons!.vcfl!.welfare.high! - c.comparisons!.vcfl!.welfare.low!).toBeLessThan(1e-12);
    expect(c.comparisons!.vcfl!.verdict).toBe('mechanism higher');
    expect(c.summary.mechanism!.welfare.high! - c.summary.mechanism!.welfare.low!).toBeGreaterThan(5);
  });

  it('with one seed gives means without intervals and claims nothing', () => {
    const c = compareSeeds([threeSeeds([1.3, 1.7, 1.3])[0]!]);
    expect(c.summary.mechanism!.accuracy).toEqual({ mean: 0.75, low: null, high: null, sd: null, n: 1 });
    expect(c.comparisons!.vcfl!.verdict).toBe('undetermined');
    expect(c.verdict.mechanism).toBe('undetermined');
    expect(c.verdict.prediction.status).toBe('undetermined');
  });

  it('says inside the tolerance only when every interval of the error lies below it', () => {
    const runs = [0, 1, 2].map((s) =>
      run(s, {
        vcfl: [{ accuracy: 0.7, welfare: 1, gain: 0, predicted: 0 }],
        wco: [{ accuracy: 0.7, welfare: 1, gain: 0.1 + 0.001 * s, predicted: 0.1 }],
      }),
    );
    const c = compareSeeds(runs);
    expect(c.comparisons).toBeNull();
    expect(c.verdict.mechanism).toBe('not simulated');
    expect(c.verdict.prediction.status).toBe('inside');
  });

  it('averages welfare over rounds, and leaves out of the prediction error a strategy that generated nothing', () => {
    const runs = [0, 1].map((s) =>
      run(s, {
        vcfl: [
          { accuracy: 0.6, welfare: 1, gain: 0, predicted: 0 },
          { accuracy: 0.7, welfare: 3, gain: 0, predicted: 0 },
        ],
        equilibrium: [
          { accuracy: 0.6, welfare: 1, gain: 0, predicted: 0, generated: 0 },
          { accuracy: 0.7, welfare: 3, gain: 0, predicted: 0, generated: 0 },
        ],
      }),
    );
    const c = compareSeeds(runs);
    expect(c.summary.vcfl!.welfare.mean).toBe(2);
    expect(c.summary.vcfl!.rounds.map((r) => r.accuracy.mean)).toEqual([0.6, 0.7]);
    expect(c.summary.equilibrium!.predictionError).toBeNull();
    expect(c.verdict.prediction.predictions).toBe(0);
    expect(seedComparisonCsv(c).trim().split('\n')).toHaveLength(3);
  });

  it('refuses runs that are not one config on distinct seeds, and non-finite values, by name', () => {
    const [a, b] = threeSeeds([1.3, 1.7, 1.3]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CocogenError);
        return (e as CocogenError).message;
      }
      throw new Error('did not throw');
    };
    expect(code(() => compareSeeds([]))).toMatch(/runs/);
    expect(code(() => compareSeeds([a!, { ...b!, config: { ...b!.config, alpha: 2 } }]))).toMatch(
      /runs\[1\]\.config\.alpha/,
    );
    expect(code(() => compareSeeds([a!, a!]))).toMatch(/runs\[1\]\.config\.seed/);
    expect(code(() => compareSeeds([a!, { ...b!, completedRounds: 2 }]))).toMatch(/runs\[1\]\.completedRounds/);
    expect(code(() => compareSeeds([a!, b!], { level: 1 }))).toMatch(/options\.level/);
    expect(code(() => compareSeeds([a!, b!], { tolerance: -1 }))).toMatch(/options\.tolerance/);
    const broken = structuredClone(b!);
    broken.strategies.mechanism!.rounds[0]!.accuracy = NaN;
    expect(code(() => compareSeeds([a!, broken]))).toMatch(/summary\.mechanism\.rounds\[0\]\.accuracy/);
  });
});
