import type { Backend, BackendInfo, BackendName } from './backend.js';
import { JsBackend } from './js-backend.js';
import { NativeBackend } from './native-backend.js';
import { validateAggregate, type AggregateOptions, type AggregateResult } from './validate-aggregate.js';
import { validateUpdates } from './kernels/updates.js';
import { checkFinite } from './kernels/fed-avg/contract.js';
import { throwFirstNonFinite } from './kernels/robust-rules/contract.js';
import { clipScales, krumAverageWeights, krumScores, krumSelect } from './kernels/robust-rules/selection.js';
import { CocogenError, invalidArgument } from '../core/errors.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  SgdMomentumInput,
  SoftmaxCrossEntropyOutput,
} from './kernels/gemm/contract.js';
import {
  validateDenseBackward,
  validateDenseForward,
  validateGemm,
  validateSgdMomentum,
  validateSoftmaxCrossEntropy,
  validateTrainDense,
  type GemmOptions,
  type TrainDenseOptions,
} from './kernels/gemm/contract.js';
import { loadAddon } from '../core/addon.js';
import { probeGpu } from '../../bindings/dawn.js';
import {
  validateCoalitionValues,
  type CoalitionValuesInput,
  type CoalitionValuesOutput,
} from './kernels/coalition-values/contract.js';
import {
  labelHistogramsError,
  validateLabelHistograms,
  type LabelHistogramsOptions,
} from './kernels/label-histograms/contract.js';
import { l1DistancesError, validateL1Distances, type L1DistancesOptions } from './kernels/l1-distances/contract.js';
import { coalitionValuesKernel } from './kernels/coalition-values/kernel.js';
import { fedAvgKernel } from './kernels/fed-avg/kernel.js';
import {
  denseBackwardKernel,
  denseForwardKernel,
  denseTrainStepsKernel,
  gemmKernel,
  sgdMomentumKernel,
  softmaxCrossEntropyKernel,
} from './kernels/gemm/kernel.js';
import { gramKernel } from './kernels/gram/kernel.js';
import { cnnLogitsKernel, cnnTrainStepsKernel } from './kernels/cnn/kernel.js';
import {
  validateCnnLogits,
  validateTrainCnn,
  type CnnLogitsInput,
  type TrainCnnOptions,
} from './kernels/cnn/contract.js';
import { conv2dBackwardKernel, conv2dForwardKernel } from './kernels/conv2d/kernel.js';
import {
  validateConv2dBackward,
  validateConv2dForward,
  type Conv2dBackwardOptions,
  type Conv2dForwardOptions,
  type Conv2dGradients,
} from './kernels/conv2d/contract.js';
import { maxPoolBackwardKernel, maxPoolForwardKernel } from './kernels/max-pool/kernel.js';
import {
  validateMaxPoolBackward,
  validateMaxPoolForward,
  type MaxPoolBackwardOptions,
  type MaxPoolForwardOptions,
  type MaxPoolOutput,
} from './kernels/max-pool/contract.js';
import { l1DistancesKernel } from './kernels/l1-distances/kernel.js';
import { labelHistogramsKernel } from './kernels/label-histograms/kernel.js';
import { coordinateMedianKernel, trimmedMeanKernel } from './kernels/robust-rules/kernel.js';
import { squaredNormsKernel } from './kernels/squared-norms/kernel.js';

export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'native', 'js'];

export type GemmChoice = 'auto' | 'own' | 'blas';
export const GEMM_CHOICES: readonly GemmChoice[] = ['auto', 'own', 'blas'];

export interface EngineOptions {
  /**
   * Which backend runs the kernels. `'auto'` (default) picks WebGPU when a hardware adapter exists, else the
   * native addon, else the JS reference; `info().selection` says why.
   */
  backend?: BackendChoice;
  /** Threads of the native addon's pool (default: all cores). */
  threads?: number;
  /**
   * Native only, for the whole process (like `threads`): which SGEMM the addon runs — `'blas'` (the OpenBLAS the
   * build linked), `'own'` (the project's packed kernel) or `'auto'` (BLAS when linked, else own). Omitted: left as it
   * is. `info().details.gemm` names what runs.
   */
  gemm?: GemmChoice;
  /** WebGPU only: cap on the bytes bound per dispatch (default: the device's maxStorageBufferBindingSize). */
  maxChunkBytes?: number;
}

export interface EngineInfo extends BackendInfo {
  /** What was asked for, and why this backend was chosen. */
  selection: { requested: BackendChoice; reason: string };
}

/** The backend of every engine, for library objects that run on an engine's backend (server optimizers). */
const engineBackends = new WeakMap<Engine, Backend>();

/**
 * @internal The backend `engine` runs on, or undefined when `engine` is not an Engine. Shared: the caller must not
 * dispose it, and checks `engine.disposed` before each use.
 */
export function engineBackend(engine: Engine): Backend | undefined {
  return engineBackends.get(engine);
}

/**
 * @internal The backend of an `engine` option handed to domain code (the one form in which game, incentive and FL
 * functions run on an engine: `fn(input, { engine })`): INVALID_ARGUMENT naming `argument` when it is not an Engine,
 * DISPOSED when it has been disposed.
 */
export function backendOfOption(engine: unknown, method: string, argument = 'options.engine'): Backend {
  const backend = engine instanceof Engine ? engineBackends.get(engine) : undefined;
  if (backend === undefined) throw invalidArgument(argument, 'an Engine from createEngine()', engine);
  if ((engine as Engine).disposed) throw new CocogenError('DISPOSED', `Cannot call ${method}() after dispose()`);
  return backend;
}

/**
 * @internal Runs `work` on the `engine` option (checked as {@link backendOfOption} does), or on a JS reference engine
 * made for the call and disposed after it: what every domain function does whose work needs an engine either way.
 */
export async function onEngineOption<T>(
  engine: Engine | undefined,
  method: string,
  work: (engine: Engine) => Promise<T>,
): Promise<T> {
  if (engine !== undefined) {
    backendOfOption(engine, method);
    return work(engine);
  }
  const reference = await createEngine({ backend: 'js' });
  try {
    return await work(reference);
  } finally {
    reference.dispose();
  }
}

/**
 * A compute engine bound to one backend. Owns backend resources (GPU device, buffers): call `dispose()`.
 *
 * @example
 * const engine = await createEngine({ backend: 'auto' });
 * const avg = await engine.aggregate([a, b], { rule: 'fedavg', weights: [600, 400] });
 * engine.dispose();
 */
export class Engine {
  readonly #backend: Backend;
  readonly #selection: EngineInfo['selection'];
  #disposed = false;

  /** @internal use {@link createEngine} */
  constructor(backend: Backend, selection: EngineInfo['selection']) {
    this.#backend = backend;
    this.#selection = selection;
    engineBackends.set(this, backend);
  }

  /** The resolved backend name. */
  get backend(): BackendName {
    return this.#backend.name;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  info(): EngineInfo {
    this.#guard('info');
    return { ...this.#backend.info(), selection: this.#selection };
  }

  /**
   * Aggregate model updates. `fedavg`: Σ_k w_k·u_k / Σ_k w_k, accumulated in float64 (emulated on WebGPU)
   * and rounded once. All arguments are checked first; bad input throws `CocogenError` (`INVALID_ARGUMENT`).
   */
  async aggregate(updates: readonly Float32Array[], options: AggregateOptions): Promise<Float32Array> {
    this.#guard('aggregate');
    return (await this.#aggregate(updates, options)).result;
  }

  /**
   * `aggregate`, plus what the rule decided: for `krum` / `multi-krum` the selected updates (best first) and every
   * score, with `clip` the scale applied to each update.
   *
   * @example
   * const { result, selected } = await engine.aggregateDetailed(updates, { rule: 'multi-krum', f: 2, m: 5 });
   */
  async aggregateDetailed(updates: readonly Float32Array[], options: AggregateOptions): Promise<AggregateResult> {
    this.#guard('aggregateDetailed');
    return this.#aggregate(updates, options);
  }

  async #aggregate(updates: readonly Float32Array[], options: AggregateOptions): Promise<AggregateResult> {
    const v = validateAggregate(updates, options);
    const backend = this.#backend;
    const strict = v.nonFinite === 'error';
    const result = v.out ?? new Float32Array(v.length);
    if (v.length === 0) return { result };
    let scales = v.scales;
    if (v.clip !== undefined) {
      const norms = await backend.run(squaredNormsKernel, v.updates);
      if (strict && !norms.every(Number.isFinite)) throwFirstNonFinite(v.updates);
      scales = clipScales(norms, v.clip);
    }
    const detail = (extra: Omit<AggregateResult, 'result'> = {}): AggregateResult => ({
      result,
      ...extra,
      ...(scales ? { clipScales: scales } : {}),
    });
    switch (v.rule) {
      case 'median':
      case 'trimmed-mean': {
        const saw =
          v.rule === 'median'
            ? await backend.run(coordinateMedianKernel, { updates: v.updates, scales, out: result })
            : await backend.run(trimmedMeanKernel, { updates: v.updates, trimCount: v.trimCount, scales, out: result });
        if (saw && strict) throwFirstNonFinite(v.updates);
        return detail();
      }
      case 'krum':
      case 'multi-krum': {
        const k = v.updates.length;
        const gram = await backend.run(gramKernel, v.updates);
        if (strict && !gram.every(Number.isFinite)) throwFirstNonFinite(v.updates);
        const scores = krumScores(gram, k, v.f, scales);
        const selected = krumSelect(scores, v.m);
        const weights = krumAverageWeights(selected, v.weights, scales);
        const chosen = selected.map((i) => v.updates[i]!);
        const nonFinite = await backend.run(fedAvgKernel, { updates: chosen, weights, out: result });
        if (strict && nonFinite) checkFinite(result, v.updates);
        return detail({ selected, scores });
      }
      default: {
        const weights = scales ? v.weights.map((w, i) => w * scales[i]!) : v.weights;
        // The backend reports a non-finite result as it writes it; the pass that names the cause runs only then.
        const nonFinite = await backend.run(fedAvgKernel, { updates: v.updates, weights, out: result });
        if (strict && nonFinite) checkFinite(result, v.updates);
        return detail();
      }
    }
  }

  /**
   * ‖u_k‖² of every update, float64 (accumulated in float64 on js and native, emulated float64 on WebGPU): what
   * `clip` uses. Non-finite values give NaN or Infinity there. With `squaredNorms` and `gram` summed over the pieces
   * of a model (tensors, column blocks), a caller clips and runs Krum on the whole update while holding one piece.
   */
  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard('squaredNorms');
    const checked = validateUpdates(updates);
    if (checked[0]!.length === 0) return new Float64Array(checked.length);
    return this.#backend.run(squaredNormsKernel, checked);
  }

  /**
   * The K×K Gram matrix G_ij = u_i·u_j (row-major float64, symmetric), computed as a GEMM; Krum's squared distances
   * are G_ii + G_jj − 2·G_ij. float64 on js; float32 GEMM per column block, blocks added in float64, on native and
   * WebGPU.
   */
  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard('gram');
    const checked = validateUpdates(updates);
    if (checked[0]!.length === 0) return new Float64Array(checked.length * checked.length);
    return this.#backend.run(gramKernel, checked);
  }

  /**
   * The coalition-value kernel on this engine's backend (contract: src/engine/kernels/coalition-values/contract.ts): v(S)
   * for a list of masks or a range of masks, NaN where not concave. The incentive layer packs a coalition game into
   * this input (`packCoalitionGame`) and fills the NaN; `shapleyValues(model, { engine })` is the usual entry point.
   * Bad input throws `CocogenError` (`INVALID_ARGUMENT`) naming the field.
   * @internal
   */
  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    this.#guard('coalitionValues');
    return this.#backend.run(coalitionValuesKernel, validateCoalitionValues(input));
  }

  /**
   * SGEMM: C ← α·op(A)·op(B) + β·C, row-major float32 (op(A) m×k, op(B) k×n). float64 accumulation on js; float32
   * with FMA on native (tiled, packed, multithreaded) and WebGPU (shared-memory tiles), so each element is within
   * about k·2^-24·Σ_p |op(A)_ip·op(B)_pj| of the exact value. Bad input throws INVALID_ARGUMENT naming the argument.
   *
   * @example
   * const c = await engine.gemm(2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 0, 0, 1, 1, 1));
   * // Float32Array [4, 5, 10, 11]
   */
  async gemm(
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    options: GemmOptions = {},
  ): Promise<Float32Array> {
    this.#guard('gemm');
    return this.#backend.run(gemmKernel, validateGemm(m, n, k, a, b, options));
  }

  /** Dense layer forward: y = x·w + bias (x batch×inputs, w inputs×outputs), then ReLU when `relu`. */
  async denseForward(input: DenseForwardInput): Promise<Float32Array> {
    this.#guard('denseForward');
    return this.#backend.run(denseForwardKernel, validateDenseForward(input));
  }

  /** Dense layer backward: dw = xᵀ·dy, db = Σ_rows dy, dx = dy·wᵀ (masked by x > 0 when reluMask; when needDx). */
  async denseBackward(input: Omit<DenseBackwardInput, 'needDx'> & { needDx?: boolean }): Promise<DenseGradients> {
    this.#guard('denseBackward');
    return this.#backend.run(denseBackwardKernel, validateDenseBackward(input));
  }

  /** Mean stable softmax cross-entropy of the logits (batch×classes) and its gradient (softmax − onehot)/batch. */
  async softmaxCrossEntropy(input: {
    logits: Float32Array;
    labels: Int32Array | Uint8Array | Uint16Array | Uint32Array;
    batch: number;
    classes: number;
  }): Promise<SoftmaxCrossEntropyOutput> {
    this.#guard('softmaxCrossEntropy');
    return this.#backend.run(softmaxCrossEntropyKernel, validateSoftmaxCrossEntropy(input));
  }

  /** One SGD-with-momentum step in place: g = grad + λ·p; v ← μ·v + g; p ← p − η·v. */
  async sgdMomentum(
    input: Omit<SgdMomentumInput, 'momentum' | 'weightDecay'> & { momentum?: number; weightDecay?: number },
  ): Promise<void> {
    this.#guard('sgdMomentum');
    return this.#backend.run(sgdMomentumKernel, validateSgdMomentum(input));
  }

  /**
   * Minibatch SGD with momentum on a dense network (layer widths `dims`, ReLU between layers, softmax
   * cross-entropy; parameters W_0 | b_0 | W_1 | b_1 … as in src/fl/models.ts) over the sample indices in `order`,
   * cut into epochs of `epochRows` rows and batches of `batchSize`. Updates `params` (and `velocity`) in place and
   * returns one mean loss per step. One call into the addon on native.
   */
  async trainDense(input: TrainDenseOptions): Promise<{ losses: Float64Array }> {
    this.#guard('trainDense');
    return { losses: await this.#backend.run(denseTrainStepsKernel, validateTrainDense(input)) };
  }

  /**
   * Minibatch SGD with momentum on a small CNN (contract: src/engine/kernels/cnn/contract.ts): conv → ReLU →
   * max-pool per entry of `network.channels`, then a dense layer and softmax cross-entropy, over the sample indices
   * in `order` cut into epochs of `epochRows` and batches of `batchSize`. Updates `params` (and `velocity`) in place
   * and returns one mean loss per step. One call into the addon on native (fused, its bits independent of the thread
   * count); the conv, pool and dense kernels one by one on js (bit-identical to src/fl's reference) and WebGPU.
   *
   * @example
   * const network = { side: 28, channels: [16, 32], kernel: 5, padding: 2, pool: 2, classes: 10 };
   * const { losses } = await engine.trainCnn({ network, params, x, labels, order, batchSize: 32, learningRate: 0.02, momentum: 0.9 });
   */
  async trainCnn(input: TrainCnnOptions): Promise<{ losses: Float64Array }> {
    this.#guard('trainCnn');
    return { losses: await this.#backend.run(cnnTrainStepsKernel, validateTrainCnn(input)) };
  }

  /**
   * The logits (samples × classes) of the images `x` (samples × side²) through {@link Engine.trainCnn}'s network and
   * parameters: one call into the addon on native, the conv, pool and dense kernels on js and WebGPU (a few hundred
   * images per forward). For evaluation.
   */
  async cnnLogits(input: CnnLogitsInput): Promise<Float32Array> {
    this.#guard('cnnLogits');
    return this.#backend.run(cnnLogitsKernel, validateCnnLogits(input));
  }

  /**
   * 2-D convolution, NCHW (contract: src/engine/kernels/conv2d/contract.ts): y = conv(x, w) + bias with one stride
   * and one zero padding (< the kernel's smaller side) on both axes, then ReLU when `relu`. x is batch × channels ×
   * height × width, w outChannels × channels × kernelHeight × kernelWidth, y batch × outChannels × outHeight ×
   * outWidth with outHeight = ⌊(height + 2·padding − kernelHeight) / stride⌋ + 1. float64 accumulation on js;
   * float32 on native (im2col onto SGEMM) and WebGPU, within (C·KH·KW + 1)·2^-24·Σ|terms|. Bad sizes, lengths or
   * unknown keys throw INVALID_ARGUMENT naming the argument.
   *
   * @example
   * const y = await engine.conv2d({
   *   x: Float32Array.of(1, 2, 3, 4), w: Float32Array.of(1, 1, 1, 1), bias: Float32Array.of(0.5),
   *   batch: 1, channels: 1, height: 2, width: 2, outChannels: 1, kernelHeight: 2, kernelWidth: 2,
   * });
   * // Float32Array [10.5]
   */
  async conv2d(input: Conv2dForwardOptions): Promise<Float32Array> {
    this.#guard('conv2d');
    return this.#backend.run(conv2dForwardKernel, validateConv2dForward(input));
  }

  /**
   * Backward of {@link Engine.conv2d} given dy: dw, db and (unless needDx is false) dx. With `relu` the forward's
   * output `y` is required and the gradient goes through the ReLU first (dy where y > 0, else 0).
   */
  async conv2dBackward(input: Conv2dBackwardOptions): Promise<Conv2dGradients> {
    this.#guard('conv2dBackward');
    return this.#backend.run(conv2dBackwardKernel, validateConv2dBackward(input));
  }

  /**
   * 2-D max pooling, NCHW, kernel × kernel windows at `stride` (default kernel), no padding (contract:
   * src/engine/kernels/max-pool/contract.ts). Returns the maxima and their positions h·width + w in each plane; the
   * first maximum in row-major window order wins a tie, the first NaN wins over numbers. Exact on every backend.
   *
   * @example
   * const { y, indices } = await engine.maxPool2d({
   *   x: Float32Array.of(1, 3, 3, 2), batch: 1, channels: 1, height: 2, width: 2, kernel: 2,
   * });
   * // y: Float32Array [3], indices: Int32Array [1]
   */
  async maxPool2d(input: MaxPoolForwardOptions): Promise<MaxPoolOutput> {
    this.#guard('maxPool2d');
    return this.#backend.run(maxPoolForwardKernel, validateMaxPoolForward(input));
  }

  /** Backward of {@link Engine.maxPool2d}: dx[plane, indices[i]] accumulates dy[i] (each index inside its window). */
  async maxPool2dBackward(input: MaxPoolBackwardOptions): Promise<Float32Array> {
    this.#guard('maxPool2dBackward');
    return this.#backend.run(maxPoolBackwardKernel, validateMaxPoolBackward(input));
  }

  /**
   * Label histograms (DESIGN §6, "data"; contract: src/engine/kernels/label-histograms/contract.ts): the counts of each class
   * in each group, a Uint32Array of groups × classes (row-major), exact on every backend. Samples are assigned to groups
   * by `owners` (a group id per sample) or `offsets` (CSR: group g owns labels[offsets[g] .. offsets[g + 1])), or all
   * to group 0. A label outside [0, classes), an owner outside [0, groups), offsets that are not non-decreasing from 0
   * to labels.length, mismatched lengths or other array types throw `CocogenError` (`INVALID_ARGUMENT`) naming the
   * argument and index.
   *
   * @example
   * const h = await engine.labelHistograms({ labels: Uint8Array.of(0, 2, 2, 1), offsets: [0, 1, 4], groups: 2, classes: 3 });
   * // Uint32Array [1, 0, 0,  0, 1, 2]
   */
  async labelHistograms(options: LabelHistogramsOptions): Promise<Uint32Array> {
    this.#guard('labelHistograms');
    const input = validateLabelHistograms(options);
    const out = await this.#backend.run(labelHistogramsKernel, input);
    const error = labelHistogramsError(input, out.badLabel, out.badOwner);
    if (error) throw error;
    return out.counts;
  }

  /**
   * L1 distances to a target distribution (DESIGN §3.2: δ⁰_n = ‖p_n − p*‖₁; contract:
   * src/engine/kernels/l1-distances/contract.ts): for each row of `counts` (groups × classes, e.g. labelHistograms' output),
   * δ_n = Σ_c |x_nc / T_n − p*_c| with T_n the row's total (or `totals[n]`). NaN for a row whose total is 0. float64
   * on js and native (bit-identical to game/heterogeneity.ts's initialSkew); float32 on WebGPU, within
   * (3·classes + 6)·2^-24 of the float64 value. A negative or non-finite count throws INVALID_ARGUMENT naming it.
   *
   * @example
   * const d = await engine.l1Distances({ counts: Float64Array.of(3, 1, 0, 2), classes: 2, target: [0.5, 0.5] });
   * // Float64Array [0.5, 1]
   */
  async l1Distances(options: L1DistancesOptions): Promise<Float64Array> {
    this.#guard('l1Distances');
    const input = validateL1Distances(options);
    const out = await this.#backend.run(l1DistancesKernel, input);
    const error = l1DistancesError(input, out.badCount);
    if (error) throw error;
    return out.distances;
  }

  /** Release the backend's resources. Idempotent; every other method throws DISPOSED afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#backend.dispose();
  }

  #guard(method: string): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', `Cannot call engine.${method}() after dispose()`);
  }
}

async function makeWebGpu(options: EngineOptions): Promise<Backend> {
  // Loaded lazily: the Dawn module is only touched by programs that ask for the GPU.
  const { WebGpuBackend } = await import('./webgpu-backend.js');
  return WebGpuBackend.create(options.maxChunkBytes !== undefined ? { maxChunkBytes: options.maxChunkBytes } : {});
}

function makeNative(options: EngineOptions): Backend {
  return new NativeBackend({
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.gemm !== undefined ? { gemm: options.gemm } : {}),
  });
}

/**
 * Create an engine on the requested backend. An explicit backend that cannot run here rejects with
 * `BACKEND_UNAVAILABLE` saying why; `'auto'` falls back (WebGPU on hardware → native → JS) and records why.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
  const requested = options.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(requested)) {
    throw invalidArgument('options.backend', `one of ${BACKEND_CHOICES.map((b) => `'${b}'`).join(', ')}`, requested);
  }
  if (
    options.threads !== undefined &&
    !(Number.isInteger(options.threads) && options.threads >= 1 && options.threads <= 1024)
  ) {
    throw invalidArgument('options.threads', 'an integer from 1 to 1024', options.threads);
  }
  if (
    options.maxChunkBytes !== undefined &&
    !(Number.isInteger(options.maxChunkBytes) && options.maxChunkBytes >= 16)
  ) {
    throw invalidArgument('options.maxChunkBytes', 'an integer ≥ 16', options.maxChunkBytes);
  }
  if (options.gemm !== undefined && !GEMM_CHOICES.includes(options.gemm)) {
    throw invalidArgument('options.gemm', `one of ${GEMM_CHOICES.map((g) => `'${g}'`).join(', ')}`, options.gemm);
  }
  switch (requested) {
    case 'js':
      return new Engine(new JsBackend(), { requested, reason: 'requested' });
    case 'native':
      return new Engine(makeNative(options), { requested, reason: 'requested' });
    case 'webgpu':
      return new Engine(await makeWebGpu(options), { requested, reason: 'requested' });
    case 'auto': {
      const gpu = await probeGpu();
      if (gpu.available && !gpu.adapter.isFallbackAdapter) {
        return new Engine(await makeWebGpu(options), {
          requested,
          reason: `hardware GPU adapter ${gpu.adapter.description || gpu.adapter.device}`,
        });
      }
      const why = gpu.available
        ? `the only GPU adapter is a software one (${gpu.adapter.description || gpu.adapter.device})`
        : `no GPU adapter (${gpu.reason})`;
      const addon = loadAddon();
      if (addon.ok) return new Engine(makeNative(options), { requested, reason: `${why}; native addon loaded` });
      return new Engine(new JsBackend(), { requested, reason: `${why}; ${addon.reason}` });
    }
  }
}
