/**
 * How much synthetic data each organization generates in a simulated round (DESIGN §3.5, §4): the baselines VCFL
 * (none), WCO (competition-oblivious equilibrium), RaDG (uniform random amounts, redrawn every round from the run's
 * seed), the plain equilibrium x^NE, and the incentive mechanism, whose operating point is the social optimum x^opt
 * (the equilibrium of the game with welfare-sharing transfers). Every amount comes from the game on the calibrated
 * learning curve; the training that follows measures what it actually buys.
 */
import { invalidArgument } from '../core/errors.js';
import {
  createGameModel,
  radgBaseline,
  rowWeightedSums,
  solveGame,
  type GameModel,
  type GameSolution,
  type Scenario,
} from '../game/index.js';
import { privateGain } from '../game/private-gain.js';
import { checkScenario } from '../game/scenario.js';
import { welfareSharing, type WelfareSharingResult } from '../incentive/index.js';
import { deriveSeed } from './train.js';

export type StrategyName = 'vcfl' | 'wco' | 'radg' | 'equilibrium' | 'mechanism';

/** Every strategy, in the order tables list them. */
export const STRATEGIES: readonly StrategyName[] = ['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism'];

export const STRATEGY_LABELS: Readonly<Record<StrategyName, string>> = {
  vcfl: 'VCFL (no generation)',
  wco: 'WCO (competition-oblivious)',
  radg: 'RaDG (random amounts)',
  equilibrium: 'equilibrium (no incentive)',
  mechanism: 'mechanism (social optimum)',
};

/** The round's game, solved once: the fixed profiles, and the mechanism's shares and lump sums. */
export interface StrategyPlan {
  scenario: Scenario;
  model: GameModel;
  solution: GameSolution;
  /** welfare sharing at x^opt (null when the mechanism is not simulated) */
  mechanism: WelfareSharingResult | null;
  seed: number;
}

/**
 * Solve the round's game for the strategies asked for.
 *
 * @example
 * const plan = planStrategies(scenario, ['vcfl', 'equilibrium', 'mechanism'], 1);
 * strategyAmounts(plan, 'equilibrium', 0); // x^NE
 */
export function planStrategies(scenario: Scenario, strategies: readonly StrategyName[], seed: number): StrategyPlan {
  checkScenario(scenario);
  if (!Array.isArray(strategies)) throw invalidArgument('strategies', `a list of ${STRATEGIES.join(', ')}`, strategies);
  if (!Number.isSafeInteger(seed)) throw invalidArgument('seed', 'a safe integer', seed);
  strategies.forEach((s, i) => {
    if (!STRATEGIES.includes(s)) throw invalidArgument(`strategies[${i}]`, `one of ${STRATEGIES.join(', ')}`, s);
  });
  const model = createGameModel(scenario);
  const solution = solveGame(scenario, { seed, outsideOptions: strategies.includes('mechanism') });
  const mechanism = strategies.includes('mechanism') ? welfareSharing(scenario, { seed }, solution) : null;
  return { scenario, model, solution, mechanism, seed };
}

/** The amounts (real-valued, in [0, X_n]) strategy `name` plays in round `round` (0-based). */
export function strategyAmounts(plan: StrategyPlan, name: StrategyName, round: number): Float64Array {
  if (typeof plan !== 'object' || plan === null || !plan.solution || !plan.model)
    throw invalidArgument('plan', 'a StrategyPlan (from planStrategies)', plan);
  if (!(Number.isSafeInteger(round) && round >= 0)) throw invalidArgument('round', 'an integer ≥ 0', round);
  const s = plan.solution;
  switch (name) {
    case 'vcfl':
      return Float64Array.from(s.baselines.vcfl.x);
    case 'wco':
      return Float64Array.from(s.baselines.wco.x);
    case 'radg':
      return radgBaseline(plan.model, deriveSeed(plan.seed, 0x4ad6, round)).x;
    case 'equilibrium':
      return Float64Array.from(s.equilibrium.x);
    case 'mechanism':
      return Float64Array.from(s.optimum.x);
    default:
      throw invalidArgument('strategy', `one of ${STRATEGIES.join(', ')}`, name);
  }
}

/**
 * U_n (DESIGN §3.3) for every n when the federation's model performs at `performance` (P = L_ref − L: measured from a
 * test loss, or predicted by the curve): q_n = P + g_n(x_n), U_n = a_n q_n − Σ_{m≠n} γ_nm ρ_m q_m − c_n x_n.
 */
export function utilitiesAtPerformance(model: GameModel, x: Float64Array, performance: number): Float64Array {
  const q = new Float64Array(model.n);
  const rq = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) {
    q[i] = performance + privateGain(model.mu[i]!, model.d[i]!, x[i]!);
    rq[i] = model.rho[i]! * q[i]!;
  }
  const harm = rowWeightedSums(model.scenario.competition, rq);
  const out = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) out[i] = model.a[i]! * q[i]! - harm[i]! - model.c[i]! * x[i]!;
  return out;
}

/**
 * The mechanism's payoffs π_n = s_n·SW + b_n at a welfare SW (measured or predicted): the shares and lump sums are
 * fixed by the mechanism on the predicted game; the transfers π_n − U_n stay budget-balanced at any SW.
 */
export function mechanismPayoffs(mechanism: WelfareSharingResult, socialWelfare: number): Float64Array {
  return mechanism.shares.map((s, i) => s * socialWelfare + mechanism.lumpSums[i]!);
}
