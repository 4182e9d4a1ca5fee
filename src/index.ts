/**
 * cocogen: a compute engine for coopetitive cross-silo federated learning.
 *
 * @example
 * import { createEngine } from 'cocogen';
 * const engine = await createEngine();
 * const avg = await engine.aggregate(updates, { rule: 'fedavg', weights });
 * engine.dispose();
 */
export { CocogenError, type CocogenErrorCode } from './errors.js';
export {
  createEngine,
  Engine,
  BACKEND_CHOICES,
  type BackendChoice,
  type EngineOptions,
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
export {
  aggregateFiles,
  DEFAULT_BLOCK_ELEMENTS,
  type AggregateFilesOptions,
  type AggregateFilesStats,
} from './engine/out-of-core.js';
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
export { systemInfo, type SystemInfo } from './engine/system-info.js';
export { VERSION } from './version.js';
export * from './game/index.js';
export { Random } from './util/random.js';
export * from './fl/index.js';
export * from './incentive/index.js';
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
export { shippedCurve, curveFromCalibration, SHIPPED_CURVE_SOURCE } from './fl/simulation-curve.js';
export { simulationAccuracySvg, simulationGainSvg } from './plot/simulation-figures.js';
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
