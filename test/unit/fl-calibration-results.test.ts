// What `cocogen calibrate` writes, as library functions (src/fl/calibration-results.ts, src/plot/calibration-figure.ts).
import { describe, expect, it } from 'vitest';
import { fitLearningCurve, type CalibrationResult, type CurvePoint } from '../../src/fl/calibration.js';
import { calibrationCsv, calibrationFitJSON, fittedCalibrationPoints } from '../../src/fl/calibration-results.js';
import { DEFAULT_RECIPE } from '../../src/fl/calibration.js';
import { calibrationSvg } from '../../src/plot/calibration-figure.js';

// Points on a known curve L = 0.2 + 12·D^(−0.4) + 0.1·H, two α per size.
const curve: CurvePoint[] = [250, 500, 1000, 2000].flatMap((size) =>
  [0.1, 1.2].map((heterogeneity) => ({ size, heterogeneity, loss: 0.2 + 12 * size ** -0.4 + 0.1 * heterogeneity })),
);
const result: CalibrationResult = {
  points: curve.map((p, i) => ({
    ...p,
    alpha: i % 2 ? 10 : 0.1,
    accuracy: 0.5,
    shardSizes: [p.size / 2, p.size / 2],
    seconds: 0.01,
    synthetic: 0,
    syntheticSamples: 0,
    realizedHeterogeneity: p.heterogeneity,
  })),
  fit: fitLearningCurve(curve),
  recipe: { ...DEFAULT_RECIPE },
  organizations: 2,
  seed: 1,
};

describe('calibration results', () => {
  it('calibrationFitJSON keeps the parameters and goodness of fit, not the per-point arrays', () => {
    const j = calibrationFitJSON(result.fit);
    expect(Object.keys(j)).toEqual([
      'floor',
      'scale',
      'exponent',
      'heterogeneity',
      'syntheticWorth',
      'syntheticWorthFitted',
      'rSquared',
      'rmse',
      'standardErrors',
      'atBound',
      'iterations',
      'converged',
    ]);
    expect(j.exponent).toBeCloseTo(0.4, 6);
    expect(j.rSquared).toBeGreaterThan(0.999);
  });

  it('fittedCalibrationPoints adds the fitted loss; calibrationCsv has a row per point', () => {
    const points = fittedCalibrationPoints(result);
    points.forEach((p, i) => {
      expect(p.fitted).toBe(result.fit.fitted[i]);
      expect(p.fitted).toBeCloseTo(p.loss, 6);
    });
    const lines = calibrationCsv(points).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + points.length);
    expect(lines[0]).toMatch(/^size D \(samples\),alpha,heterogeneity H,/);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual(['250', '0.1']);
    expect(lines[1]).toContain(',125;125,');
  });

  it('calibrationSvg: measured against fitted, with R² in the subtitle', () => {
    const svg = calibrationSvg(result, 'softmax');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Learning-curve calibration (softmax, 2 organizations');
    expect(svg).toMatch(/R² = /);
    expect(svg).toContain('α = 10: measured');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
