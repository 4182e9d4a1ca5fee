/**
 * The game's three objectives in the numeric core's aggregative form (numeric/aggregative-objective.ts):
 *
 *   F(x) = α·P_S(x) + Σ_{n∈S} [ m_n·ln(1 + x_n/d_n) − e_n·x_n ]
 *
 * - equilibrium (potential Φ):   α = 1,   m_n = a_n μ_n / w_n,  e_n = c_n / w_n
 * - social optimum (SW):          α = Σκ,  m_n = κ_n μ_n,        e_n = c_n
 * - best response of n (U_n):     α_n = w_n, m_n = a_n μ_n,      e_n = c_n
 * - standalone organization:     α = a_n, m_n = a_n μ_n,         e_n = c_n on S = {n}
 */
import type { GameModel } from './model.js';
import type { AggregativeObjective } from '../numeric/aggregative-objective.js';

/** The objective whose maximizer is the equilibrium when every w_n > 0: the potential Φ. */
export function potentialObjective(
  model: GameModel,
  members?: Int32Array,
  w: Float64Array = model.w,
): AggregativeObjective {
  const m = new Float64Array(model.n);
  const e = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) {
    m[i] = (model.a[i] * model.mu[i]) / w[i];
    e[i] = model.c[i] / w[i];
  }
  return { curve: model.curve, d: model.d, s: model.s, X: model.X, alpha: 1, m, e, ...(members ? { members } : {}) };
}

/** Social welfare SW as an aggregative objective (α = Σκ = Σw). */
export function welfareObjective(model: GameModel): AggregativeObjective {
  let K = 0;
  const m = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) {
    K += model.kappa[i];
    m[i] = model.kappa[i] * model.mu[i];
  }
  return { curve: model.curve, d: model.d, s: model.s, X: model.X, alpha: K, m, e: model.c };
}

/**
 * Each organization's own utility as a function of its own amount (up to terms it cannot move), for best-response
 * dynamics on the members (w, a default to the model's; outside-option sub-games pass their own w).
 */
export function bestResponseObjective(
  model: GameModel,
  members?: Int32Array,
  w: Float64Array = model.w,
): AggregativeObjective {
  const m = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) m[i] = model.a[i] * model.mu[i];
  return {
    curve: model.curve,
    d: model.d,
    s: model.s,
    X: model.X,
    alpha: 1,
    alphaPer: w,
    m,
    e: model.c,
    ...(members ? { members } : {}),
  };
}
