/**
 * ServerOptimizerProgram: kernels/server-optimizer.wgsl declared as data — FedAvgM / FedAdam / FedYogi in one
 * pipeline (the kind travels in the uniforms), the chunk width that keeps every binding within the device limit,
 * and the per-dispatch uniforms; GpuOptimizerState: the optimizer's m and v resident on the device, and the step,
 * read and write that run on them.
 */
import { GPU_BUFFER_USAGE } from '../../../../bindings/dawn.js';
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { CocogenError } from '../../../errors.js';
import type { GpuBufferPool } from '../../gpu/buffer-pool.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { readFloat32Into } from '../../gpu/readback.js';
import type { GpuProgram } from '../../gpu/program.js';

export const DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE = 256;

/** 0 FedAvgM, 1 FedAdam, 2 FedYogi (as native/optimizer.h). */
export type ServerOptimizerKind = 0 | 1 | 2;

export interface ServerOptimizerParams {
  beta1: number;
  beta2: number;
  eta: number;
  tau: number;
}

export class ServerOptimizerProgram implements GpuProgram {
  readonly name = 'server-optimizer';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['server-optimizer'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;

  constructor(options: { workgroupSize?: number } = {}) {
    this.workgroupSize = options.workgroupSize ?? DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE;
    this.constants = { WORKGROUP_SIZE: this.workgroupSize };
    this.cacheKey = `${this.name};builtin;wg=${this.workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, kind, β1, β2, η, τ, f32(1 − β1), f32(1 − β2) } for one dispatch (32 bytes). */
  uniforms(count: number, kind: ServerOptimizerKind, p: ServerOptimizerParams): ArrayBuffer {
    const f = Math.fround;
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'kind', type: 'u32', value: kind },
      { name: 'beta1', type: 'f32', value: p.beta1 },
      { name: 'beta2', type: 'f32', value: p.beta2 },
      { name: 'eta', type: 'f32', value: p.eta },
      { name: 'tau', type: 'f32', value: p.tau },
      { name: 'oneMinusBeta1', type: 'f32', value: f(1 - f(p.beta1)) },
      { name: 'oneMinusBeta2', type: 'f32', value: f(1 - f(p.beta2)) },
    ]);
  }
}

/**
 * Elements per chunk: every binding (Δ, x, m, v) holds chunk·4 bytes ≤ limitBytes, and one dispatch covers the chunk
 * within maxPerDimension² workgroups.
 */
export function planServerOptimizerChunk(
  p: number,
  limitBytes: number,
  maxPerDimension: number,
  workgroupSize: number,
): number {
  return Math.max(1, Math.min(p, Math.floor(limitBytes / 4), maxPerDimension * maxPerDimension * workgroupSize));
}

/** One chunk of the state: elements start .. start + count of m and v, each in its own storage buffer. */
interface StateChunk {
  start: number;
  count: number;
  m: GPUBuffer;
  /** The chunk's v; for FedAvgM one shared 4-byte placeholder (the kernel never touches it). */
  v: GPUBuffer;
}

const STATE_USAGE = GPU_BUFFER_USAGE.STORAGE | GPU_BUFFER_USAGE.COPY_DST | GPU_BUFFER_USAGE.COPY_SRC;

/**
 * A server optimizer's state resident on one device: m (and v for FedAdam / FedYogi) in storage buffers from the
 * backend's pool, one per chunk of at most `chunkLength` elements (so every binding fits the device limit whatever
 * P), zero-filled at construction and held until dispose(). A step uploads only x and Δ, chunk by chunk, runs
 * kernels/server-optimizer.wgsl on the chunk's resident m and v, and reads back only x; read() and write() copy the
 * state out and in (checkpoints). One call at a time (the owner serializes them).
 */
export class GpuOptimizerState {
  readonly kind: ServerOptimizerKind;
  readonly length: number;
  /** Elements per chunk. */
  readonly chunkLength: number;
  readonly #ctx: GpuContext;
  readonly #program = new ServerOptimizerProgram();
  /** Undefined once disposed. */
  #chunks: StateChunk[] | undefined;
  /** The state buffers, held for the object's life. */
  readonly #owned: ReturnType<GpuContext['pool']['scope']>;
  /** Settles when the device has checked the allocation (out-of-memory surfaces here, as GPU_ERROR). */
  readonly #allocated: Promise<void>;

  constructor(ctx: GpuContext, kind: ServerOptimizerKind, length: number) {
    this.#ctx = ctx;
    this.kind = kind;
    this.length = length;
    this.chunkLength = planServerOptimizerChunk(
      length,
      ctx.bindingBytes,
      ctx.maxPerDimension,
      this.#program.workgroupSize,
    );
    const kernel = this.#program.name;
    this.#owned = ctx.pool.scope(kernel);
    const acquire = (bytes: number, label: string) => this.#owned.acquire(bytes, STATE_USAGE, label);
    const chunks: StateChunk[] = [];
    try {
      const { settled } = ctx.runner.scoped(kernel, `allocating its state (${length} elements)`, () => {
        // Pooled buffers come back dirty: clear them on the queue, ordered before any step.
        const encoder = ctx.device.createCommandEncoder({ label: `${kernel} state clear` });
        const placeholder = kind === 0 ? acquire(4, 'v placeholder') : undefined;
        for (let start = 0; start < length; start += this.chunkLength) {
          const count = Math.min(this.chunkLength, length - start);
          const m = acquire(count * 4, `m ${start}`);
          const v = placeholder ?? acquire(count * 4, `v ${start}`);
          encoder.clearBuffer(m);
          if (v !== placeholder) encoder.clearBuffer(v);
          chunks.push({ start, count, m, v });
        }
        ctx.device.queue.submit([encoder.finish()]);
      });
      settled.catch(() => undefined); // awaited by the first call; not an unhandled rejection meanwhile
      this.#allocated = settled;
    } catch (e) {
      this.#owned.releaseAll();
      throw ctx.translate(e, kernel);
    }
    this.#chunks = chunks;
  }

  get disposed(): boolean {
    return this.#chunks === undefined;
  }

  /**
   * One step in place on `x` with pseudo-gradient `delta` (both of `length`): per chunk, x and Δ are uploaded, the
   * kernel updates the resident m, v and x, and x alone is read back (two chunks in flight).
   */
  async step(x: Float32Array, delta: Float32Array, params: ServerOptimizerParams): Promise<void> {
    const chunks = this.#guard('step');
    if (chunks.length === 0) return;
    const ctx = this.#ctx;
    const program = this.#program;
    const kernel = program.name;
    const { acquire, releaseAll } = ctx.pool.scope(kernel);
    const pending: Array<Promise<void> | undefined> = [undefined, undefined];
    const failures: unknown[] = [];
    try {
      await this.#allocated;
      const pipeline = await ctx.runner.pipeline(program);
      this.#guard('step');
      const usage = GPU_BUFFER_USAGE;
      const bytes = chunks[0]!.count * 4;
      const paramsBuf = acquire(32, usage.UNIFORM | usage.COPY_DST, 'params');
      const deltaBuf = acquire(bytes, usage.STORAGE | usage.COPY_DST, 'delta');
      const xBuf = acquire(bytes, usage.STORAGE | usage.COPY_DST | usage.COPY_SRC, 'x');
      const readback = [
        acquire(bytes, usage.MAP_READ | usage.COPY_DST, 'x readback'),
        chunks.length > 1 ? acquire(bytes, usage.MAP_READ | usage.COPY_DST, 'x readback') : undefined,
      ];
      for (let c = 0; c < chunks.length; c++) {
        const { start, count, m, v } = chunks[c]!;
        const slot = c % 2;
        // This readback buffer's previous chunk must be copied out first. Reusing deltaBuf / xBuf / paramsBuf needs
        // no wait: writeBuffer is ordered on the queue after the previous chunk's submit.
        await pending[slot];
        this.#guard('step');
        const target = readback[slot]!;
        const { settled } = ctx.runner.scoped(kernel, `running elements ${start}..${start + count - 1}`, () => {
          const queue = ctx.device.queue;
          queue.writeBuffer(deltaBuf, 0, delta, start, count);
          queue.writeBuffer(xBuf, 0, x, start, count);
          queue.writeBuffer(paramsBuf, 0, program.uniforms(count, this.kind, params));
          const bindGroup = ctx.device.createBindGroup({
            label: `${kernel} bind group (elements ${start})`,
            layout: pipeline.getBindGroupLayout(0),
            entries: [paramsBuf, deltaBuf, xBuf, m, v].map((buffer, binding) => ({ binding, resource: { buffer } })),
          });
          const encoder = ctx.device.createCommandEncoder({ label: `${kernel} elements ${start}` });
          ctx.runner.encodeDispatch(
            encoder,
            program,
            pipeline,
            bindGroup,
            program.dispatch(count, ctx.maxPerDimension),
          );
          encoder.copyBufferToBuffer(xBuf, 0, target, 0, count * 4);
          queue.submit([encoder.finish()]);
        });
        pending[slot] = (async () => {
          await settled;
          await readFloat32Into(target, count, x, start);
        })();
        pending[slot].catch((e: unknown) => failures.push(e));
      }
      await Promise.allSettled(pending);
      if (failures.length > 0) throw failures[0];
    } catch (e) {
      await Promise.allSettled(pending);
      throw ctx.translate(e, kernel);
    } finally {
      releaseAll();
    }
  }

  /** Copies of m and v (v: undefined for FedAvgM), read back chunk by chunk. */
  async read(): Promise<{ m: Float32Array; v: Float32Array | undefined }> {
    const chunks = this.#guard('read');
    const ctx = this.#ctx;
    const kernel = this.#program.name;
    const m = new Float32Array(this.length);
    const v = this.kind === 0 ? undefined : new Float32Array(this.length);
    const { acquire, releaseAll } = ctx.pool.scope(kernel);
    try {
      await this.#allocated;
      this.#guard('read');
      if (chunks.length === 0) return { m, v };
      const bytes = chunks[0]!.count * 4;
      const flags = GPU_BUFFER_USAGE.MAP_READ | GPU_BUFFER_USAGE.COPY_DST;
      const targets = (v ? [m, v] : [m]).map((out) => ({ out, buffer: acquire(bytes, flags, 'state readback') }));
      for (const chunk of chunks) {
        const { settled } = ctx.runner.scoped(kernel, `reading its state at ${chunk.start}`, () => {
          const encoder = ctx.device.createCommandEncoder({ label: `${kernel} state read ${chunk.start}` });
          targets.forEach((t, i) =>
            encoder.copyBufferToBuffer(i === 0 ? chunk.m : chunk.v, 0, t.buffer, 0, chunk.count * 4),
          );
          ctx.device.queue.submit([encoder.finish()]);
        });
        await settled;
        this.#guard('read');
        for (const t of targets) {
          await readFloat32Into(t.buffer, chunk.count, t.out, chunk.start);
        }
      }
      return { m, v };
    } catch (e) {
      throw ctx.translate(e, kernel);
    } finally {
      releaseAll();
    }
  }

  /** Overwrite the state with `m` and `v` (both of `length`; v ignored for FedAvgM), chunk by chunk. */
  async write(m: Float32Array, v: Float32Array | undefined): Promise<void> {
    const chunks = this.#guard('write');
    const ctx = this.#ctx;
    const kernel = this.#program.name;
    try {
      await this.#allocated;
      this.#guard('write');
      const { settled } = ctx.runner.scoped(kernel, 'writing its state', () => {
        for (const chunk of chunks) {
          ctx.device.queue.writeBuffer(chunk.m, 0, m, chunk.start, chunk.count);
          if (this.kind !== 0 && v) ctx.device.queue.writeBuffer(chunk.v, 0, v, chunk.start, chunk.count);
        }
      });
      await settled;
    } catch (e) {
      throw ctx.translate(e, kernel);
    }
  }

  /** Gives the state buffers back to the pool. Idempotent; every other method throws DISPOSED afterwards. */
  dispose(): void {
    if (this.#chunks === undefined) return;
    this.#chunks = undefined;
    this.#owned.releaseAll();
  }

  #guard(method: string): StateChunk[] {
    if (this.#chunks === undefined) {
      throw new CocogenError('DISPOSED', `Cannot call GpuOptimizerState.${method}() after dispose()`);
    }
    this.#ctx.guard(`serverOptimizerState().${method}`);
    return this.#chunks;
  }
}
