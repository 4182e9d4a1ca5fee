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

/**
 * Points of a calibration with generated data under a known ω: each organization generates the fraction f of its
 * real samples R, so D_ω = R(1 + ωf) and H_ω = H⁰/(1 + ωf)², while a point records size R(1 + f), the game's H at
 * ω = 1 (H⁰/(1 + f)²) and the X = fR samples generated.
 */
function generatedPoints(omega: number, noise: number, seed: number): CurvePoint[] {
  const rng = new Random(seed);
  const points: CurvePoint[] = [];
  for (const real of [250, 500, 1000, 2000, 4000, 8000])
    for (const h0 of [0.05, 0.6, 1.8])
      for (const f of [0, 0.5, 1]) {
        const X = f * real;
        const loss = curveLoss(truth, real + omega * X, h0 / (1 + omega * f) ** 2) + noise * rng.normal();
        points.push({ size: real + X, heterogeneity: h0 / (1 + f) ** 2, loss, syntheticSamples: X });
      }
  return points;
}

describe('fitLearningCurve with generated samples (ω)', () => {
  it.each([0.4, 1, 2.2])('recovers ω = %s and the other four exactly from noiseless points', (omega) => {
    const fit = fitLearningCurve(generatedPoints(omega, 0, 1));
    expect(fit.syntheticWorthFitted).toBe(true);
    expect(fit.syntheticWorth).toBeCloseTo(omega, 5);
    expect(fit.floor).toBeCloseTo(truth.floor, 5);
    expect(fit.exponent).toBeCloseTo(truth.exponent, 5);
    expect(fit.heterogeneity).toBeCloseTo(truth.heterogeneity, 5);
    expect(fit.rSquared).toBeGreaterThan(1 - 1e-10);
  });

  it('recovers ω from noisy points within a few standard errors, and reports it', () => {
    const fit = fitLearningCurve(generatedPoints(0.7, 0.004, 5));
    for (const k of ['floor', 'scale', 'exponent', 'heterogeneity', 'syntheticWorth'] as const)
      expect(Number.isFinite(fit.standardErrors[k])).toBe(true);
    expect(Math.abs(fit.syntheticWorth - 0.7)).toBeLessThan(4 * fit.standardErrors.syntheticWorth);
    expect(fit.standardErrors.syntheticWorth).toBeLessThan(0.2);
    expect(curveInputOf(fit).syntheticWorth).toBe(fit.syntheticWorth);
  });

  it('holds ω at 1 where the points cannot identify it, or where the caller fixes it', () => {
    const realOnly = fitLearningCurve(synthetic(0, 1));
    expect(realOnly.syntheticWorthFitted).toBe(false);
    expect(realOnly.syntheticWorth).toBe(1);
    expect(realOnly.standardErrors.syntheticWorth).toBeNaN();
    expect('syntheticWorth' in curveInputOf(realOnly)).toBe(false);
    // One common share only rescales A: not identified either.
    const oneShare = generatedPoints(0.5, 0, 2).filter((p) => p.syntheticSamples === p.size / 2);
    expect(fitLearningCurve(oneShare).syntheticWorthFitted).toBe(false);
    const held = fitLearningCurve(generatedPoints(0.5, 0, 2), { syntheticWorth: 1 });
    expect(held.syntheticWorthFitted).toBe(false);
    expect(held.syntheticWorth).toBe(1);
    expect(held.rSquared).toBeLessThan(fitLearningCurve(generatedPoints(0.5, 0, 2)).rSquared);
  });

  it('checks the generated counts and the held value by name', () => {
    const points = generatedPoints(1, 0, 3);
    expect(() => fitLearningCurve([...points, { size: 10, heterogeneity: 0, loss: 1, syntheticSamples: 10 }])).toThrow(
      /points\[54\]\.syntheticSamples/,
    );
    expect(() => fitLearningCurve([...points, { size: 10, heterogeneity: 0, loss: 1, syntheticSamples: -1 }])).toThrow(
      /points\[54\]\.syntheticSamples/,
    );
    for (const v of [0, -1, 1e4, NaN])
      expect(() => fitLearningCurve(points, { syntheticWorth: v })).toThrow(/options\.syntheticWorth/);
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
