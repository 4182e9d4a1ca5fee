/**
 * The learning curves a simulation plays when given none, one per dataset × model (docs/training.md, "Built-in
 * curves"): each is `cocogen calibrate --dataset D --model M --backend native` at every other default on the shipped
 * subset (5 organizations, sizes 250–4000, α ∈ {0.1, 0.5, 10}, 5 FedAvg rounds of 1 epoch, seed 1; 15 points), so that
 * a run without `--curve` needs no calibration. Fashion-MNIST with softmax regression is SUBSET_SOFTMAX_CURVE
 * (simulation.ts), the first of them. Floors held at 0 by the fit are 1e-9 (curveInputOf), their standard error null.
 */
import type { LearningCurveInput } from '../game/index.js';
import type { DatasetName } from './datasets.js';
import type { ModelKind } from './models.js';
import type { CurveUncertainty } from './online-curve.js';

export interface BuiltInCurve {
  curve: LearningCurveInput;
  uncertainty: CurveUncertainty;
  rSquared: number;
}

/** The calibrated curves besides Fashion-MNIST × softmax, keyed `dataset/model`. */
export const BUILT_IN_CURVES: Readonly<
  Record<Exclude<`${DatasetName}/${ModelKind}`, 'fashion-mnist/softmax'>, BuiltInCurve>
> = {
  'fashion-mnist/mlp': {
    curve: {
      floor: 1e-9,
      scale: 13.256373011892665,
      exponent: 0.3226809819082941,
      heterogeneity: 0.04803237531489448,
      reference: Math.log(10),
    },
    uncertainty: {
      standardErrors: {
        floor: null,
        scale: 2.048657342717627,
        exponent: 0.02531218242558404,
        heterogeneity: 0.0504501855585713,
      },
      rmse: 0.11073194569117817,
    },
    rSquared: 0.9487098431100034,
  },
  'fashion-mnist/cnn': {
    curve: {
      floor: 1e-9,
      scale: 9.5300462814345,
      exponent: 0.33661100891678225,
      heterogeneity: 0.25631507010483834,
      reference: Math.log(10),
    },
    uncertainty: {
      standardErrors: {
        floor: null,
        scale: 3.5981254832005747,
        exponent: 0.06210691803511313,
        heterogeneity: 0.0802880801349097,
      },
      rmse: 0.1763358077498931,
    },
    rSquared: 0.8020557099121106,
  },
  'mnist/softmax': {
    curve: {
      floor: 1e-9,
      scale: 15.761936086779103,
      exponent: 0.35738060701773355,
      heterogeneity: 0.07271021432727522,
      reference: Math.log(10),
    },
    uncertainty: {
      standardErrors: {
        floor: null,
        scale: 3.2969214136029388,
        exponent: 0.03474105722918748,
        heterogeneity: 0.06212115017827791,
      },
      rmse: 0.1390170418626186,
    },
    rSquared: 0.9293401318066105,
  },
  'mnist/mlp': {
    curve: {
      floor: 1e-9,
      scale: 14.341522510769941,
      exponent: 0.3231812043764736,
      heterogeneity: 0.05852181168582148,
      reference: Math.log(10),
    },
    uncertainty: {
      standardErrors: {
        floor: null,
        scale: 4.314673960316683,
        exponent: 0.04943514799784976,
        heterogeneity: 0.1036331636005348,
      },
      rmse: 0.23179417972156724,
    },
    rSquared: 0.840464548333758,
  },
  'mnist/cnn': {
    curve: {
      floor: 1e-9,
      scale: 52.693468430254775,
      exponent: 0.6200629347804889,
      heterogeneity: 0.25515203550286614,
      reference: Math.log(10),
    },
    uncertainty: {
      standardErrors: {
        floor: null,
        scale: 26.493179214182984,
        exponent: 0.08792062953116889,
        heterogeneity: 0.07560606593830603,
      },
      rmse: 0.1714209503620528,
    },
    rSquared: 0.9090427187360277,
  },
};
