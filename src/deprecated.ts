/**
 * Deprecated names, kept so that code written against earlier releases keeps working; each note names what to use
 * instead. They live at the top of the layers, beside the package root: some are building blocks the root exported
 * through `export *` before its surface was curated (src/index.ts), and `engine.payoffMatrix` joins two layers that
 * must not know each other (the engine knows nothing of games: docs/architecture.md). They are left out of the API
 * reference (`@internal`) and will be removed in a later major version.
 *
 * @internal
 * @module
 */
import { Engine } from './engine/engine.js';
import { isOptionsObject } from './util/options.js';
import { payoffMatrix, type PayoffMatrixOptions, type PayoffMatrixResult } from './game/payoff-matrix.js';
import type { Scenario } from './game/scenario.js';
import {
  bestResponse1D as bestResponse1DImpl,
  evaluatePayoffMatrix as evaluatePayoffMatrixImpl,
  type PayoffMatrixRequest as PayoffMatrixRequestImpl,
} from './game/index.js';
import {
  CoalitionSolver as CoalitionSolverImpl,
  prefixValues as prefixValuesImpl,
  positivePartWeights as positivePartWeightsImpl,
  surplusSplit as surplusSplitImpl,
} from './incentive/index.js';
import {
  checkSamples as checkSamplesImpl,
  checkSimulationConfig as checkSimulationConfigImpl,
  deriveSeed as deriveSeedImpl,
  roundPreservingSum as roundPreservingSumImpl,
  orthonormalizeColumns as orthonormalizeColumnsImpl,
  symmetricEigen as symmetricEigenImpl,
  planStrategies as planStrategiesImpl,
  strategyAmounts as strategyAmountsImpl,
  mechanismPayoffs as mechanismPayoffsImpl,
} from './fl/index.js';

/**
 * @deprecated The equilibrium solver's one-dimensional step; use `solveEquilibrium` or `coordinateAscent`.
 * @internal
 */
export const bestResponse1D: typeof bestResponse1DImpl = bestResponse1DImpl;

/**
 * @deprecated Runs a checked request on a backend object that only the engine holds; use `payoffMatrix(scenario, x, { engine })`.
 * @internal
 */
export const evaluatePayoffMatrix: typeof evaluatePayoffMatrixImpl = evaluatePayoffMatrixImpl;

/**
 * @deprecated The checked request `evaluatePayoffMatrix` takes; use `payoffMatrix(scenario, x, { engine })`.
 * @internal
 */
export type PayoffMatrixRequest = PayoffMatrixRequestImpl;

/**
 * @deprecated The coalition solver behind `coalitionValues` and the Shapley sampler; use `coalitionValues` or
 * `shapleyValues`.
 * @internal
 */
export const CoalitionSolver: typeof CoalitionSolverImpl = CoalitionSolverImpl;
/** @deprecated See the value of the same name. @internal */
export type CoalitionSolver = CoalitionSolverImpl;

/**
 * @deprecated The prefix values one Monte-Carlo permutation needs; use `shapleyValues`.
 * @internal
 */
export const prefixValues: typeof prefixValuesImpl = prefixValuesImpl;

/**
 * @deprecated A step of the surplus split; use `welfareSharing`.
 * @internal
 */
export const positivePartWeights: typeof positivePartWeightsImpl = positivePartWeightsImpl;

/**
 * @deprecated The surplus split of the sustainable case, exposed for the monotonicity check; use `welfareSharing`.
 * @internal
 */
export const surplusSplit: typeof surplusSplitImpl = surplusSplitImpl;

/**
 * @deprecated Argument checking inside the training functions; they check their own inputs.
 * @internal
 */
export const checkSamples: typeof checkSamplesImpl = checkSamplesImpl;

/**
 * @deprecated Argument checking inside `setUpSimulation` and `simulate`, which check their config themselves.
 * @internal
 */
export const checkSimulationConfig: typeof checkSimulationConfigImpl = checkSimulationConfigImpl;

/**
 * @deprecated The simulation's seed derivation; runs are reproduced through their `seed`.
 * @internal
 */
export const deriveSeed: typeof deriveSeedImpl = deriveSeedImpl;

/**
 * @deprecated A rounding step of the partitions; use `labelCountsFromDirichlet` or `syntheticClassCounts`.
 * @internal
 */
export const roundPreservingSum: typeof roundPreservingSumImpl = roundPreservingSumImpl;

/**
 * @deprecated Linear algebra inside the PPCA generator; use `PpcaGenerator`.
 * @internal
 */
export const orthonormalizeColumns: typeof orthonormalizeColumnsImpl = orthonormalizeColumnsImpl;

/**
 * @deprecated Linear algebra inside the PPCA generator; use `PpcaGenerator`.
 * @internal
 */
export const symmetricEigen: typeof symmetricEigenImpl = symmetricEigenImpl;

/**
 * @deprecated A step of `simulate`; use `setUpSimulation` and `simulate`.
 * @internal
 */
export const planStrategies: typeof planStrategiesImpl = planStrategiesImpl;

/**
 * @deprecated A step of `simulate`; use `setUpSimulation` and `simulate`.
 * @internal
 */
export const strategyAmounts: typeof strategyAmountsImpl = strategyAmountsImpl;

/**
 * @deprecated A step of `simulate`; the mechanism's payoffs are in `welfareSharing`'s result and in each round of
 * `simulate`.
 * @internal
 */
export const mechanismPayoffs: typeof mechanismPayoffsImpl = mechanismPayoffsImpl;

declare module './engine/engine.js' {
  interface Engine {
    /**
     * @deprecated Use `payoffMatrix(scenario, x, { engine, ...options })` from the game layer: the one form in which
     * domain code runs on an engine.
     */
    payoffMatrix(
      scenario: Scenario | readonly Scenario[],
      x: ArrayLike<number> | readonly ArrayLike<number>[],
      options?: Omit<PayoffMatrixOptions, 'engine'>,
    ): Promise<PayoffMatrixResult>;
  }
}

Engine.prototype.payoffMatrix = function (this: Engine, scenario, x, options = {}) {
  // Options that are not an object go through as they are: payoffMatrix names them in its error.
  return payoffMatrix(scenario, x, isOptionsObject(options) ? { ...options, engine: this } : options);
};
