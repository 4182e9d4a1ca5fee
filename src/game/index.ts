/**
 * The game layer (DESIGN §3): scenario input, model components, solvers and baselines.
 */
export {
  parseScenario,
  buildScenario,
  scenarioToJSON,
  withCompetition,
  SCENARIO_BOUNDS,
  type Scenario,
  type ScenarioInput,
  type ScenarioColumns,
  type OrganizationInput,
  type Competition,
  type CompetitionInput,
  type TargetInput,
  type LearningCurve,
  type LearningCurveInput,
} from './scenario.js';
export { competitionEntry, uniformEntry, rowWeightedSums, columnSums } from './competition.js';
export { initialSkew, initialSkewOn, skewAfter, skewMass, type InitialSkewOptions } from './heterogeneity.js';
export { aggregatesAt, heterogeneity, type Aggregates } from '../numeric/aggregates.js';
export { loss, performance, commonMarginal, ownMarginal, marginalPerformance } from '../numeric/learning-curve.js';
export { privateGain, marginalPrivateGain } from './private-gain.js';
export { createGameModel, modelOf, nonPotentialMembers, type GameModel } from './model.js';
export { foldSyntheticWorth, syntheticWorthOf } from './synthetic-worth.js';
export {
  performanceAt,
  qualities,
  utilities,
  socialWelfare,
  potential,
  performanceGradient,
  potentialGradient,
  welfareGradient,
  ownUtilityGradient,
} from './utility.js';
export { potentialObjective, welfareObjective, bestResponseObjective } from './objective.js';
export { isConcave, kktResidual, type AggregativeObjective } from '../numeric/aggregative-objective.js';
export {
  maximizeAggregative,
  type AggregativeSolveOptions,
  type AggregativeSolution,
} from '../numeric/aggregative-solver.js';
export {
  bestResponse1D,
  coordinateAscent,
  type CoordinateAscentOptions,
  type CoordinateAscentResult,
} from './coordinate-ascent.js';
export {
  solveEquilibrium,
  equilibriumAmounts,
  type EquilibriumOptions,
  type EquilibriumResult,
  type EquilibriumMethod,
} from './solve-equilibrium.js';
export { solveOptimum, type OptimumOptions, type OptimumResult } from './solve-optimum.js';
export { vcflBaseline, wcoBaseline, radgBaseline, scoreProfile, type BaselineResult } from './baselines.js';
export { outsideOptions, standaloneValue, type OutsideOptionsResult } from './outside-options.js';
export {
  solveGame,
  gameSolutionToJSON,
  type SolveGameOptions,
  type GameSolution,
  type GameSolutionJSON,
} from './solve-game.js';
export { randomScenario, type RandomScenarioOptions } from './random-scenario.js';
export {
  payoffMatrix,
  validatePayoffMatrix,
  evaluatePayoffMatrix,
  MAX_PAYOFF_MATRIX_ENTRIES,
  type PayoffMatrixOptions,
  type PayoffMatrixResult,
  type PayoffMatrixRequest,
} from './payoff-matrix.js';
export { planRivalSums, rivalSums, packPayoffInput, type RivalSumsPlan } from './payoff-packing.js';
