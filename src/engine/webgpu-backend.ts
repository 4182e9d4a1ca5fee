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
 *   const out = new Float32Array(2);
 *   const updates = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
 *   const nonFinite = await gpu.run(fedAvgKernel, { updates, weights: Float64Array.of(0.5, 0.5), out });
 *   console.log(out, nonFinite); // Float32Array [2, 3] false
 * } finally {
 *   gpu.dispose();
 * }
 */
import { requestGpuDevice, type GpuAdapterSummary, type GpuLimitsSummary } from '../../bindings/dawn.js';
import { CocogenError, describeValue, invalidArgument } from '../core/errors.js';
import type { Backend, BackendInfo } from './backend.js';
import { GpuBufferPool, type BufferPoolStats } from './gpu/buffer-pool.js';
import { gpuError, ProgramRunner, type GpuContext } from './gpu/program-runner.js';
import type { Kernel } from './kernels/kernel.js';
import { GpuOptimizerState, type ServerOptimizerKind } from './kernels/server-optimizer/webgpu.js';

export interface WebGpuBackendOptions {
  /**
   * Cap on the bytes of updates bound per dispatch (default and maximum: the device's maxStorageBufferBindingSize).
   * Small values force many chunks (tests); at least 16.
   */
  maxChunkBytes?: number;
  powerPreference?: GPUPowerPreference;
}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  private isDisposed = false;
  /** Why the device can no longer be trusted (lost, or an error escaped the error scopes); reported by every call. */
  private fault: string | undefined;
  private readonly pool: GpuBufferPool;
  private readonly runner: ProgramRunner;
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
   * Runs `kernel`'s WebGPU declaration (src/engine/kernels/<kernel>/webgpu.ts) on this device, after the guard: FedAvg
   * in emulated float64 two chunks in flight, the median and trimmed mean bit-exact with the reference, the payoff,
   * coalition and L1 kernels in float32, each as its contract states.
   */
  async run<I, O>(kernel: Kernel<I, O>, input: I): Promise<O> {
    this.guard(kernel.name);
    return kernel.webgpu(this.context, input);
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
