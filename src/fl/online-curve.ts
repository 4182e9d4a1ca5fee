/**
 * Online recalibration of the learning curve (docs/training.md, "Online recalibration"): after each round, a
 * strategy's federation refits L = L∞ + A·D^(−β) + η·H to what it has observed so far — the global model's loss on
 * the server's validation split at the (D, H) it trained on — with the calibrated curve as its prior. The refit is
 * the maximum a posteriori estimate under Gaussian errors:
 *
 *   minimize  Σ_t ((y_t − L(D_t, H_t; θ)) / σ_t)²  +  Σ_k ((θ_k − θ⁰_k) / τ_k)²,   θ = (L∞, A, β, η) in its box,
 *
 * with σ_t² = (standard error of the validation loss)² + (the calibration's residual RMSE)² — sampling noise plus
 * what the curve's form misses — and τ_k the calibration's standard error of θ_k. With no observation it returns the
 * prior exactly; with many observations spread over D and H it approaches their least-squares fit. Solved by
 * Levenberg–Marquardt on the four parameters, projected onto the box.
 *
 * What it reads is only what its caller passes: the simulation passes one strategy's own rounds and validation
 * losses, never a test loss and never another strategy's runs.
 */
import { invalidArgument } from '../core/errors.js';
import { integerOption, optionsRecord } from '../util/options.js';
import type { LearningCurveInput } from '../game/scenario.js';
import { solveDense } from '../numeric/linalg.js';

/** The calibration's uncertainty about its curve: the prior's widths and the noise the curve's form leaves. */
export interface CurveUncertainty {
  /** standard errors of (L∞, A, β, η); null where the calibration left one undetermined */
  standardErrors: {
    floor: number | null;
    scale: number | null;
    exponent: number | null;
    heterogeneity: number | null;
  };
  /** root mean squared residual of the calibration fit (loss units) */
  rmse: number;
}

/**
 * One round's observation: pooled size in real samples Σ(d + ωx) and the game's heterogeneity trained on, validation
 * loss and its SE.
 */
export interface CurveObservation {
  size: number;
  heterogeneity: number;
  loss: number;
  /** standard error of `loss` (the spread of per-image losses over √count) */
  lossStandardError: number;
}

/** The refit curve, how far it moved and how the solve went. */
export interface CurveRefit {
  curve: LearningCurveInput;
  /** observations used */
  observations: number;
  /** the objective at the refit, (Σ residual² + Σ prior term²) */
  objective: number;
  iterations: number;
  converged: boolean;
}

const NAMES = ['floor', 'scale', 'exponent', 'heterogeneity'] as const;
/** The box the refit stays in: every parameter > 0 (as the game requires), β in the calibration's range. */
const LOWER = [1e-9, 1e-9, 1e-3, 1e-9];
const UPPER = [Infinity, Infinity, 4, Infinity];

/**
 * Prior widths where the calibration left a standard error undetermined (NaN, or a parameter held at its bound):
 * wide, so that the data decide: ±1 nat for L∞, ±100 % of A, ±0.5 for β, ±max(η, 0.1) for η.
 */
function fallbackWidth(k: number, value: number): number {
  return [1, Math.abs(value), 0.5, Math.max(Math.abs(value), 0.1)][k]!;
}

/** The residual RMSE assumed when the prior does not state one (loss units). */
export const DEFAULT_CURVE_RMSE = 0.05;

/** Check a {@link CurveUncertainty} (or null), naming `name` and the field in errors. */
export function checkUncertainty(u: CurveUncertainty | null, name = 'uncertainty'): void {
  if (u === null) return;
  if (typeof u !== 'object' || typeof u.standardErrors !== 'object' || u.standardErrors === null)
    throw invalidArgument(name, 'null or { standardErrors, rmse }', u);
  for (const k of NAMES) {
    const v = u.standardErrors[k];
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw invalidArgument(`${name}.standardErrors.${k}`, 'null or a finite number ≥ 0', v);
  }
  if (!(typeof u.rmse === 'number' && Number.isFinite(u.rmse) && u.rmse >= 0))
    throw invalidArgument(`${name}.rmse`, 'a finite number ≥ 0', u.rmse);
}

/**
 * The uncertainty of a calibration fit: its standard errors (each one that is not a finite number ≥ 0, NaN where the
 * fit left it undetermined, as null) and its RMSE.
 * @example uncertaintyOf(calibrationJson.fit)
 */
export function uncertaintyOf(fit: {
  standardErrors: Readonly<Record<string, unknown>>;
  rmse: number;
}): CurveUncertainty {
  const se = (k: (typeof NAMES)[number]) => {
    const v = fit.standardErrors[k];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
  };
  return {
    standardErrors: {
      floor: se('floor'),
      scale: se('scale'),
      exponent: se('exponent'),
      heterogeneity: se('heterogeneity'),
    },
    rmse: fit.rmse,
  };
}

/**
 * The MAP refit of `prior` to `observations` (see the module comment). `uncertainty` null means wide priors and a
 * residual RMSE of {@link DEFAULT_CURVE_RMSE}.
 *
 * @example
 * const { curve } = refitCurve(prior, uncertainty, [{ size: 5000, heterogeneity: 0.4, loss: 0.9, lossStandardError: 0.03 }]);
 */
export function refitCurve(
  prior: LearningCurveInput,
  uncertainty: CurveUncertainty | null,
  observations: readonly CurveObservation[],
  options: { maxIterations?: number } = {},
): CurveRefit {
  if (typeof prior !== 'object' || prior === null) throw invalidArgument('prior', 'a learning curve', prior);
  optionsRecord(options, ['maxIterations'], 'options');
  const maxIterations = integerOption(options, 'maxIterations', 200, 1, Number.MAX_SAFE_INTEGER);
  const theta0 = NAMES.map((k) => prior[k]);
  theta0.forEach((v, k) => {
    if (!(Number.isFinite(v) && v > 0)) throw invalidArgument(`prior.${NAMES[k]}`, 'a finite number > 0', v);
  });
  checkUncertainty(uncertainty);
  if (!Array.isArray(observations)) throw invalidArgument('observations', 'an array', observations);
  observations.forEach((o, i) => {
    const at = `observations[${i}]`;
    if (!(Number.isFinite(o?.size) && o.size > 0)) throw invalidArgument(`${at}.size`, 'a finite number > 0', o?.size);
    if (!(Number.isFinite(o.heterogeneity) && o.heterogeneity >= 0))
      throw invalidArgument(`${at}.heterogeneity`, 'a finite number ≥ 0', o.heterogeneity);
    if (!Number.isFinite(o.loss)) throw invalidArgument(`${at}.loss`, 'a finite number', o.loss);
    if (!(Number.isFinite(o.lossStandardError) && o.lossStandardError >= 0))
      throw invalidArgument(`${at}.lossStandardError`, 'a finite number ≥ 0', o.lossStandardError);
  });
  const tau = theta0.map((v, k) => {
    const se = uncertainty?.standardErrors[NAMES[k]!] ?? null;
    return se !== null && se > 0 ? se : fallbackWidth(k, v);
  });
  const rmse = uncertainty?.rmse ?? DEFAULT_CURVE_RMSE;
  const sigma = observations.map((o) => Math.sqrt(o.lossStandardError ** 2 + rmse ** 2) || 1e-12);
  const reference = prior.reference;
  const done = (theta: number[], objective: number, iterations: number, converged: boolean): CurveRefit => ({
    curve: {
      floor: theta[0]!,
      scale: theta[1]!,
      exponent: theta[2]!,
      heterogeneity: theta[3]!,
      ...(reference !== undefined ? { reference } : {}),
      // ω is the calibration's: the rounds of one strategy do not vary its generated share enough to identify it.
      ...(prior.syntheticWorth !== undefined ? { syntheticWorth: prior.syntheticWorth } : {}),
    },
    observations: observations.length,
    objective,
    iterations,
    converged,
  });

  // Residuals r (observations then prior rows) and the Jacobian J = ∂r/∂θ, row-major n×4.
  const m = observations.length + 4;
  const evaluateAt = (theta: number[]) => {
    const r = new Float64Array(m);
    const J = new Float64Array(m * 4);
    const [floor, A, beta, eta] = theta as [number, number, number, number];
    observations.forEach((o, t) => {
      const power = Math.pow(o.size, -beta);
      r[t] = (o.loss - (floor + A * power + eta * o.heterogeneity)) / sigma[t]!;
      const s = -1 / sigma[t]!;
      J[t * 4] = s;
      J[t * 4 + 1] = s * power;
      J[t * 4 + 2] = -s * A * Math.log(o.size) * power;
      J[t * 4 + 3] = s * o.heterogeneity;
    });
    for (let k = 0; k < 4; k++) {
      const row = observations.length + k;
      r[row] = (theta[k]! - theta0[k]!) / tau[k]!;
      J[row * 4 + k] = 1 / tau[k]!;
    }
    let cost = 0;
    for (const v of r) cost += v * v;
    return { r, J, cost };
  };

  let theta = theta0.slice();
  if (observations.length === 0) return done(theta, 0, 0, true);
  let current = evaluateAt(theta);
  let lambda = 1e-3;
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    const { r, J } = current;
    const JtJ = new Array<number>(16).fill(0);
    const Jtr = new Array<number>(4).fill(0);
    for (let row = 0; row < m; row++) {
      for (let a = 0; a < 4; a++) {
        const ja = J[row * 4 + a]!;
        if (ja === 0) continue;
        Jtr[a]! += ja * r[row]!;
        for (let b = 0; b < 4; b++) JtJ[a * 4 + b]! += ja * J[row * 4 + b]!;
      }
    }
    let improved = false;
    for (let tries = 0; tries < 40; tries++) {
      const M = JtJ.slice();
      for (let a = 0; a < 4; a++) M[a * 4 + a]! *= 1 + lambda;
      const step = solveDense(
        M,
        Jtr.map((v) => -v),
        4,
      );
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next = theta.map((v, k) => Math.min(UPPER[k]!, Math.max(LOWER[k]!, v + step[k]!)));
      const trial = evaluateAt(next);
      if (trial.cost <= current.cost) {
        const moved = next.some((v, k) => Math.abs(v - theta[k]!) > 1e-12 * Math.max(Math.abs(v), tau[k]!));
        converged = !moved || current.cost - trial.cost <= 1e-14 * Math.max(current.cost, 1e-300);
        theta = next;
        current = trial;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        break;
      }
      lambda *= 4;
    }
    if (!improved) converged = true;
  }
  return done(theta, current.cost, iterations, converged);
}
