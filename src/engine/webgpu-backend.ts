/**
 * The WebGPU backend: kernels/*.wgsl run through Dawn. This class owns the device — creation, fault and loss tracking,
 * the guard every call passes, dispose — and hands each call to its kernel's declaration
 * (src/engine/kernels/<kernel>/webgpu.ts), which the one runner (src/engine/gpu/kernel-runner.ts) executes: buffers
 * from the pool, chunks that respect maxStorageBufferBindingSize (or a smaller `maxChunkBytes`), error scopes and
 * readback. FedAvg accumulates in emulated float64 on the GPU and reads results back two chunks in flight.
 *
 * @example
 * const gpu = await WebGpuBackend.create();
 * try {
 *   const avg = new Float32Array(2);
 *   const nonFinite = await gpu.fedAvg([Float32Array.of(1, 2), Float32Array.of(3, 4)], Float64Array.of(0.5, 0.5), avg);
 *   console.log(avg, nonFinite); // Float32Array [2, 3] false
 * } finally {
 *   gpu.dispose();
 * }
 */
import { requestGpuDevice, type GpuAdapterSummary, type GpuLimitsSummary } from '../../bindings/dawn.js';
import { CocogenError, describeValue, invalidArgument } from '../core/errors.js';
import type { Backend, BackendInfo } from './backend.js';
import { GpuBufferPool, type BufferPoolStats } from './gpu/buffer-pool.js';
import { gpuError, ProgramRunner, type GpuContext } from './gpu/program-runner.js';
import { coalitionValuesOnGpu } from './kernels/coalition-values/webgpu.js';
import { FedAvgProgram, fedAvgOnGpu } from './kernels/fed-avg/webgpu.js';
import { DenseGpuKernels } from './kernels/gemm/webgpu.js';
import { gramOnGpu } from './kernels/gram/webgpu.js';
import { l1DistancesOnGpu } from './kernels/l1-distances/webgpu.js';
import { labelHistogramsOnGpu } from './kernels/label-histograms/webgpu.js';
import { denseRowSumsOnGpu, payoffMatrixOnGpu } from './kernels/payoff-matrix/webgpu.js';
import { coordinateMedianOnGpu, trimmedMeanOnGpu } from './kernels/robust-rules/webgpu.js';
import { GpuOptimizerState, type ServerOptimizerKind } from './kernels/server-optimizer/webgpu.js';
import { squaredNormsOnGpu } from './kernels/squared-norms/webgpu.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  DenseTrainInput,
  GemmInput,
  SgdMomentumInput,
  SoftmaxCrossEntropyInput,
  SoftmaxCrossEntropyOutput,
} from './kernels/gemm/contract.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './kernels/coalition-values/contract.js';
import type { L1DistancesInput, L1DistancesOutput } from './kernels/l1-distances/contract.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './kernels/label-histograms/contract.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './kernels/payoff-matrix/contract.js';

export interface WebGpuBackendOptions {
  /**
   * Cap on the bytes of updates bound per dispatch (default and maximum: the device's maxStorageBufferBindingSize).
   * Small values force many chunks (tests); at least 16.
   */
  maxChunkBytes?: number;
  powerPreference?: GPUPowerPreference;
  /** Replaces the FedAvg program (tests: a deliberately broken shader must surface as GPU_ERROR). @internal */
  fedAvgProgram?: FedAvgProgram;
}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  private isDisposed = false;
  /** Why the device can no longer be trusted (lost, or an error escaped the error scopes); reported by every call. */
  private fault: string | undefined;
  private readonly pool: GpuBufferPool;
  private readonly runner: ProgramRunner;
  private readonly program: FedAvgProgram;
  /** Bytes of updates bound per dispatch: min(maxStorageBufferBindingSize, maxBufferSize, maxChunkBytes), ×4. */
  readonly chunkBytes: number;
  /** This device as the kernel declarations and the runner see it. */
  private readonly context: GpuContext;

  private constructor(
    private readonly device: GPUDevice,
    private readonly adapter: GpuAdapterSummary,
    private readonly limits: GpuLimitsSummary,
    options: WebGpuBackendOptions,
  ) {
    const deviceMax = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.chunkBytes = Math.floor(Math.min(deviceMax, options.maxChunkBytes ?? deviceMax) / 4) * 4;
    this.pool = new GpuBufferPool(device);
    this.runner = new ProgramRunner(device);
    this.program = options.fedAvgProgram ?? new FedAvgProgram();
    this.context = {
      device,
      runner: this.runner,
      pool: this.pool,
      maxPerDimension: limits.maxComputeWorkgroupsPerDimension,
      bindingBytes: this.chunkBytes,
      translate: (e, kernel) => this.translate(e, kernel),
      guard: (method) => this.guard(method),
    };
    void device.lost.then((info) => {
      if (!this.isDisposed) this.fault = `device lost (${info.reason}): ${info.message}`;
    });
    // Every call is wrapped in error scopes; anything that still escapes is kept and reported by the next call.
    device.onuncapturederror = (event) => {
      this.fault ??= `uncaptured GPU error: ${event.error.message}`;
    };
  }

  /**
   * A backend on the default (or preferred) adapter, with the adapter's largest buffer limits.
   * @throws CocogenError BACKEND_UNAVAILABLE when there is no adapter or device; INVALID_ARGUMENT for bad options.
   */
  static async create(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    const { maxChunkBytes } = options;
    if (maxChunkBytes !== undefined && !(Number.isSafeInteger(maxChunkBytes) && maxChunkBytes >= 16)) {
      throw invalidArgument('maxChunkBytes', 'an integer ≥ 16', maxChunkBytes);
    }
    const handle = await requestGpuDevice({
      label: 'cocogen webgpu backend',
      ...(options.powerPreference ? { powerPreference: options.powerPreference } : {}),
    });
    return new WebGpuBackend(handle.device, handle.summary, handle.limits, options);
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Byte counters of the GPU buffer pool (tests check them for leaks). */
  poolStats(): BufferPoolStats {
    return this.pool.stats();
  }

  info(): BackendInfo {
    this.guard('info');
    const a = this.adapter;
    return {
      name: this.name,
      device: a.description || a.device || a.vendor || 'unknown WebGPU adapter',
      details: {
        isFallbackAdapter: a.isFallbackAdapter,
        vendor: a.vendor,
        architecture: a.architecture,
        limits: {
          maxStorageBufferBindingSize: this.limits.maxStorageBufferBindingSize,
          maxBufferSize: this.limits.maxBufferSize,
          maxComputeWorkgroupsPerDimension: this.limits.maxComputeWorkgroupsPerDimension,
          maxComputeInvocationsPerWorkgroup: this.limits.maxComputeInvocationsPerWorkgroup,
        },
        chunkBytes: this.chunkBytes,
        pool: this.pool.stats(),
        pipelines: this.runner.cachedPipelines,
      },
    };
  }

  /**
   * FedAvg (kernels/fed-avg.wgsl) into `out`. Resolves to whether `out` holds a NaN or ±Infinity: the kernel sets a
   * status word as it writes one, and the word comes back behind the last chunk of results, in the same mapping.
   */
  async fedAvg(updates: readonly Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean> {
    this.guard('fedAvg');
    return fedAvgOnGpu(this.context, this.program, updates, weights, out);
  }

  /**
   * Coordinate-wise median, bit-exact with the reference: kernels/median.wgsl up to K = 128, kernels/median-wide.wgsl
   * up to K = 4096, the JS reference above (kernels/robust-rules/webgpu.ts).
   */
  async coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.guard('coordinateMedian');
    return coordinateMedianOnGpu(this.context, updates, scales, out);
  }

  /** Trimmed mean: kernels/trimmed-mean.wgsl, kernels/trimmed-mean-wide.wgsl or the reference (as coordinateMedian). */
  async trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.guard('trimmedMean');
    return trimmedMeanOnGpu(this.context, updates, trimCount, scales, out);
  }

  /**
   * ‖u_k‖² per update (kernels/squared-norms.wgsl): within ~2e-13 relative of the exact sum for any finite data; NaN
   * for an update that holds a NaN, else +Infinity for one that holds ±Infinity.
   */
  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.guard('squaredNorms');
    return squaredNormsOnGpu(this.context, updates);
  }

  /** Krum's Gram matrix as GEMMs on the device (kernels/gram/webgpu.ts), the blocks added in float64. */
  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.guard('gram');
    return gramOnGpu((input) => this.gemm(input), updates, this.chunkBytes);
  }

  /** The payoff-matrix kernel in float32 (kernels/payoff-matrix.wgsl), rows in chunks that fit the binding limits. */
  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    this.guard('payoffMatrix');
    return payoffMatrixOnGpu(this.context, input);
  }

  /** Dense row sums in float32 (kernels/payoff-row-sums.wgsl), up to 4 vectors per dispatch. */
  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    this.guard('denseRowSums');
    return denseRowSumsOnGpu(this.context, input);
  }

  /**
   * The coalition-value kernel in float32 (kernels/coalition-values.wgsl): status words mark the coalitions that are
   * not concave (NaN, as on every backend) and those that hit the iteration cap (counted in notConverged).
   */
  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    this.guard('coalitionValues');
    return coalitionValuesOnGpu(this.context, input);
  }

  /**
   * Label histograms (kernels/label-histograms.wgsl), the histogram kept on the device until one readback; one larger
   * than a binding runs the JS reference instead.
   */
  async labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput> {
    this.guard('labelHistograms');
    return labelHistogramsOnGpu(this.context, input);
  }

  /**
   * L1 distances in float32 (kernels/l1-distances.wgsl; accuracy (3·classes + 6)·2^-24 stated there); a row longer
   * than one binding runs the JS reference instead.
   */
  async l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput> {
    this.guard('l1Distances');
    return l1DistancesOnGpu(this.context, input);
  }

  /**
   * A server optimizer's state resident on this device (kernels/server-optimizer/webgpu.ts): m, and v for FedAdam
   * (kind 1) and FedYogi (2), in zero-filled storage buffers from this backend's pool, chunked to fit the binding
   * limit, held until the state's dispose() or this backend's. Its step() uploads x and Δ and reads back only x.
   */
  serverOptimizerState(kind: ServerOptimizerKind, length: number): GpuOptimizerState {
    this.guard('serverOptimizerState');
    return new GpuOptimizerState(this.context, kind, length);
  }

  private denseKernels: DenseGpuKernels | undefined;

  /** The GEMM and dense-training kernels (kernels/gemm/webgpu.ts), created on first use. */
  private get dense(): DenseGpuKernels {
    this.denseKernels ??= new DenseGpuKernels(this.context);
    return this.denseKernels;
  }

  /** SGEMM in float32 (kernels/gemm.wgsl: 64×64 workgroup tiles in shared memory, 4×4 per invocation). */
  gemm(input: GemmInput): Promise<Float32Array> {
    this.guard('gemm');
    return this.dense.gemm(input);
  }

  denseForward(input: DenseForwardInput): Promise<Float32Array> {
    this.guard('denseForward');
    return this.dense.denseForward(input);
  }

  denseBackward(input: DenseBackwardInput): Promise<DenseGradients> {
    this.guard('denseBackward');
    return this.dense.denseBackward(input);
  }

  softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput> {
    this.guard('softmaxCrossEntropy');
    return this.dense.softmaxCrossEntropy(input);
  }

  sgdMomentum(input: SgdMomentumInput): Promise<void> {
    this.guard('sgdMomentum');
    return this.dense.sgdMomentum(input);
  }

  denseTrainSteps(input: DenseTrainInput): Promise<Float64Array> {
    this.guard('denseTrainSteps');
    return this.dense.denseTrainSteps(input);
  }

  /** Any failure as a typed error: DISPOSED after dispose, else GPU_ERROR naming the kernel. */
  private translate(e: unknown, kernel: string): CocogenError {
    if (this.isDisposed) return new CocogenError('DISPOSED', `WebGpuBackend was disposed while "${kernel}" ran`);
    if (e instanceof CocogenError) return e;
    const message = e instanceof Error ? e.message : describeValue(e);
    return gpuError(kernel, 'running', this.fault ? `${message} (${this.fault})` : message);
  }

  private guard(method: string): void {
    if (this.isDisposed) throw new CocogenError('DISPOSED', `Cannot call WebGpuBackend.${method}() after dispose()`);
    if (this.fault) throw new CocogenError('GPU_ERROR', `WebGpuBackend.${method}(): ${this.fault}`);
  }

  /** Idempotent: destroys every pooled buffer and the device. The process can exit afterwards. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.pool.destroyAll();
    this.device.onuncapturederror = null;
    this.device.destroy();
  }
}
