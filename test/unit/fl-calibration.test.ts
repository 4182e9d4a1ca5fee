import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import {
  calibrate,
  curveInputOf,
  curveLoss,
  federationHeterogeneity,
  fitLearningCurve,
  type CurvePoint,
} from '../../src/fl/calibration.js';
import { SUBSET_PUBLIC_COUNT, loadFashionMnist, shippedSubsetDir, splitPublic } from '../../src/fl/fashion-mnist.js';
import { samplesOf } from '../../src/fl/samples.js';
import { buildScenario } from '../../src/game/index.js';
import { Random } from '../../src/util/random.js';

const truth = { floor: 0.42, scale: 3.1, exponent: 0.35, heterogeneity: 0.18 };

function synthetic(noise: number, seed: number): CurvePoint[] {
  const rng = new Random(seed);
  const points: CurvePoint[] = [];
  for (const size of [200, 400, 800, 1600, 3200, 6400, 12800, 25600])
    for (const heterogeneity of [0, 0.3, 0.8, 1.5, 2.4])
      points.push({ size, heterogeneity, loss: curveLoss(truth, size, heterogeneity) + noise * rng.normal() });
  return points;
}

describe('fitLearningCurve', () => {
  it('recovers known parameters exactly from noiseless points', () => {
    const fit = fitLearningCurve(synthetic(0, 1));
    expect(fit.rSquared).toBeGreaterThan(1 - 1e-12);
    expect(fit.floor).toBeCloseTo(truth.floor, 6);
    expect(fit.scale).toBeCloseTo(truth.scale, 5);
    expect(fit.exponent).toBeCloseTo(truth.exponent, 6);
    expect(fit.heterogeneity).toBeCloseTo(truth.heterogeneity, 8);
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toEqual([]);
  });

  it('recovers them from noisy points within a few standard errors, and reports R²', () => {
    const fit = fitLearningCurve(synthetic(0.005, 7));
    expect(fit.rSquared).toBeGreaterThan(0.99);
    expect(fit.rmse).toBeGreaterThan(0.003);
    expect(fit.rmse).toBeLessThan(0.007);
    for (const k of ['floor', 'scale', 'exponent', 'heterogeneity'] as const) {
      expect(Number.isFinite(fit.standardErrors[k])).toBe(true);
      expect(Math.abs(fit[k] - truth[k])).toBeLessThan(4 * fit.standardErrors[k] + 1e-9);
    }
    expect(Math.abs(fit.exponent - truth.exponent)).toBeLessThan(0.05);
    expect(Math.abs(fit.heterogeneity - truth.heterogeneity)).toBeLessThan(0.01);
    // It is a least-squares optimum: nudging β (and refitting nothing) makes it worse.
    const rss = (f: typeof truth) =>
      synthetic(0.005, 7).reduce((s, p) => s + (p.loss - curveLoss(f, p.size, p.heterogeneity)) ** 2, 0);
    const best = rss(fit);
    expect(best).toBeLessThanOrEqual(rss(truth));
    expect(best).toBeLessThan(rss({ ...fit, exponent: fit.exponent * 1.01 }));
    expect(best).toBeLessThan(rss({ ...fit, exponent: fit.exponent * 0.99 }));
  });

  it('holds a term the data contradict at 0 and says so; the game accepts the curve', () => {
    const points = synthetic(0, 2).map((p) => ({
      ...p,
      loss: curveLoss({ ...truth, heterogeneity: 0 }, p.size, 0) - 0.05 * p.heterogeneity,
    }));
    const fit = fitLearningCurve(points);
    expect(fit.heterogeneity).toBe(0);
    expect(fit.atBound).toEqual(['heterogeneity']);
    const curve = curveInputOf(fit);
    expect(curve.heterogeneity).toBe(1e-9);
    expect(() =>
      buildScenario({
        ids: ['a'],
        classes: 2,
        samples: [10],
        labelCounts: [5, 5],
        marketValue: [1],
        costPerSample: [0],
        maxSynthetic: [1],
        competition: { uniform: 0 },
        learningCurve: curve,
      }),
    ).not.toThrow();
  });

  it('checks its input', () => {
    expect(() => fitLearningCurve([])).toThrow(/at least 4 points/);
    expect(() => fitLearningCurve([...synthetic(0, 1).slice(0, 4), { size: 0, heterogeneity: 0, loss: 1 }])).toThrow(
      /points\[4\]\.size/,
    );
  });
});

describe('federationHeterogeneity', () => {
  it('is Σ (d_n/D)·δ_n² against the uniform target', () => {
    expect(
      federationHeterogeneity([
        [5, 5],
        [5, 5],
      ]),
    ).toBe(0);
    // one organization all class 0 (δ = 1), one balanced (δ = 0), equal sizes: H = ½·1
    expect(
      federationHeterogeneity([
        [10, 0],
        [5, 5],
      ]),
    ).toBeCloseTo(0.5, 12);
  });
});

describe('calibrate', () => {
  it('trains over a small grid of the shipped subset and fits the curve', async () => {
    const dir = shippedSubsetDir();
    const { owned } = splitPublic(loadFashionMnist(dir, 'train'), SUBSET_PUBLIC_COUNT);
    const test = samplesOf(loadFashionMnist(dir, 'test'));
    const engine = await createEngine({ backend: 'js' });
    try {
      const seen: number[] = [];
      const cal = await calibrate(samplesOf(owned), test, {
        engine,
        sizes: [100, 300, 900],
        alphas: [0.1, 10],
        organizations: 3,
        seed: 3,
        recipe: { rounds: 2 },
        onPoint: (done) => seen.push(done),
      });
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      expect(cal.points).toHaveLength(6);
      for (const p of cal.points) expect(p.shardSizes.reduce((a, b) => a + b, 0)).toBe(p.size);
      // More data, lower loss; more skew, more heterogeneity.
      const at = (size: number, alpha: number) => cal.points.find((p) => p.size === size && p.alpha === alpha)!;
      expect(at(900, 10).loss).toBeLessThan(at(100, 10).loss);
      expect(at(900, 0.1).heterogeneity).toBeGreaterThan(at(900, 10).heterogeneity);
      expect(cal.fit.rSquared).toBeGreaterThan(0.8);
    } finally {
      engine.dispose();
    }
  });
});
