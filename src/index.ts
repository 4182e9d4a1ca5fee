/**
 * cocogen: a compute engine for coopetitive cross-silo federated learning.
 *
 * This module is the package root and its curated public surface: every name is listed here explicitly, grouped by
 * layer (docs/architecture.md). Names kept only for compatibility live in `deprecated.ts` and are left out of the
 * API reference.
 *
 * @example
 * import { createEngine } from 'cocogen';
 * const engine = await createEngine();
 * const avg = await engine.aggregate(updates, { rule: 'fedavg', weights });
 * engine.dispose();
 *
 * @packageDocumentation
 * @document ../docs/design.md
 * @document ../docs/architecture.md
 * @document ../docs/cli.md
 * @document ../docs/engine.md
 * @document ../docs/aggregation.md
 * @document ../docs/game.md
 * @document ../docs/incentive.md
 * @document ../docs/training.md
 * @document ../docs/tasks.md
 * @document ../docs/interop.md
 * @document ../docs/benchmarks.md
 */

// Errors and version.
export { CocogenError, type CocogenErrorCode } from './core/errors.js';
export { VERSION } from './core/version.js';

// The engine: backends, tensors, aggregation, server optimizers (docs/aggregation.md).
export {
  createEngine,
  Engine,
  BACKEND_CHOICES,
  GEMM_CHOICES,
  type BackendChoice,
  type EngineOptions,
  type GemmChoice,
  type EngineInfo,
} from './engine/engine.js';
export type { BackendName, BackendInfo } from './engine/backend.js';
export {
  AGGREGATION_RULES,
  type AggregationRule,
  type AggregateOptions,
  type AggregateResult,
} from './engine/validate-aggregate.js';
export { createTensor, NativeTensor, MAX_TENSOR_LENGTH } from './engine/tensor.js';
export {
  FedAvgM,
  FedAdam,
  FedYogi,
  serverOptimizerStepReference,
  type ServerOptimizerOptions,
  type ServerOptimizerState,
} from './engine/server-optimizer.js';
export type { ServerOptimizerKind, ServerOptimizerParams } from './engine/kernels/server-optimizer/contract.js';
export { systemInfo, type SystemInfo, type Availability } from './engine/system-info.js';
export type { AddonBuildInfo, AddonGemmInfo, AddonKernelVariants } from '../bindings/addon.js';
export type {
  DenseForwardInput,
  DenseBackwardInput,
  DenseGradients,
  SoftmaxCrossEntropyOutput,
  SgdMomentumInput,
} from './engine/kernels/gemm/contract.js';
export type { GemmOptions as EngineGemmOptions, TrainDenseOptions } from './engine/kernels/gemm/contract.js';
export type { CnnLogitsInput, CnnNetwork, TrainCnnOptions } from './engine/kernels/cnn/contract.js';
export type {
  Conv2dSizes,
  Conv2dForwardOptions,
  Conv2dBackwardOptions,
  Conv2dGradients,
} from './engine/kernels/conv2d/contract.js';
export type {
  MaxPoolSizes,
  MaxPoolForwardOptions,
  MaxPoolBackwardOptions,
  MaxPoolOutput,
} from './engine/kernels/max-pool/contract.js';
export type { LabelArray, LabelHistogramsOptions } from './engine/kernels/label-histograms/contract.js';
export type { L1DistancesOptions } from './engine/kernels/l1-distances/contract.js';

// Interop: tensor files, memory maps, widening, out-of-core aggregation (docs/interop.md).
export {
  aggregateFiles,
  DEFAULT_BLOCK_ELEMENTS,
  type AggregateFilesOptions,
  type AggregateFilesStats,
} from './interop/out-of-core.js';
export { MappedFile, type MapOptions } from './interop/mapped-file.js';
export {
  TensorFile,
  TensorFileWriter,
  writeTensorFile,
  readTensorFileLayout,
  matchTensorLayouts,
  NPY_TENSOR_NAME,
  type TensorBlock,
  type TensorDtype,
  type TensorFileFormat,
  type TensorFileLayout,
  type TensorInfo,
  type TensorSpec,
} from './interop/tensor-file.js';
export { isBadTensorInput, type TensorFileErrorReason } from './interop/tensor-file-error.js';
export { widenToFloat32, type WidenDtype, type WidenImplementation, type WidenOptions } from './interop/widen.js';

// Utilities.
export { Random } from './util/random.js';

// The game (docs/design.md §3): scenarios, model components, solvers, baselines, payoff matrices.
export {
  parseScenario,
  buildScenario,
  scenarioToJSON,
  withCompetition,
  randomScenario,
  competitionEntry,
  uniformEntry,
  rowWeightedSums,
  columnSums,
  initialSkew,
  initialSkewOn,
  type InitialSkewOptions,
  skewAfter,
  skewMass,
  aggregatesAt,
  heterogeneity,
  loss,
  performance,
  commonMarginal,
  ownMarginal,
  marginalPerformance,
  privateGain,
  marginalPrivateGain,
  createGameModel,
  nonPotentialMembers,
  performanceAt,
  qualities,
  utilities,
  socialWelfare,
  potential,
  performanceGradient,
  potentialGradient,
  welfareGradient,
  ownUtilityGradient,
  potentialObjective,
  welfareObjective,
  bestResponseObjective,
  isConcave,
  kktResidual,
  maximizeAggregative,
  coordinateAscent,
  solveEquilibrium,
  equilibriumAmounts,
  solveOptimum,
  vcflBaseline,
  wcoBaseline,
  radgBaseline,
  scoreProfile,
  outsideOptions,
  standaloneValue,
  solveGame,
  gameSolutionToJSON,
  payoffMatrix,
  MAX_PAYOFF_MATRIX_ENTRIES,
  type Scenario,
  type ScenarioInput,
  type ScenarioColumns,
  type OrganizationInput,
  type Competition,
  type CompetitionInput,
  type TargetInput,
  type LearningCurve,
  type LearningCurveInput,
  type RandomScenarioOptions,
  type Aggregates,
  type GameModel,
  type AggregativeObjective,
  type AggregativeSolveOptions,
  type AggregativeSolution,
  type CoordinateAscentOptions,
  type CoordinateAscentResult,
  type EquilibriumOptions,
  type EquilibriumResult,
  type EquilibriumMethod,
  type OptimumOptions,
  type OptimumResult,
  type BaselineResult,
  type OutsideOptionsResult,
  type SolveGameOptions,
  type GameSolution,
  type GameSolutionJSON,
  type PayoffMatrixOptions,
  type PayoffMatrixResult,
} from './game/index.js';

// The incentive mechanism (docs/design.md §4, docs/incentive.md).
export {
  coalitionGame,
  coalitionValues,
  allCoalitionValues,
  coalitionValuesOn,
  type CoalitionValuesOptions,
  MAX_MASK_ORGANIZATIONS,
  shapleyValues,
  exactShapleyFromValues,
  monteCarloShapley,
  symmetryClasses,
  restrictScenario,
  analyzeRound,
  checkCoalition,
  largestSustainableCoalition,
  EXACT_SEARCH_LIMIT,
  GREEDY_SEARCH_LIMIT,
  welfareSharing,
  efficiencyOf,
  compareSchemes,
  scoreScheme,
  SCHEMES,
  propertyReport,
  BUDGET_BALANCE_TOLERANCE,
  EFFICIENCY_THRESHOLD,
  mechanismToJSON,
  simulateRounds,
  type CoalitionGame,
  type CoalitionStats,
  type CoalitionOptions,
  type ShapleyOptions,
  type ShapleyEngineOptions,
  type ShapleyResult,
  type RoundAnalysis,
  type RoundAnalysisOptions,
  type CoalitionCheck,
  type LargestCoalition,
  type ShareRule,
  type WelfareSharingOptions,
  type WelfareSharingResult,
  type SustainabilityStatus,
  type SchemeName,
  type SchemeOutcome,
  type PropertyReport,
  type PropertyCheck,
  type PropertyStatus,
  type MechanismJSON,
  type SchemeJSON,
  type RoundsOptions,
  type RoundsResult,
  type RoundRecord,
} from './incentive/index.js';

// Federated learning on real data (docs/design.md §5, docs/training.md).
export {
  parseIdx,
  readIdx,
  encodeIdx,
  FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  DATASETS,
  DEFAULT_DATASET,
  DATASET_INFO,
  SUBSET_PUBLIC_COUNT,
  datasetFiles,
  fashionMnistFiles,
  shippedSubsetDir,
  loadDataset,
  loadFashionMnist,
  selectImages,
  splitPublic,
  dirichletPartition,
  powerLawSizes,
  labelCountsFromDirichlet,
  partitionByLabelCounts,
  partitionFederation,
  withSynthetic,
  shardLabelCounts,
  labelCountsOn,
  type ShardLabelCountsOptions,
  featuresOf,
  samplesOf,
  selectSamples,
  concatSamples,
  labelHistogram,
  gemm,
  createModel,
  softmaxCrossEntropy,
  sgdMomentumStep,
  PpcaGenerator,
  syntheticClassCounts,
  generatorQuality,
  trainLocal,
  trainLocalOn,
  evaluate,
  federatedRound,
  curveLoss,
  fitLearningCurve,
  curveInputOf,
  federationHeterogeneity,
  gameHeterogeneity,
  DEFAULT_RECIPE,
  calibrate,
  loadFederatedData,
  STRATEGIES,
  STRATEGY_LABELS,
  utilitiesAtPerformance,
  setUpSimulation,
  simulate,
  stateToJSON,
  stateFromJSON,
  SUBSET_SOFTMAX_CURVE,
  SUBSET_SOFTMAX_UNCERTAINTY,
  SIMULATION_DEFAULTS,
  DEFAULT_VALIDATION,
  RECALIBRATIONS,
  refitCurve,
  uncertaintyOf,
  DEFAULT_CURVE_RMSE,
  type Recalibration,
  type CurveUncertainty,
  type CurveObservation,
  type CurveRefit,
  type IdxTensor,
  type FashionMnistSplit,
  type DatasetName,
  type DatasetSplit,
  type ImageSet,
  type FederationOptions,
  type Federation,
  type LabeledSamples,
  type Floats,
  type GemmOptions,
  type ModelKind,
  type ModelSpec,
  type Model,
  type SgdOptions,
  type Generator,
  type GenerateOptions,
  type PpcaOptions,
  type PpcaClass,
  type GeneratorQualityOptions,
  type GeneratorQuality,
  type LocalTrainingOptions,
  type LocalTrainingResult,
  type Evaluation,
  type EvaluateOptions,
  type Organization,
  type FederatedRoundOptions,
  type FederatedRoundResult,
  type CurvePoint,
  type CurveFitOptions,
  type CurveFit,
  type TrainingRecipe,
  type CalibrationOptions,
  type CalibrationPoint,
  type CalibrationResult,
  type FederatedData,
  type FederatedDataOptions,
  type StrategyName,
  type StrategyPlan,
  type SimulationConfig,
  type SimulationRound,
  type StrategyRun,
  type SimulationState,
  type SimulationSetup,
  type SimulateOptions,
} from './fl/index.js';

// Library forms of what the CLI writes: the sweep, result tables, CSV and figures (docs/cli.md).
export {
  sweepGame,
  builtInSweepBase,
  sweepBaseFromScenario,
  sweepCsv,
  sweepSummary,
  DEFAULT_SWEEP_GRID,
  MAX_SWEEP_POINTS,
  MAX_SWEEP_ORGANIZATIONS,
  type SweepBase,
  type SweepGrid,
  type SweepOptions,
  type SweepPoint,
} from './fl/sweep.js';
export {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  welfareSvg,
  sweepHold,
  sweepCostLabel,
  type SweepHold,
  type SweepFigureSetting,
} from './plot/sweep-figures.js';
export { simulationResultJSON, simulationCsv, simulationGameSummary } from './fl/simulation-results.js';
export {
  shippedCurve,
  builtInCurve,
  curveFromCalibration,
  uncertaintyFromCalibration,
  SHIPPED_CURVE_SOURCE,
} from './fl/simulation-curve.js';
export { simulationAccuracySvg, simulationGainSvg } from './plot/simulation-figures.js';
export {
  compareSeeds,
  PREDICTION_TOLERANCE,
  type SeedComparison,
  type SeedComparisonOptions,
  type SeedVerdict,
  type StrategySummary,
  type RoundSummary,
  type MechanismComparison,
} from './fl/seed-comparison.js';
export { seedComparisonCsv } from './fl/seed-comparison-results.js';
export { seedComparisonSvg } from './plot/seed-figures.js';
export { meanInterval, studentTQuantile, quantile, type MeanInterval } from './numeric/statistics.js';
export { serverStepCase, checkServerStep, type ServerStepCase, type ServerStepCheck } from './fl/server-step-check.js';
export { strategyTotals, type StrategyTotal } from './game/strategy-totals.js';
export {
  calibrationFitJSON,
  fittedCalibrationPoints,
  calibrationCsv,
  type FittedCalibrationPoint,
} from './fl/calibration-results.js';
export { calibrationSvg } from './plot/calibration-figure.js';
export { SCHEME_LABELS, roundsCsv, roundsRecordsJSON, roundsStandaloneJSON } from './incentive/rounds-results.js';
export { roundsSvg } from './plot/rounds-figure.js';
export {
  studyFigureSvg,
  studyFigureDrawable,
  type StudyFigureSpec,
  type StudyFigureCell,
  type StudyFigureMetric,
  type StudyAxisValue,
} from './plot/study-figures.js';

// Kept for compatibility with the earlier `export *` surface; not part of the API reference.
export {
  bestResponse1D,
  evaluatePayoffMatrix,
  CoalitionSolver,
  prefixValues,
  positivePartWeights,
  surplusSplit,
  checkSamples,
  checkSimulationConfig,
  deriveSeed,
  roundPreservingSum,
  orthonormalizeColumns,
  symmetricEigen,
  planStrategies,
  strategyAmounts,
  mechanismPayoffs,
  type PayoffMatrixRequest,
} from './deprecated.js';
