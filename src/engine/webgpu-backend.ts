/**
 * The WebGPU backend: kernels/*.wgsl run through Dawn. FedAvg streams the updates to the device in chunks that
 * respect maxStorageBufferBindingSize (or a smaller `maxChunkBytes`), accumulates in emulated float64 on the GPU
 * and reads results back through MAP_READ buffers, two chunks in flight.
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
import {
  GPU_BUFFER_USAGE,
  requestGpuDevice,
  type GpuAdapterSummary,
  type GpuLimitsSummary,
} from '../../bindings/dawn.js';
import { CocogenError, describeValue, invalidArgument } from '../errors.js';
import type { Backend, BackendInfo } from './backend.js';
import { GpuBufferPool, type BufferPoolStats } from './gpu/buffer-pool.js';
import { FED_AVG_FLAGS, FedAvgProgram, FLOATS_PER_WEIGHT, planFedAvg, splitWeights } from './kernels/fed-avg/webgpu.js';
import { gpuError, ProgramRunner, type GpuContext } from './gpu/program-runner.js';
import {
  CoordinateSelectProgram,
  MedianProgram,
  planCoordinateChunk,
  ROBUST_GPU_MAX_K,
  ROBUST_GPU_WIDE_MAX_K,
  WideCoordinateSelectProgram,
} from './kernels/robust-rules/webgpu.js';
import { TrimmedMeanProgram } from './kernels/robust-rules/webgpu.js';
import {
  addPartials,
  finishSquaredNorms,
  planSquaredNorms,
  SQUARED_NORMS_PARTIAL_BYTES,
  SquaredNormsProgram,
} from './kernels/squared-norms/webgpu.js';
import { GpuOptimizerState, type ServerOptimizerKind } from './kernels/server-optimizer/webgpu.js';
import { medianReference, trimmedMeanReference } from './reference/robust-rules.js';
import { DenseGpuKernels } from './kernels/gemm/webgpu.js';
import { readBytes, readFloat32AndStatusInto, readFloat32Into } from './gpu/readback.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  DenseTrainInput,
  GemmInput,
  SgdMomentumInput,
  SoftmaxCrossEntropyInput,
  SoftmaxCrossEntropyOutput,
} from './programs/gemm-contract.js';
import {
  packItems,
  packRows,
  PAYOFF_MATRIX_FLAGS,
  PayoffMatrixProgram,
  planPayoffChunks,
  GPU_ROW_FLOATS,
} from './kernels/payoff-matrix/webgpu.js';
import { PayoffRowSumsProgram, planRowSumChunks, ROW_SUMS_MAX_VECTORS } from './kernels/payoff-matrix/webgpu.js';
import {
  COALITION_STATUS,
  CoalitionValuesProgram,
  packMembers,
  planCoalitionChunks,
} from './kernels/coalition-values/webgpu.js';
import {
  emptyKernelStats,
  type CoalitionValuesInput,
  type CoalitionValuesOutput,
} from './reference/coalition-values.js';
import {
  labelHistogramsReference,
  type LabelHistogramsInput,
  type LabelHistogramsOutput,
} from './reference/label-histograms.js';
import { l1DistancesReference, type L1DistancesInput, type L1DistancesOutput } from './reference/l1-distances.js';
import { LabelHistogramsProgram, planLabelChunks, writePacked } from './kernels/label-histograms/webgpu.js';
import { L1DistancesProgram, planL1Rows, roundCounts } from './kernels/l1-distances/webgpu.js';
import {
  denseRowSumsShape,
  type DenseRowSumsInput,
  type PayoffMatrixInput,
  type PayoffMatrixOutput,
} from './reference/payoff-matrix.js';

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

/** Updates slices narrower than this are packed into one host array per batch of rows before writeBuffer. */
const DIRECT_WRITE_MIN_BYTES = 64 * 1024;
/** Batch size of that packing. */
const PACK_BATCH_FLOATS = 1 << 20;

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  private isDisposed = false;
  /** Why the device can no longer be trusted (lost, or an error escaped the error scopes); reported by every call. */
  private fault: string | undefined;
  private readonly pool: GpuBufferPool;
  private readonly runner: ProgramRunner;
  private readonly program: FedAvgProgram;
  private readonly payoffProgram = new PayoffMatrixProgram();
  private readonly rowSumsProgram = new PayoffRowSumsProgram();
  private readonly coalitionProgram = new CoalitionValuesProgram();
  private readonly medianProgram = new MedianProgram();
  private readonly trimmedMeanProgram = new TrimmedMeanProgram();
  private readonly wideMedianProgram = new WideCoordinateSelectProgram('median');
  private readonly wideTrimmedMeanProgram = new WideCoordinateSelectProgram('trimmed-mean');
  private readonly squaredNormsProgram = new SquaredNormsProgram();
  /** Bytes of updates bound per dispatch: min(maxStorageBufferBindingSize, maxBufferSize, maxChunkBytes), ×4. */
  readonly chunkBytes: number;
  /** This device as the program modules see it (dense kernels, optimizer state). */
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
    const k = updates.length;
    const p = updates[0]!.length;
    if (out.length !== p) throw invalidArgument('out', `a Float32Array of length ${p}`, out);
    if (weights.length !== k) throw invalidArgument('weights', `a Float64Array of length ${k}`, weights);
    const program = this.program;
    const kernel = program.name;

    const pipeline = await this.runner.pipeline(program);
    this.guard('fedAvg');

    const plan = planFedAvg(k, p, this.chunkBytes);
    const { chunkP, kGroup } = plan;
    const split = splitWeights(weights);
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);

    const pending: Array<Promise<void> | undefined> = [undefined, undefined];
    const failures: unknown[] = [];
    let status = 0;
    try {
      const params = acquire(16, usage.UNIFORM | usage.COPY_DST, 'params');
      const weightsBuf = acquire(kGroup * FLOATS_PER_WEIGHT * 4, usage.STORAGE | usage.COPY_DST, 'weights');
      const updatesBuf = acquire(kGroup * chunkP * 4, usage.STORAGE | usage.COPY_DST, 'updates');
      const partialBuf = acquire(plan.groups > 1 ? chunkP * 8 : 8, usage.STORAGE, 'partial');
      const resultBuf = acquire(chunkP * 4, usage.STORAGE | usage.COPY_SRC, 'result');
      const statusBuf = acquire(4, usage.STORAGE | usage.COPY_DST | usage.COPY_SRC, 'status');
      // One word more than a chunk of results: the last chunk brings the status word back behind its results.
      const readback = [
        acquire(chunkP * 4 + 4, usage.MAP_READ | usage.COPY_DST, 'readback'),
        plan.chunks > 1 ? acquire(chunkP * 4 + 4, usage.MAP_READ | usage.COPY_DST, 'readback') : undefined,
      ];

      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, weightsBuf, updatesBuf, partialBuf, resultBuf, statusBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      if (plan.groups === 1) this.device.queue.writeBuffer(weightsBuf, 0, split);
      this.device.queue.writeBuffer(statusBuf, 0, new Uint32Array(1));

      for (let c = 0; c < plan.chunks; c++) {
        const start = c * chunkP;
        const count = Math.min(chunkP, p - start);
        const slot = c % 2;
        const lastChunk = c === plan.chunks - 1;
        // Wait until this readback buffer's previous chunk has been copied out (two chunks in flight).
        await pending[slot];
        this.guard('fedAvg');
        const target = readback[slot]!;
        const submitted: Promise<void>[] = [];
        for (let k0 = 0, g = 0; k0 < k; k0 += kGroup, g++) {
          const kCount = Math.min(kGroup, k - k0);
          const last = k0 + kCount >= k;
          const flags = (g > 0 ? FED_AVG_FLAGS.READ_PARTIAL : 0) | (last ? FED_AVG_FLAGS.WRITE_RESULT : 0);
          const { settled } = this.runner.scoped(
            kernel,
            `running chunk ${c} (elements ${start}..${start + count - 1}, updates ${k0}..${k0 + kCount - 1})`,
            () => {
              const queue = this.device.queue;
              if (plan.groups > 1)
                queue.writeBuffer(weightsBuf, 0, split, FLOATS_PER_WEIGHT * k0, FLOATS_PER_WEIGHT * kCount);
              this.upload(updatesBuf, updates, k0, kCount, start, count);
              queue.writeBuffer(params, 0, program.uniforms(count, kCount, flags));
              const encoder = this.device.createCommandEncoder({ label: `${kernel} chunk ${c}` });
              this.runner.encodeDispatch(
                encoder,
                program,
                pipeline,
                bindGroup,
                program.dispatch(count, this.limits.maxComputeWorkgroupsPerDimension),
              );
              if (last) encoder.copyBufferToBuffer(resultBuf, 0, target, 0, count * 4);
              // After every dispatch of the call (queue order): the word holds what all chunks reported.
              if (last && lastChunk) encoder.copyBufferToBuffer(statusBuf, 0, target, count * 4, 4);
              queue.submit([encoder.finish()]);
            },
          );
          submitted.push(settled);
        }
        pending[slot] = (async () => {
          await Promise.all(submitted);
          if (lastChunk) status = await readFloat32AndStatusInto(target, count, out, start);
          else await readFloat32Into(target, count, out, start);
        })();
        // Keep the rejection for the final await; do not let it go unhandled meanwhile.
        pending[slot].catch((e: unknown) => failures.push(e));
      }
      await Promise.allSettled(pending);
      if (failures.length > 0) throw failures[0];
    } catch (e) {
      await Promise.allSettled(pending);
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
    return status !== 0;
  }

  /**
   * Coordinate-wise median, bit-exact with the reference: kernels/median.wgsl (one invocation per coordinate) up to
   * K = ROBUST_GPU_MAX_K (128, the shader's private sort array), kernels/median-wide.wgsl (one workgroup per
   * coordinate) up to ROBUST_GPU_WIDE_MAX_K (4096, its workgroup-memory sort array), the JS reference above.
   */
  async coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.guard('coordinateMedian');
    const k = updates.length;
    if (k > ROBUST_GPU_WIDE_MAX_K) return medianReference(updates, scales, out);
    const lo = (k - 1) >> 1;
    const program = k > ROBUST_GPU_MAX_K ? this.wideMedianProgram : this.medianProgram;
    return this.coordinateSelect(program, updates, lo, k - lo, scales, out);
  }

  /**
   * Trimmed mean: kernels/trimmed-mean.wgsl up to K = ROBUST_GPU_MAX_K, kernels/trimmed-mean-wide.wgsl up to
   * ROBUST_GPU_WIDE_MAX_K, the JS reference above (as coordinateMedian).
   */
  async trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.guard('trimmedMean');
    const k = updates.length;
    if (k > ROBUST_GPU_WIDE_MAX_K) return trimmedMeanReference(updates, trimCount, scales, out);
    const program = k > ROBUST_GPU_MAX_K ? this.wideTrimmedMeanProgram : this.trimmedMeanProgram;
    return this.coordinateSelect(program, updates, trimCount, k - trimCount, scales, out);
  }

  /**
   * ‖u_k‖² per update (kernels/squared-norms.wgsl): each workgroup reduces its elements to one partial, exact squares
   * summed in double-f32 after an exact power-of-two scaling (so no f32 overflow or underflow), and the host adds the
   * partials in float64: within ~2e-13 relative of the exact sum for any finite data (a bound; measured ≤ 2e-15).
   * NaN for an update that holds a NaN, else +Infinity for one that holds ±Infinity. Rows of updates × chunks of
   * elements, one dispatch each, keep every binding within the device's limits.
   */
  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.guard('squaredNorms');
    const k = updates.length;
    const p = updates[0]!.length;
    const program = this.squaredNormsProgram;
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('squaredNorms');
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const { chunkP, kGroup, groups } = planSquaredNorms(k, p, this.chunkBytes, maxPerDim, program.elementsPerGroup);
    const sums = new Float64Array(k);
    const nonFinite = new Uint32Array(k);
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(16, usage.UNIFORM | usage.COPY_DST, 'params');
      const updatesBuf = acquire(kGroup * chunkP * 4, usage.STORAGE | usage.COPY_DST, 'updates');
      const partialsBuf = acquire(groups * SQUARED_NORMS_PARTIAL_BYTES, usage.STORAGE | usage.COPY_SRC, 'partials');
      const readback = acquire(groups * SQUARED_NORMS_PARTIAL_BYTES, usage.MAP_READ | usage.COPY_DST, 'readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, updatesBuf, partialsBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
      );
      await bound;
      for (let k0 = 0; k0 < k; k0 += kGroup) {
        const rows = Math.min(kGroup, k - k0);
        for (let start = 0; start < p; start += chunkP) {
          const count = Math.min(chunkP, p - start);
          const perRow = Math.ceil(count / program.elementsPerGroup);
          const bytes = rows * perRow * SQUARED_NORMS_PARTIAL_BYTES;
          const { settled } = this.runner.scoped(
            kernel,
            `running updates ${k0}..${k0 + rows - 1}, elements ${start}..${start + count - 1}`,
            () => {
              this.upload(updatesBuf, updates, k0, rows, start, count);
              this.device.queue.writeBuffer(params, 0, program.uniforms(count, rows));
              const encoder = this.device.createCommandEncoder({ label: `${kernel} updates ${k0} elements ${start}` });
              const size = program.dispatch(rows * perRow, maxPerDim);
              this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, size);
              encoder.copyBufferToBuffer(partialsBuf, 0, readback, 0, bytes);
              this.device.queue.submit([encoder.finish()]);
            },
          );
          await settled;
          this.guard('squaredNorms');
          addPartials(await readBytes(readback, bytes), rows * perRow, perRow, k0, sums, nonFinite);
        }
      }
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
    return finishSquaredNorms(sums, nonFinite);
  }

  /**
   * Krum's Gram matrix as GEMMs on the device (kernels/gemm.wgsl): column blocks of the updates packed into a K×B
   * matrix, C_block = X_b·X_bᵀ in float32, the blocks added in float64 on the host.
   */
  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.guard('gram');
    const k = updates.length;
    const p = updates[0]!.length;
    const width = Math.max(1, Math.min(p, Math.floor(this.chunkBytes / 4 / k), 1 << 16));
    const packed = new Float32Array(k * width);
    const g = new Float64Array(k * k);
    for (let start = 0; start < p; start += width) {
      const w = Math.min(width, p - start);
      const a = w === width ? packed : new Float32Array(k * w);
      for (let j = 0; j < k; j++) a.set(updates[j]!.subarray(start, start + w), j * w);
      const c = await this.gemm({ m: k, n: k, k: w, a, b: a, transA: false, transB: true, alpha: 1, beta: 0 });
      for (let e = 0; e < k * k; e++) g[e]! += c[e]!;
    }
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) g[j * k + i] = g[i * k + j]!;
    return g;
  }

  /** Runs a per-coordinate select kernel over chunks of coordinates that bind all K updates at once. */
  private async coordinateSelect(
    program: CoordinateSelectProgram,
    updates: readonly Float32Array[],
    lo: number,
    hi: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    const kernel = program.name;
    const k = updates.length;
    const p = updates[0]!.length;
    const pipeline = await this.runner.pipeline(program);
    this.guard(kernel);
    const chunkP = planCoordinateChunk(k, p, this.chunkBytes);
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const scalesBuf = acquire(k * 4, usage.STORAGE | usage.COPY_DST, 'scales');
      const updatesBuf = acquire(k * chunkP * 4, usage.STORAGE | usage.COPY_DST, 'updates');
      const resultBuf = acquire(chunkP * 4, usage.STORAGE | usage.COPY_SRC, 'result');
      const statusBuf = acquire(4, usage.STORAGE | usage.COPY_DST | usage.COPY_SRC, 'status');
      const readback = acquire(chunkP * 4, usage.MAP_READ | usage.COPY_DST, 'readback');
      const statusRead = acquire(4, usage.MAP_READ | usage.COPY_DST, 'status readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, scalesBuf, updatesBuf, resultBuf, statusBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      this.device.queue.writeBuffer(scalesBuf, 0, scales ?? new Float32Array(k).fill(1));
      this.device.queue.writeBuffer(statusBuf, 0, new Uint32Array(1));
      for (let start = 0; start < p; start += chunkP) {
        const count = Math.min(chunkP, p - start);
        const { settled } = this.runner.scoped(kernel, `running elements ${start}..${start + count - 1}`, () => {
          this.upload(updatesBuf, updates, 0, k, start, count);
          this.device.queue.writeBuffer(params, 0, program.uniforms(count, k, lo, hi));
          const encoder = this.device.createCommandEncoder({ label: `${kernel} chunk at ${start}` });
          this.runner.encodeDispatch(
            encoder,
            program,
            pipeline,
            bindGroup,
            program.dispatch(count, this.limits.maxComputeWorkgroupsPerDimension),
          );
          encoder.copyBufferToBuffer(resultBuf, 0, readback, 0, count * 4);
          if (start + count >= p) encoder.copyBufferToBuffer(statusBuf, 0, statusRead, 0, 4);
          this.device.queue.submit([encoder.finish()]);
        });
        await settled;
        await readFloat32Into(readback, count, out, start);
        this.guard(kernel);
      }
      return new Uint32Array(await readBytes(statusRead, 4))[0] !== 0;
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
  }

  /**
   * The payoff-matrix kernel in float32 (kernels/payoff-matrix.wgsl): rows in chunks that fit the binding limits,
   * one dispatch per chunk, gains and argmax read back per chunk.
   */
  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    this.guard('payoffMatrix');
    const program = this.payoffProgram;
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('payoffMatrix');
    const { batch, rowsPerItem, grid, writeGains } = input;
    const rowCount = batch * rowsPerItem;
    const S = grid.length;
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const plan = planPayoffChunks(
      rowCount,
      S,
      writeGains,
      this.chunkBytes,
      maxPerDim * maxPerDim * program.workgroupSize,
    );
    const rows32 = packRows(input.rows);
    const items32 = packItems(input.scenarios, batch);
    const grid32 = new Float32Array(grid);
    for (const [name, bytes] of [
      ['scenarios', items32.byteLength],
      ['grid', grid32.byteLength],
    ] as const) {
      if (bytes > this.chunkBytes) {
        throw invalidArgument(name, `at most ${this.chunkBytes} bytes of float32 on this device`, input[name]);
      }
    }
    const gains = writeGains ? new Float64Array(rowCount * S) : null;
    const bestIndex = new Int32Array(rowCount);
    const bestGain = new Float64Array(rowCount);
    const { chunkRows } = plan;
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const itemsBuf = acquire(items32.byteLength, usage.STORAGE | usage.COPY_DST, 'items');
      const rowsBuf = acquire(chunkRows * GPU_ROW_FLOATS * 4, usage.STORAGE | usage.COPY_DST, 'rows');
      const gridBuf = acquire(grid32.byteLength, usage.STORAGE | usage.COPY_DST, 'grid');
      const gainsBytes = writeGains ? chunkRows * S * 4 : 4;
      const gainsBuf = acquire(gainsBytes, usage.STORAGE | usage.COPY_SRC, 'gains');
      const bestBuf = acquire(chunkRows * 8, usage.STORAGE | usage.COPY_SRC, 'best');
      const gainsRead = writeGains ? acquire(gainsBytes, usage.MAP_READ | usage.COPY_DST, 'gains readback') : undefined;
      const bestRead = acquire(chunkRows * 8, usage.MAP_READ | usage.COPY_DST, 'best readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, itemsBuf, rowsBuf, gridBuf, gainsBuf, bestBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      this.device.queue.writeBuffer(itemsBuf, 0, items32);
      this.device.queue.writeBuffer(gridBuf, 0, grid32);
      for (let start = 0; start < rowCount; start += chunkRows) {
        const count = Math.min(chunkRows, rowCount - start);
        const flags = writeGains ? PAYOFF_MATRIX_FLAGS.WRITE_GAINS : 0;
        const { settled } = this.runner.scoped(kernel, `running rows ${start}..${start + count - 1}`, () => {
          const queue = this.device.queue;
          queue.writeBuffer(rowsBuf, 0, rows32, start * GPU_ROW_FLOATS, count * GPU_ROW_FLOATS);
          queue.writeBuffer(params, 0, program.uniforms(start, count, rowsPerItem, S, flags));
          const encoder = this.device.createCommandEncoder({ label: `${kernel} rows ${start}` });
          this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, program.dispatch(count, maxPerDim));
          if (gainsRead) encoder.copyBufferToBuffer(gainsBuf, 0, gainsRead, 0, count * S * 4);
          encoder.copyBufferToBuffer(bestBuf, 0, bestRead, 0, count * 8);
          queue.submit([encoder.finish()]);
        });
        await settled;
        this.guard('payoffMatrix');
        if (gainsRead && gains) {
          const values = await readBytes(gainsRead, count * S * 4);
          gains.set(new Float32Array(values), start * S);
        }
        const words = await readBytes(bestRead, count * 8);
        const asIndex = new Uint32Array(words);
        const asGain = new Float32Array(words);
        for (let i = 0; i < count; i++) {
          bestIndex[start + i] = asIndex[2 * i]!;
          bestGain[start + i] = asGain[2 * i + 1]!;
        }
      }
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
    return { gains, bestIndex, bestGain };
  }

  /**
   * Dense row sums in float32 (kernels/payoff-row-sums.wgsl): per batch item, its vectors are uploaded once and
   * its matrix in row chunks that fit the binding limit (a matrix shared by the batch is uploaded once when it
   * fits one chunk); up to 4 vectors per dispatch.
   */
  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    this.guard('denseRowSums');
    const program = this.rowSumsProgram;
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('denseRowSums');
    const { batch, n, matrix, vectors } = input;
    const { k, shared } = denseRowSumsShape(input);
    const out = new Float64Array(vectors.length);
    if (k * n * 4 > this.chunkBytes) {
      throw invalidArgument(
        'vectors',
        `at most ${this.chunkBytes} bytes of float32 per batch item on this device`,
        vectors,
      );
    }
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const plan = planRowSumChunks(n, this.chunkBytes, maxPerDim * maxPerDim);
    const { chunkRows } = plan;
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const matrixBuf = acquire(chunkRows * n * 4, usage.STORAGE | usage.COPY_DST, 'matrix');
      const vectorsBuf = acquire(k * n * 4, usage.STORAGE | usage.COPY_DST, 'vectors');
      const outBuf = acquire(k * n * 4, usage.STORAGE | usage.COPY_SRC, 'out');
      const readback = acquire(k * n * 4, usage.MAP_READ | usage.COPY_DST, 'readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, matrixBuf, vectorsBuf, outBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      for (let b = 0; b < batch; b++) {
        const submitted: Promise<void>[] = [];
        const m0 = shared ? 0 : b * n * n;
        const { settled } = this.runner.scoped(kernel, `running batch item ${b}`, () => {
          const queue = this.device.queue;
          queue.writeBuffer(vectorsBuf, 0, new Float32Array(vectors.subarray(b * k * n, (b + 1) * k * n)));
          for (let start = 0; start < n; start += chunkRows) {
            const count = Math.min(chunkRows, n - start);
            const reuse = shared && b > 0 && plan.chunks === 1;
            if (!reuse) {
              const rows = matrix.subarray(m0 + start * n, m0 + (start + count) * n);
              queue.writeBuffer(matrixBuf, 0, new Float32Array(rows));
            }
            for (let v0 = 0; v0 < k; v0 += ROW_SUMS_MAX_VECTORS) {
              const vc = Math.min(ROW_SUMS_MAX_VECTORS, k - v0);
              queue.writeBuffer(params, 0, program.uniforms(n, count, start, v0 * n, vc));
              const encoder = this.device.createCommandEncoder({ label: `${kernel} item ${b} rows ${start}` });
              this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, program.dispatch(count, maxPerDim));
              queue.submit([encoder.finish()]);
            }
          }
          const encoder = this.device.createCommandEncoder({ label: `${kernel} item ${b} readback` });
          encoder.copyBufferToBuffer(outBuf, 0, readback, 0, k * n * 4);
          queue.submit([encoder.finish()]);
        });
        submitted.push(settled);
        await Promise.all(submitted);
        this.guard('denseRowSums');
        out.set(new Float32Array(await readBytes(readback, k * n * 4)), b * k * n);
      }
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
    return out;
  }

  /**
   * The coalition-value kernel in float32 (kernels/coalition-values.wgsl): one invocation per coalition, in chunks
   * that fit the binding limits; status words mark the coalitions that are not concave (NaN here, as on every
   * backend) and those that hit the iteration cap (counted in notConverged).
   */
  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    this.guard('coalitionValues');
    const stats = emptyKernelStats();
    const values = new Float64Array(input.count);
    if (input.count === 0) return { values, stats };
    const program = this.coalitionProgram;
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('coalitionValues');
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const { chunk } = planCoalitionChunks(input.count, this.chunkBytes, maxPerDim * maxPerDim * program.workgroupSize);
    const members32 = packMembers(input);
    const weights32 = input.n > 0 ? new Float32Array(input.pairWeights) : new Float32Array(1);
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const membersBuf = acquire(members32.byteLength, usage.STORAGE | usage.COPY_DST, 'members');
      const weightsBuf = acquire(weights32.byteLength, usage.STORAGE | usage.COPY_DST, 'weights');
      const masksBuf = acquire(input.masks ? chunk * 4 : 4, usage.STORAGE | usage.COPY_DST, 'masks');
      const outBuf = acquire(chunk * 8, usage.STORAGE | usage.COPY_SRC, 'out');
      const readback = acquire(chunk * 8, usage.MAP_READ | usage.COPY_DST, 'readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, membersBuf, weightsBuf, masksBuf, outBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      this.device.queue.writeBuffer(membersBuf, 0, members32);
      this.device.queue.writeBuffer(weightsBuf, 0, weights32);
      for (let start = 0; start < input.count; start += chunk) {
        const count = Math.min(chunk, input.count - start);
        const { settled } = this.runner.scoped(kernel, `running coalitions ${start}..${start + count - 1}`, () => {
          const queue = this.device.queue;
          if (input.masks) queue.writeBuffer(masksBuf, 0, input.masks, start, count);
          queue.writeBuffer(params, 0, program.uniforms(input.masks ? 0 : input.first + start, count, input));
          const encoder = this.device.createCommandEncoder({ label: `${kernel} coalitions ${start}` });
          this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, program.dispatch(count, maxPerDim));
          encoder.copyBufferToBuffer(outBuf, 0, readback, 0, count * 8);
          queue.submit([encoder.finish()]);
        });
        await settled;
        this.guard('coalitionValues');
        const words = await readBytes(readback, count * 8);
        const asValue = new Float32Array(words);
        const asStatus = new Uint32Array(words);
        for (let k = 0; k < count; k++) {
          const status = asStatus[2 * k + 1]!;
          const mask = input.masks ? input.masks[start + k]! : input.first + start + k;
          if (status === COALITION_STATUS.NOT_CONCAVE) {
            values[start + k] = NaN;
            stats.nonConcave++;
            continue;
          }
          values[start + k] = asValue[2 * k]!;
          if (mask !== 0) stats.solves++;
          if (status === COALITION_STATUS.CAP) stats.notConverged++;
        }
      }
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
    return { values, stats };
  }

  /**
   * Label histograms (kernels/label-histograms.wgsl): the labels (and owners) stream up in chunks that fit the binding
   * and dispatch limits, packed as they are (1, 2 or 4 bytes per value); each workgroup counts its tile in workgroup
   * memory when the tile spans few groups, and the groups × classes histogram stays on the device until one readback.
   * A histogram or CSR offsets larger than one binding run the JS reference instead.
   */
  async labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput> {
    this.guard('labelHistograms');
    const { labels, owners, groups, classes } = input;
    const n = labels.length;
    const bins = groups * classes;
    if (n === 0) return { counts: new Uint32Array(bins), badLabel: -1, badOwner: -1 };
    if (bins * 4 > this.chunkBytes || (groups + 1) * 4 > this.chunkBytes) return labelHistogramsReference(input);
    const ownerBytes = owners ? owners.BYTES_PER_ELEMENT : 0;
    const programKey = `${labels.BYTES_PER_ELEMENT}:${ownerBytes}`;
    let program = this.histogramPrograms.get(programKey);
    if (!program) {
      program = new LabelHistogramsProgram(labels.BYTES_PER_ELEMENT, ownerBytes);
      this.histogramPrograms.set(programKey, program);
    }
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('labelHistograms');
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const bytesPerLabel = Math.max(labels.BYTES_PER_ELEMENT, ownerBytes);
    const chunk = planLabelChunks(n, bytesPerLabel, this.chunkBytes, maxPerDim, program.tile);
    const offsets = owners ? null : (input.offsets ?? Uint32Array.of(0, n));
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    try {
      const params = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const labelsBuf = acquire(chunk * labels.BYTES_PER_ELEMENT, usage.STORAGE | usage.COPY_DST, 'labels');
      const ownersBuf = acquire(owners ? chunk * ownerBytes : 4, usage.STORAGE | usage.COPY_DST, 'owners');
      const offsetsBuf = acquire(offsets ? offsets.byteLength : 4, usage.STORAGE | usage.COPY_DST, 'offsets');
      const histBuf = acquire(bins * 4, usage.STORAGE | usage.COPY_SRC | usage.COPY_DST, 'hist');
      const badBuf = acquire(8, usage.STORAGE | usage.COPY_SRC | usage.COPY_DST, 'bad');
      const histRead = acquire(bins * 4, usage.MAP_READ | usage.COPY_DST, 'hist readback');
      const badRead = acquire(8, usage.MAP_READ | usage.COPY_DST, 'bad readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, labelsBuf, ownersBuf, offsetsBuf, histBuf, badBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      const queue = this.device.queue;
      const { settled: started } = this.runner.scoped(kernel, 'clearing its histogram', () => {
        if (offsets) queue.writeBuffer(offsetsBuf, 0, offsets);
        queue.writeBuffer(badBuf, 0, Uint32Array.of(0xffffffff, 0xffffffff));
        const encoder = this.device.createCommandEncoder({ label: `${kernel} clear` });
        encoder.clearBuffer(histBuf);
        queue.submit([encoder.finish()]);
      });
      await started;
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        const last = start + count >= n;
        const { settled } = this.runner.scoped(kernel, `counting labels ${start}..${start + count - 1}`, () => {
          writePacked(queue, labelsBuf, labels, start, count);
          if (owners) writePacked(queue, ownersBuf, owners, start, count);
          queue.writeBuffer(params, 0, program.uniforms(start, count, groups, classes));
          const encoder = this.device.createCommandEncoder({ label: `${kernel} labels ${start}` });
          this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, program.dispatch(count, maxPerDim));
          if (last) {
            encoder.copyBufferToBuffer(histBuf, 0, histRead, 0, bins * 4);
            encoder.copyBufferToBuffer(badBuf, 0, badRead, 0, 8);
          }
          queue.submit([encoder.finish()]);
        });
        // One chunk in flight: the next writeBuffer into the same buffers is ordered after this dispatch by the
        // queue, but waiting bounds the staging memory Dawn holds for the uploads.
        await settled;
        this.guard('labelHistograms');
      }
      const counts = new Uint32Array(await readBytes(histRead, bins * 4));
      const bad = new Uint32Array(await readBytes(badRead, 8));
      const index = (v: number) => (v === 0xffffffff ? -1 : v);
      return { counts, badLabel: index(bad[0]!), badOwner: index(bad[1]!) };
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
  }

  private readonly histogramPrograms = new Map<string, LabelHistogramsProgram>();
  private readonly l1Programs = [new L1DistancesProgram(false), new L1DistancesProgram(true)] as const;

  /**
   * L1 distances in float32 (kernels/l1-distances.wgsl: one invocation per row; accuracy (3·classes + 6)·2^-24 stated
   * there): rows in chunks that fit the binding and dispatch limits. Float64 counts are rounded to float32 (and checked)
   * on the host; a row longer than one binding runs the JS reference instead.
   */
  async l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput> {
    this.guard('l1Distances');
    const { counts, groups, classes, totals } = input;
    const distances = new Float64Array(groups);
    if (groups === 0) return { distances, badCount: -1 };
    const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
    const chunkRows = planL1Rows(groups, classes, this.chunkBytes, maxPerDim);
    if (chunkRows === 0 || classes * 4 > this.chunkBytes) return l1DistancesReference(input);
    const u32 = counts instanceof Uint32Array;
    const program = this.l1Programs[u32 ? 1 : 0];
    const kernel = program.name;
    const pipeline = await this.runner.pipeline(program);
    this.guard('l1Distances');
    const usage = GPU_BUFFER_USAGE;
    const { acquire, releaseAll } = this.pool.scope(kernel);
    const rounded = u32 ? undefined : new Float32Array(chunkRows * classes);
    const totals32 = totals ? new Float32Array(totals) : undefined;
    try {
      const params = acquire(16, usage.UNIFORM | usage.COPY_DST, 'params');
      const countsBuf = acquire(chunkRows * classes * 4, usage.STORAGE | usage.COPY_DST, 'counts');
      const targetBuf = acquire(classes * 4, usage.STORAGE | usage.COPY_DST, 'target');
      const totalsBuf = acquire(totals ? chunkRows * 4 : 4, usage.STORAGE | usage.COPY_DST, 'totals');
      const outBuf = acquire(chunkRows * 4, usage.STORAGE | usage.COPY_SRC, 'out');
      const readback = acquire(chunkRows * 4, usage.MAP_READ | usage.COPY_DST, 'readback');
      const { value: bindGroup, settled: bound } = this.runner.scoped(kernel, 'binding its buffers', () =>
        this.device.createBindGroup({
          label: `${kernel} bind group`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [params, countsBuf, targetBuf, totalsBuf, outBuf].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        }),
      );
      await bound;
      this.device.queue.writeBuffer(targetBuf, 0, new Float32Array(input.target));
      for (let start = 0; start < groups; start += chunkRows) {
        const rows = Math.min(chunkRows, groups - start);
        if (rounded) {
          const bad = roundCounts(counts as Float64Array, start * classes, rows * classes, rounded);
          if (bad >= 0) return { distances, badCount: bad };
        }
        const { settled } = this.runner.scoped(kernel, `running rows ${start}..${start + rows - 1}`, () => {
          const queue = this.device.queue;
          if (rounded) queue.writeBuffer(countsBuf, 0, rounded, 0, rows * classes);
          else queue.writeBuffer(countsBuf, 0, counts, start * classes, rows * classes);
          if (totals32) queue.writeBuffer(totalsBuf, 0, totals32, start, rows);
          queue.writeBuffer(params, 0, program.uniforms(rows, classes, totals32 !== undefined));
          const encoder = this.device.createCommandEncoder({ label: `${kernel} rows ${start}` });
          this.runner.encodeDispatch(encoder, program, pipeline, bindGroup, program.dispatch(rows, maxPerDim));
          encoder.copyBufferToBuffer(outBuf, 0, readback, 0, rows * 4);
          queue.submit([encoder.finish()]);
        });
        await settled;
        this.guard('l1Distances');
        const values = new Float32Array(await readBytes(readback, rows * 4));
        for (let r = 0; r < rows; r++) distances[start + r] = values[r]! < 0 ? NaN : values[r]!;
      }
      return { distances, badCount: -1 };
    } catch (e) {
      throw this.translate(e, kernel);
    } finally {
      releaseAll();
    }
  }

  /**
   * A server optimizer's state resident on this device (kernels/server-optimizer/webgpu.ts): m, and v for FedAdam (kind 1)
   * and FedYogi (2), in zero-filled storage buffers from this backend's pool, chunked to fit the binding limit, held
   * until the state's dispose() or this backend's. Its step() uploads x and Δ and reads back only x.
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

  /** Write updates[k0 .. k0+kCount)[start .. start+count) into `buffer` as kCount rows of `count` floats. */
  private upload(
    buffer: GPUBuffer,
    updates: readonly Float32Array[],
    k0: number,
    kCount: number,
    start: number,
    count: number,
  ): void {
    const queue = this.device.queue;
    if (count * 4 >= DIRECT_WRITE_MIN_BYTES) {
      for (let j = 0; j < kCount; j++) queue.writeBuffer(buffer, j * count * 4, updates[k0 + j]!, start, count);
      return;
    }
    // Narrow slices: one writeBuffer per batch of rows instead of one per update.
    const rowsPerBatch = Math.max(1, Math.floor(PACK_BATCH_FLOATS / count));
    const scratch = new Float32Array(Math.min(kCount, rowsPerBatch) * count);
    for (let j0 = 0; j0 < kCount; j0 += rowsPerBatch) {
      const rows = Math.min(rowsPerBatch, kCount - j0);
      for (let j = 0; j < rows; j++) scratch.set(updates[k0 + j0 + j]!.subarray(start, start + count), j * count);
      queue.writeBuffer(buffer, j0 * count * 4, scratch, 0, rows * count);
    }
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
