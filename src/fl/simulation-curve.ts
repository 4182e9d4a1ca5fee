/**
 * The learning curve a simulation plays with (docs/training.md): the one calibrated on the dataset's shipped subset
 * with the run's model, or one read from a calibration.json that `cocogen calibrate` wrote.
 */
import { invalidArgumentText } from '../core/errors.js';
import { checkDataset, DATASET_INFO, type DatasetName } from './datasets.js';
import type { ModelKind } from './models.js';
import { SCENARIO_BOUNDS, type LearningCurveInput } from '../game/index.js';
import { BUILT_IN_CURVES } from './built-in-curves.js';
import { uncertaintyOf, type CurveUncertainty } from './online-curve.js';
import { SUBSET_SOFTMAX_CURVE, SUBSET_SOFTMAX_UNCERTAINTY } from './simulation.js';

/** The curveSource a simulation records for the shipped curve. */
export const SHIPPED_CURVE_SOURCE = 'built-in (shipped subset, softmax)';

/**
 * SUBSET_SOFTMAX_CURVE as the game's input (without its R²), the source a config records for it, and its
 * calibration's uncertainty.
 *
 * @example const { curve, source } = shippedCurve(); // source: 'built-in (shipped subset, softmax)'
 */
export function shippedCurve(): { curve: LearningCurveInput; source: string; uncertainty: CurveUncertainty } {
  const { rSquared: _r, ...curve } = SUBSET_SOFTMAX_CURVE;
  const { standardErrors, rmse } = SUBSET_SOFTMAX_UNCERTAINTY;
  return { curve, source: SHIPPED_CURVE_SOURCE, uncertainty: { standardErrors: { ...standardErrors }, rmse } };
}

/**
 * The curve a run on `dataset` with `model` plays when given none: the one calibrated on that dataset's shipped subset
 * with that model (Fashion-MNIST × softmax is {@link shippedCurve}; the others are in BUILT_IN_CURVES). Every pair has
 * its own: a curve of another task would make the game's amounts and predictions meaningless.
 *
 * @example builtInCurve('mnist', 'mlp').source // 'built-in (shipped MNIST subset, mlp)'
 */
export function builtInCurve(
  dataset: DatasetName,
  model: ModelKind,
): { curve: LearningCurveInput; source: string; uncertainty: CurveUncertainty } {
  checkDataset(dataset);
  if (model !== 'softmax' && model !== 'mlp' && model !== 'cnn')
    throw invalidArgumentText('model', "'softmax', 'mlp' or 'cnn'", String(model));
  if (dataset === 'fashion-mnist' && model === 'softmax') return shippedCurve();
  const title = DATASET_INFO[dataset].title;
  // Fashion-MNIST × softmax returned above.
  const built = BUILT_IN_CURVES[`${dataset}/${model}` as keyof typeof BUILT_IN_CURVES];
  const { standardErrors, rmse } = built.uncertainty;
  return {
    curve: { ...built.curve },
    source: `built-in (shipped ${title} subset, ${model})`,
    uncertainty: { standardErrors: { ...standardErrors }, rmse },
  };
}

/**
 * The uncertainty a calibration.json states about its curve (`fit.standardErrors` and `fit.rmse`), or null when the
 * input is a bare curve or the fit does not say.
 *
 * @example uncertaintyFromCalibration(JSON.parse(readFileSync('out/calibration.json', 'utf8')))
 */
export function uncertaintyFromCalibration(json: unknown): CurveUncertainty | null {
  const fit = (json as { fit?: { standardErrors?: unknown; rmse?: unknown } } | null)?.fit;
  if (!fit || typeof fit !== 'object' || typeof fit.standardErrors !== 'object' || fit.standardErrors === null)
    return null;
  if (!(typeof fit.rmse === 'number' && Number.isFinite(fit.rmse) && fit.rmse >= 0)) return null;
  return uncertaintyOf({ standardErrors: fit.standardErrors as Record<string, unknown>, rmse: fit.rmse });
}

/**
 * The curve in a parsed calibration.json (its `learningCurve`) or in a plain { floor, scale, exponent,
 * heterogeneity[, reference][, syntheticWorth] }: each of the four a finite number > 0, ω in the scenario's range. `where` names the input in errors (the CLI
 * passes its flag and the file); `rule` is what the input was expected to be.
 *
 * @example curveFromCalibration(JSON.parse(readFileSync('out/calibration.json', 'utf8')))
 */
export function curveFromCalibration(
  json: unknown,
  where: { argument?: string; source?: string; rule?: string } = {},
): LearningCurveInput {
  const argument = where.argument ?? 'calibration';
  const rule = where.rule ?? 'a calibration.json, or a JSON { floor, scale, exponent, heterogeneity }';
  const prefix = where.source === undefined ? '' : `${where.source}, `;
  const j = json as Record<string, unknown> | null;
  const c = (j && typeof j === 'object' && 'learningCurve' in j ? j.learningCurve : j) as Record<string, unknown>;
  const keys = ['floor', 'scale', 'exponent', 'heterogeneity'] as const;
  for (const k of keys) {
    if (!(typeof c?.[k] === 'number' && Number.isFinite(c[k]) && (c[k] as number) > 0))
      throw invalidArgumentText(argument, rule, `${prefix}whose ${k} is ${JSON.stringify(c?.[k])}`);
  }
  const curve: LearningCurveInput = {
    floor: c.floor as number,
    scale: c.scale as number,
    exponent: c.exponent as number,
    heterogeneity: c.heterogeneity as number,
  };
  if (typeof c.reference === 'number' && Number.isFinite(c.reference)) curve.reference = c.reference;
  if (c.syntheticWorth !== undefined) {
    const { min, max } = SCENARIO_BOUNDS.learningCurve.syntheticWorth;
    const omega = c.syntheticWorth;
    if (!(typeof omega === 'number' && omega >= min && omega <= max))
      throw invalidArgumentText(argument, rule, `${prefix}whose syntheticWorth is ${JSON.stringify(omega)}`);
    if (omega !== 1) curve.syntheticWorth = omega;
  }
  return curve;
}
