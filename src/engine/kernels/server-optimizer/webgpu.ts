/**
 * ServerOptimizerProgram: kernels/server-optimizer.wgsl declared as data — FedAvgM / FedAdam / FedYogi in one
 * pipeline (the kind travels in the uniforms), the chunk width that keeps every binding within the device limit,
 * and the per-dispatch uniforms; GpuOptimizerState: the optimizer's m and v resident on the device, and the step,
 * read and write that run on them.
 */
import { GPU_BUFFER_USAGE } from '../../../../bindings/dawn.js';
import { CocogenError } from '../../../core/errors.js';
import { packUniforms } from '../../gpu/dispatch.js';
import { buf, runKernel, type GpuKernel } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram } from '../../gpu/program.js';

export const DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE = 256;

/** 0 FedAvgM, 1 FedAdam, 2 FedYogi (as native/kernels/optimizer.h). */
export type ServerOptimizerKind = 0 | 1 | 2;

export interface ServerOptimizerParams {
  beta1: number;
  beta2: number;
  eta: number;
  tau: number;
}

export class ServerOptimizerProgram extends BuiltinProgram {
  constructor(options: { workgroupSize?: number } = {}) {
    super('server-optimizer', options.workgroupSize ?? DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE);
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
    const program = this.#program;
    const kernel = program.name;
    const maxPerDim = this.#ctx.maxPerDimension;
    await this.#run({
      method: 'step',
      guard: () => void this.#guard('step'),
      programs: [program],
      plan: () => {
        const bytes = chunks[0]!.count * 4;
        return {
          buffers: {
            params: buf.uniform(32),
            delta: buf.input(bytes),
            x: buf.inout(bytes),
            readback: buf.readback(bytes, 'x readback', chunks.length > 1 ? 2 : 1),
          },
          // Reusing delta / x / params needs no wait: writeBuffer is ordered on the queue after the previous submit.
          inFlight: 2,
          steps: chunks.map(({ start, count, m, v }) => ({
            what: `running elements ${start}..${start + count - 1}`,
            submit: [
              {
                label: `${kernel} elements ${start}`,
                writes: [
                  { to: 'delta', data: delta, start, count },
                  { to: 'x', data: x, start, count },
                ],
                passes: [
                  {
                    uniforms: program.uniforms(count, this.kind, params),
                    bind: ['params', 'delta', 'x', m, v],
                    bindLabel: `${kernel} bind group (elements ${start})`,
                    size: program.dispatch(count, maxPerDim),
                  },
                ],
                copies: [{ from: 'x', to: 'readback', bytes: count * 4 }],
              },
            ],
            read: [{ from: 'readback', into: x, at: start, count }],
          })),
          result: () => undefined,
        };
      },
    });
  }

  /** Copies of m and v (v: undefined for FedAvgM), read back chunk by chunk. */
  async read(): Promise<{ m: Float32Array; v: Float32Array | undefined }> {
    const chunks = this.#guard('read');
    const kernel = this.#program.name;
    const m = new Float32Array(this.length);
    const v = this.kind === 0 ? undefined : new Float32Array(this.length);
    return this.#run({
      name: kernel,
      method: 'read',
      guard: () => void this.#guard('read'),
      programs: [],
      plan: () => {
        const bytes = chunks.length > 0 ? chunks[0]!.count * 4 : 0;
        return {
          buffers:
            chunks.length === 0
              ? {}
              : { m: buf.readback(bytes, 'state readback'), ...(v && { v: buf.readback(bytes, 'state readback') }) },
          steps: chunks.map((chunk) => ({
            what: `reading its state at ${chunk.start}`,
            submit: [
              {
                label: `${kernel} state read ${chunk.start}`,
                copies: [
                  { from: chunk.m, to: 'm', bytes: chunk.count * 4 },
                  ...(v ? [{ from: chunk.v, to: 'v', bytes: chunk.count * 4 } as const] : []),
                ],
              },
            ],
            read: [
              { from: 'm', into: m, at: chunk.start, count: chunk.count },
              ...(v ? [{ from: 'v', into: v, at: chunk.start, count: chunk.count } as const] : []),
            ],
          })),
          result: () => ({ m, v }),
        };
      },
    });
  }

  /** Overwrite the state with `m` and `v` (both of `length`; v ignored for FedAvgM), chunk by chunk. */
  async write(m: Float32Array, v: Float32Array | undefined): Promise<void> {
    const chunks = this.#guard('write');
    await this.#run({
      name: this.#program.name,
      method: 'write',
      guard: () => void this.#guard('write'),
      programs: [],
      plan: () => ({
        buffers: {},
        steps: [
          {
            what: 'writing its state',
            writes: chunks.flatMap((chunk) => [
              { to: chunk.m, data: m, start: chunk.start, count: chunk.count },
              ...(this.kind !== 0 && v ? [{ to: chunk.v, data: v, start: chunk.start, count: chunk.count }] : []),
            ]),
          },
        ],
        result: () => undefined,
      }),
    });
  }

  /** Runs `kernel` once the state's allocation has been checked by the device. */
  async #run<B extends string, R>(kernel: GpuKernel<B, R>): Promise<R> {
    try {
      await this.#allocated;
      return await runKernel(this.#ctx, kernel);
    } catch (e) {
      throw this.#ctx.translate(e, this.#program.name);
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
