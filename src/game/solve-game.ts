/**
 * Everything `cocogen solve` reports for one round: potential weights, outside options, the equilibrium, the
 * social optimum and the baselines (DESIGN §3.5). `gameSolutionToJSON` gives the exact JSON
 * object the CLI prints.
 */
import { radgBaseline, vcflBaseline, wcoBaseline, type BaselineResult } from './baselines.js';
import { createGameModel, nonPotentialMembers } from './model.js';
import { outsideOptions } from './outside-options.js';
import type { Scenario } from './scenario.js';
import { solveEquilibrium, type EquilibriumResult } from './solve-equilibrium.js';
import { solveOptimum, type OptimumResult } from './solve-optimum.js';
import {
  booleanOption,
  optionsRecord,
  integerOption,
  isTolerance,
  numberOption,
  seedOption,
  TOLERANCE_RULE,
} from '../util/options.js';

export interface SolveGameOptions {
  /** KKT residual every solve must reach. Default 1e-9. */
  tolerance?: number;
  /** Seed of the RaDG baseline (and of the random starts of a non-concave optimum). Default 1. */
  seed?: number;
  /**
   * Compute outside options (one sub-game solve per organization, O(N²) in all). Default: when N ≤ 2000;
   * otherwise `outsideOptions` is null.
   */
  outsideOptions?: boolean;
  /** Sweeps of best-response dynamics in a non-potential game. Default 10 000. */
  maxSweeps?: number;
}

export interface GameSolution {
  potentialGame: boolean;
  /** Ids of the organizations with w_n ≤ 0, which break the potential structure. */
  nonPotential: string[];
  /** w_n */
  weights: Float64Array;
  /** O_n, or null when not computed. */
  outsideOptions: Float64Array | null;
  /** Whether every sub-problem behind the outside options met the tolerance (null when not computed). */
  outsideOptionsConverged: boolean | null;
  equilibrium: EquilibriumResult;
  optimum: OptimumResult;
  baselines: { vcfl: BaselineResult; wco: BaselineResult; radg: BaselineResult };
}

/**
 * Solves one round: equilibrium, optimum, baselines, weights and outside options.
 *
 * @example
 * const sol = solveGame(parseScenario(JSON.parse(text)), { seed: 7 });
 * console.log(JSON.stringify(gameSolutionToJSON(sol)));
 */
export function solveGame(scenario: Scenario, options: SolveGameOptions = {}): GameSolution {
  optionsRecord(options, ['tolerance', 'seed', 'outsideOptions', 'maxSweeps'], 'options');
  const tolerance = numberOption(options, 'tolerance', 1e-9, isTolerance, TOLERANCE_RULE);
  const seed = seedOption(options, 'seed', 1);
  const maxSweeps = integerOption(options, 'maxSweeps', 10_000, 1, Number.MAX_SAFE_INTEGER);
  const model = createGameModel(scenario);
  const eqOptions = { tolerance, maxSweeps };
  const equilibrium = solveEquilibrium(model, eqOptions);
  const optimum = solveOptimum(model, { tolerance, seed, start: equilibrium.x });
  const wantOutside = booleanOption(options, 'outsideOptions', model.n <= 2000);
  const outside = wantOutside ? outsideOptions(model, equilibrium.x, eqOptions) : null;
  const wco = wcoBaseline(model, eqOptions);
  return {
    potentialGame: equilibrium.potentialGame,
    nonPotential: nonPotentialMembers(model).map((i) => scenario.ids[i]),
    weights: Float64Array.from(model.w),
    outsideOptions: outside ? outside.values : null,
    outsideOptionsConverged: outside ? outside.converged : null,
    equilibrium,
    optimum,
    baselines: {
      vcfl: vcflBaseline(model),
      wco: { x: wco.x, utilities: wco.utilities, socialWelfare: wco.socialWelfare },
      radg: radgBaseline(model, seed),
    },
  };
}

/** A non-finite number (e.g. an infinite residual) as JSON null, since JSON has no Infinity or NaN. */
function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function arr(v: Float64Array): number[] {
  return Array.from(v);
}

function baselineJSON(b: BaselineResult): { x: number[]; utilities: number[]; socialWelfare: number | null } {
  return { x: arr(b.x), utilities: arr(b.utilities), socialWelfare: num(b.socialWelfare) };
}

/** The JSON shape `cocogen solve --json` prints. */
export interface GameSolutionJSON {
  potentialGame: boolean;
  nonPotential: string[];
  weights: number[];
  outsideOptions: number[] | null;
  outsideOptionsConverged: boolean | null;
  equilibrium: {
    x: number[];
    utilities: number[];
    potential: number | null;
    socialWelfare: number | null;
    kktResidual: number | null;
    iterations: number;
    converged: boolean;
    seconds: number;
    method: EquilibriumResult['method'];
    status: EquilibriumResult['status'];
  };
  optimum: {
    x: number[];
    utilities: number[];
    socialWelfare: number | null;
    kktResidual: number | null;
    converged: boolean;
    concave: boolean;
    localOptima: number;
    note: string;
  };
  baselines: {
    vcfl: ReturnType<typeof baselineJSON>;
    wco: ReturnType<typeof baselineJSON>;
    radg: ReturnType<typeof baselineJSON>;
  };
}

/**
 * Plain-JSON form of a solution (typed arrays become arrays, non-finite numbers null).
 * @example process.stdout.write(JSON.stringify(gameSolutionToJSON(solveGame(scenario))) + '\n');
 */
export function gameSolutionToJSON(sol: GameSolution): GameSolutionJSON {
  const eq = sol.equilibrium;
  const opt = sol.optimum;
  return {
    potentialGame: sol.potentialGame,
    nonPotential: sol.nonPotential,
    weights: arr(sol.weights),
    outsideOptions: sol.outsideOptions ? arr(sol.outsideOptions) : null,
    outsideOptionsConverged: sol.outsideOptionsConverged,
    equilibrium: {
      x: arr(eq.x),
      utilities: arr(eq.utilities),
      potential: eq.potential === null ? null : num(eq.potential),
      socialWelfare: num(eq.socialWelfare),
      kktResidual: num(eq.kktResidual),
      iterations: eq.iterations,
      converged: eq.converged,
      seconds: eq.seconds,
      method: eq.method,
      status: eq.status,
    },
    optimum: {
      x: arr(opt.x),
      utilities: arr(opt.utilities),
      socialWelfare: num(opt.socialWelfare),
      kktResidual: num(opt.kktResidual),
      converged: opt.converged,
      concave: opt.concave,
      localOptima: opt.localOptima,
      note: opt.note,
    },
    baselines: {
      vcfl: baselineJSON(sol.baselines.vcfl),
      wco: baselineJSON(sol.baselines.wco),
      radg: baselineJSON(sol.baselines.radg),
    },
  };
}
