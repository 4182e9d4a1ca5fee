/**
 * The incentive layer (DESIGN §4): the coalition game and its Shapley values, the welfare-sharing payoff
 * redistribution mechanism with floors, sustainability and the largest sustainable coalition, the comparators
 * (no incentive, leave-one-out, plain Shapley), the property report, and the many-round simulation.
 */
export {
  coalitionGame,
  coalitionValues,
  allCoalitionValues,
  prefixValues,
  CoalitionSolver,
  packCoalitionGame,
  coalitionValuesOn,
  MAX_MASK_ORGANIZATIONS,
  type CoalitionGame,
  type CoalitionStats,
  type CoalitionOptions,
  type CoalitionValuesOptions,
} from './coalition-values.js';
export {
  shapleyValues,
  exactShapleyFromValues,
  monteCarloShapley,
  type ShapleyOptions,
  type ShapleyEngineOptions,
  type ShapleyResult,
} from './shapley.js';
export { symmetryClasses } from './symmetry.js';
export { restrictScenario } from './sub-scenario.js';
export { analyzeRound, type RoundAnalysis, type RoundAnalysisOptions } from './round-analysis.js';
export {
  checkCoalition,
  largestSustainableCoalition,
  EXACT_SEARCH_LIMIT,
  GREEDY_SEARCH_LIMIT,
  type CoalitionCheck,
  type LargestCoalition,
} from './sustainability.js';
export {
  welfareSharing,
  surplusSplit,
  positivePartWeights,
  efficiencyOf,
  type ShareRule,
  type WelfareSharingOptions,
  type WelfareSharingResult,
  type SustainabilityStatus,
} from './welfare-sharing.js';
export { compareSchemes, scoreScheme, SCHEMES, type SchemeName, type SchemeOutcome } from './comparators.js';
export {
  propertyReport,
  BUDGET_BALANCE_TOLERANCE,
  EFFICIENCY_THRESHOLD,
  type PropertyReport,
  type PropertyCheck,
  type PropertyStatus,
} from './properties.js';
export { mechanismToJSON, type MechanismJSON, type SchemeJSON } from './mechanism-json.js';
export { simulateRounds, type RoundsOptions, type RoundsResult, type RoundRecord } from './rounds.js';
