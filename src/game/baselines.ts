/**
 * Baselines from the CoCoGen literature (DESIGN §3.5), each scored with the true model:
 * - VCFL: no generation, x = 0;
 * - WCO: competition-oblivious, the equilibrium computed with Γ = 0 (so a_n = w_n = ρ_n), scored with the true Γ;
 * - RaDG: random amounts x_n ~ U[0, X_n] from a seeded generator (random.ts), reproducible per seed.
 */
import { createGameModel, type GameModel } from './model.js';
import { Random } from '../util/random.js';
import { withCompetition } from './scenario.js';
import { equilibriumAmounts, type EquilibriumOptions } from './solve-equilibrium.js';
import { socialWelfare, utilities } from './utility.js';

export interface BaselineResult {
  x: Float64Array;
  utilities: Float64Array;
  socialWelfare: number;
}

/** Scores a profile x with the model: `{ x, utilities, socialWelfare }`. */
export function scoreProfile(model: GameModel, x: Float64Array): BaselineResult {
  return { x, utilities: utilities(model, x), socialWelfare: socialWelfare(model, x) };
}

/**
 * VCFL: no synthetic data.
 * @example vcflBaseline(createGameModel(scenario)).socialWelfare
 */
export function vcflBaseline(model: GameModel): BaselineResult {
  return scoreProfile(model, new Float64Array(model.n));
}

/**
 * WCO: each organization ignores competition (Γ = 0, hence λ plays no role) when choosing its amount.
 * @example wcoBaseline(createGameModel(scenario)).x
 */
export function wcoBaseline(
  model: GameModel,
  options: EquilibriumOptions = {},
): BaselineResult & { kktResidual: number } {
  const oblivious = createGameModel(withCompetition(model.scenario, { kind: 'uniform', intensity: 0 }));
  const sol = equilibriumAmounts(oblivious, options);
  return { ...scoreProfile(model, sol.x), kktResidual: sol.kktResidual };
}

/**
 * RaDG: x_n = X_n·U_n with U_n uniform in [0, 1) drawn in organization order from `new Random(seed)`.
 * @example radgBaseline(createGameModel(scenario), 7).x
 */
export function radgBaseline(model: GameModel, seed = 1): BaselineResult {
  const rng = new Random(seed);
  const x = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) x[i] = model.X[i] * rng.next();
  return scoreProfile(model, x);
}
