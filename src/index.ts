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
export { systemInfo, type SystemInfo } from './engine/system-info.js';
export { VERSION } from './version.js';
export * from './game/index.js';
export { Random } from './util/random.js';
export * from './fl/index.js';
export * from './incentive/index.js';
