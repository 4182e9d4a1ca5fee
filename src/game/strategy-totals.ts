/**
 * One line per strategy of a solved round: what it generates in all and the welfare it reaches. The summary
 * `cocogen demo` prints, and the shape a program comparing strategies wants.
 */
import type { GameSolution } from './solve-game.js';

export interface StrategyTotal {
  /** The strategy in words, e.g. 'VCFL (no generation)'. */
  strategy: string;
  /** Σ x_n. */
  syntheticSamples: number;
  /** SW(x) = Σ U_n. */
  socialWelfare: number;
}

/**
 * The equilibrium, the social optimum and the baselines VCFL, WCO and RaDG, in that order.
 *
 * @example strategyTotals(solveGame(scenario)).map((t) => t.socialWelfare)
 */
export function strategyTotals(solution: GameSolution): StrategyTotal[] {
  const strategies = [
    ['equilibrium', solution.equilibrium],
    ['social optimum', solution.optimum],
    ['VCFL (no generation)', solution.baselines.vcfl],
    ['WCO (competition-oblivious)', solution.baselines.wco],
    ['RaDG (random amounts)', solution.baselines.radg],
  ] as const;
  return strategies.map(([name, r]) => ({
    strategy: name,
    syntheticSamples: r.x.reduce((a, b) => a + b, 0),
    socialWelfare: r.socialWelfare,
  }));
}
