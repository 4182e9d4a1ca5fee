/**
 * What `cocogen calibrate` writes (docs/training.md): the fit as calibration.json holds it, the measured points
 * beside the fitted loss, and calibration.csv, so that a program running calibrate() writes the same files.
 */
import { toCsv } from '../util/atomic-write.js';
import type { CalibrationPoint, CalibrationResult, CurveFit } from './calibration.js';

/** A measured grid point with the fitted curve's loss at it. */
export type FittedCalibrationPoint = CalibrationPoint & { fitted: number };

/** The fit's parameters, R², RMSE, standard errors and solver facts, without the per-point arrays. */
export function calibrationFitJSON(fit: CurveFit) {
  return {
    floor: fit.floor,
    scale: fit.scale,
    exponent: fit.exponent,
    heterogeneity: fit.heterogeneity,
    syntheticWorth: fit.syntheticWorth,
    syntheticWorthFitted: fit.syntheticWorthFitted,
    rSquared: fit.rSquared,
    rmse: fit.rmse,
    standardErrors: fit.standardErrors,
    atBound: fit.atBound,
    iterations: fit.iterations,
    converged: fit.converged,
  };
}

/** The result's points, each with `fitted`: the fitted loss at its size and heterogeneity. */
export function fittedCalibrationPoints(result: CalibrationResult): FittedCalibrationPoint[] {
  return result.points.map((p, i) => ({ ...p, fitted: result.fit.fitted[i]! }));
}

/** calibration.csv: measured and fitted loss per grid point; shard sizes joined by ';'. */
export function calibrationCsv(points: readonly FittedCalibrationPoint[]): string {
  return toCsv(
    [
      'size D (samples)',
      'alpha',
      'heterogeneity H',
      'measured loss (nats)',
      'fitted loss (nats)',
      'accuracy',
      'shard sizes',
      'seconds',
      'synthetic fraction f',
      'synthetic samples',
      'heterogeneity H, realized',
    ],
    points.map((p) => [
      p.size,
      p.alpha,
      p.heterogeneity,
      p.loss,
      p.fitted,
      p.accuracy,
      p.shardSizes.join(';'),
      p.seconds,
      p.synthetic,
      p.syntheticSamples,
      p.realizedHeterogeneity,
    ]),
  );
}
