/**
 * Utilities, social welfare and the potential at a strategy profile x (DESIGN §3.3–3.4), with their derivatives.
 * In a round everyone trains in N, so q_n = P_N(x) + g_n(x_n), and
 *   U_n  = a_n q_n − Σ_{m≠n} γ_nm ρ_m q_m − c_n x_n          (levels, not gains)
 *   SW   = Σ_n U_n = Σ_n κ_n q_n − Σ_n c_n x_n
 *   Φ    = P_N + Σ_n (a_n g_n − c_n x_n)/w_n                 (meaningful when every w_n > 0)
 */
import { rowWeightedSums } from './competition.js';
import { aggregatesAt } from '../numeric/aggregates.js';
import { commonMarginal, ownMarginal, performance } from '../numeric/learning-curve.js';
import type { GameModel } from './model.js';
import { privateGain, marginalPrivateGain } from './private-gain.js';

/** P_N(x) (or P_S(x) for the members S). */
export function performanceAt(model: GameModel, x: Float64Array, members?: ArrayLike<number>): number {
  const { D, Q } = aggregatesAt(model.d, model.s, x, members);
  return performance(model.curve, D, Q);
}

/** Qualities q_n = P_N(x) + g_n(x_n) of the models each organization deploys in the round. */
export function qualities(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  const P = performanceAt(model, x);
  for (let i = 0; i < model.n; i++) out[i] = P + privateGain(model.mu[i], model.d[i], x[i]);
  return out;
}

/**
 * U_n(x) for every n (levels, §3.3). O(N) for uniform competition, O(N²) for a dense Γ.
 * @example const U = utilities(model, new Float64Array(model.n)); // the VCFL point x = 0
 */
export function utilities(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  const q = qualities(model, x);
  const rq = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) rq[i] = model.rho[i] * q[i];
  const harm = rowWeightedSums(model.scenario.competition, rq);
  for (let i = 0; i < model.n; i++) out[i] = model.a[i] * q[i] - harm[i] - model.c[i] * x[i];
  return out;
}

/** SW(x) = Σ κ_n q_n − Σ c_n x_n (= Σ U_n), O(N) for any Γ. */
export function socialWelfare(model: GameModel, x: Float64Array): number {
  const P = performanceAt(model, x);
  let sw = 0;
  for (let i = 0; i < model.n; i++) {
    sw += model.kappa[i] * (P + privateGain(model.mu[i], model.d[i], x[i])) - model.c[i] * x[i];
  }
  return sw;
}

/** Φ(x) = P_N + Σ (a_n g_n − c_n x_n)/w_n. */
export function potential(model: GameModel, x: Float64Array): number {
  let phi = performanceAt(model, x);
  for (let i = 0; i < model.n; i++) {
    phi += (model.a[i] * privateGain(model.mu[i], model.d[i], x[i]) - model.c[i] * x[i]) / model.w[i];
  }
  return phi;
}

/** ∂P_N/∂x_n for every n. */
export function performanceGradient(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  const { D, Q } = aggregatesAt(model.d, model.s, x);
  const common = commonMarginal(model.curve, D, Q);
  for (let i = 0; i < model.n; i++) out[i] = common + ownMarginal(model.curve, D, model.s[i], model.d[i] + x[i]);
  return out;
}

/** ∂Φ/∂x_n = ∂P/∂x_n + (a_n g'_n − c_n)/w_n. */
export function potentialGradient(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  performanceGradient(model, x, out);
  for (let i = 0; i < model.n; i++) {
    out[i] += (model.a[i] * marginalPrivateGain(model.mu[i], model.d[i], x[i]) - model.c[i]) / model.w[i];
  }
  return out;
}

/** ∂SW/∂x_n = (Σκ)·∂P/∂x_n + κ_n g'_n − c_n. */
export function welfareGradient(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  performanceGradient(model, x, out);
  let K = 0;
  for (let i = 0; i < model.n; i++) K += model.kappa[i];
  for (let i = 0; i < model.n; i++) {
    out[i] = K * out[i] + model.kappa[i] * marginalPrivateGain(model.mu[i], model.d[i], x[i]) - model.c[i];
  }
  return out;
}

/** ∂U_n/∂x_n (each organization's own marginal utility) = w_n ∂P/∂x_n + a_n g'_n − c_n. */
export function ownUtilityGradient(model: GameModel, x: Float64Array, out = new Float64Array(model.n)): Float64Array {
  performanceGradient(model, x, out);
  for (let i = 0; i < model.n; i++) {
    out[i] = model.w[i] * out[i] + model.a[i] * marginalPrivateGain(model.mu[i], model.d[i], x[i]) - model.c[i];
  }
  return out;
}
