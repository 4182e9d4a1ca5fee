/**
 * The round's equilibrium (DESIGN §3.4–3.5).
 *
 * When every w_n > 0 the game is a weighted potential game and the equilibrium is the maximizer of the concave
 * potential Φ on the box, found by the aggregative Newton method (aggregative-solver.ts) to KKT residual ≤ 1e-9.
 * When some w_n ≤ 0 the structure is lost: the result says `potentialGame: false`, names the organizations, and
 * the equilibrium is sought by best-response dynamics (Gauss–Seidel, each best response an exact global 1-D
 * maximization) whose convergence status is reported — a non-converged run is labelled as such, never passed off
 * as an equilibrium.
 */
import { maximizeAggregative } from '../numeric/aggregative-solver.js';
import { coordinateAscent } from './coordinate-ascent.js';
import { modelOf, nonPotentialMembers, type GameModel } from './model.js';
import { bestResponseObjective, potentialObjective } from './objective.js';
import type { Scenario } from './scenario.js';
import { potential, socialWelfare, utilities } from './utility.js';
import { optionsRecord, integerOption, isTolerance, numberOption, TOLERANCE_RULE } from '../util/options.js';

export interface EquilibriumOptions {
  /** KKT residual to reach (objective.ts `kktResidual`). Default 1e-9. */
  tolerance?: number;
  /** Outer Newton iterations (potential case). Default 200. */
  maxIterations?: number;
  /** Sweeps of best-response dynamics (non-potential case). Default 10 000. */
  maxSweeps?: number;
}

export type EquilibriumMethod = 'potential-maximization' | 'best-response-dynamics';

export interface EquilibriumResult {
  x: Float64Array;
  utilities: Float64Array;
  /** Φ(x) when the game is a potential game, else null. */
  potential: number | null;
  socialWelfare: number;
  kktResidual: number;
  /** Outer Newton iterations (potential) or best-response sweeps. */
  iterations: number;
  converged: boolean;
  /** Wall time of the solve itself, in seconds. */
  seconds: number;
  potentialGame: boolean;
  method: EquilibriumMethod;
  /** 'converged', or why not ('max-iterations': Newton or the dynamics ran out of iterations without settling). */
  status: 'converged' | 'max-iterations' | 'tolerance-not-reached';
  /** Ids of organizations with w_n ≤ 0 (empty for a potential game). */
  nonPotential: string[];
}

/**
 * Equilibrium amounts of the model (all organizations), without scoring. Shared by `solveEquilibrium`, the WCO
 * baseline and the outside options.
 */
export function equilibriumAmounts(
  model: GameModel,
  options: EquilibriumOptions = {},
  members?: Int32Array,
  w: Float64Array = model.w,
  initial?: { D: number; Q: number },
): {
  x: Float64Array;
  kktResidual: number;
  iterations: number;
  converged: boolean;
  potentialGame: boolean;
  status: EquilibriumResult['status'];
} {
  const tol = options.tolerance ?? 1e-9;
  let potentialGame = true;
  const count = members ? members.length : model.n;
  for (let k = 0; k < count; k++) {
    const i = members ? members[k] : k;
    if (!(w[i] > 0)) {
      potentialGame = false;
      break;
    }
  }
  if (potentialGame) {
    const sol = maximizeAggregative(potentialObjective(model, members, w), {
      tolerance: tol,
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      ...(initial ? { initial } : {}),
    });
    return {
      x: sol.x,
      kktResidual: sol.kktResidual,
      iterations: sol.iterations,
      converged: sol.converged,
      potentialGame,
      status: sol.converged ? 'converged' : 'tolerance-not-reached',
    };
  }
  const obj = bestResponseObjective(model, members, w);
  const res = coordinateAscent(obj, new Float64Array(model.n), {
    maxSweeps: options.maxSweeps ?? 10_000,
  });
  const converged = res.settled && res.kktResidual <= tol;
  return {
    x: res.x,
    kktResidual: res.kktResidual,
    iterations: res.sweeps,
    converged,
    potentialGame,
    status: converged ? 'converged' : res.settled ? 'tolerance-not-reached' : 'max-iterations',
  };
}

/** The options of the equilibrium solvers, checked by type and range (INVALID_ARGUMENT naming the key). */
export function equilibriumOptions(options: EquilibriumOptions, name = 'options'): Required<EquilibriumOptions> {
  optionsRecord(options, ['tolerance', 'maxIterations', 'maxSweeps'], name);
  return {
    tolerance: numberOption(options, 'tolerance', 1e-9, isTolerance, TOLERANCE_RULE, name),
    maxIterations: integerOption(options, 'maxIterations', 200, 1, Number.MAX_SAFE_INTEGER, name),
    maxSweeps: integerOption(options, 'maxSweeps', 10_000, 1, Number.MAX_SAFE_INTEGER, name),
  };
}

/**
 * Solves for the round's equilibrium.
 *
 * @example
 * const eq = solveEquilibrium(parseScenario(json));
 * if (eq.converged) console.log(eq.x, eq.utilities, eq.kktResidual);
 */
export function solveEquilibrium(scenario: Scenario | GameModel, options: EquilibriumOptions = {}): EquilibriumResult {
  const model = modelOf(scenario);
  const checked = equilibriumOptions(options);
  const t0 = performance.now();
  const sol = equilibriumAmounts(model, checked);
  const seconds = (performance.now() - t0) / 1000;
  return {
    x: sol.x,
    utilities: utilities(model, sol.x),
    potential: sol.potentialGame ? potential(model, sol.x) : null,
    socialWelfare: socialWelfare(model, sol.x),
    kktResidual: sol.kktResidual,
    iterations: sol.iterations,
    converged: sol.converged,
    seconds,
    potentialGame: sol.potentialGame,
    method: sol.potentialGame ? 'potential-maximization' : 'best-response-dynamics',
    status: sol.status,
    nonPotential: nonPotentialMembers(model).map((i) => model.scenario.ids[i]),
  };
}
