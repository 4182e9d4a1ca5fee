/**
 * The one WebGPU host loop. A kernel is declared as data (a GpuKernel): its programs, and a plan that names the buffers
 * it needs (usage and size, from its chunk plan), its bind group, the writes before its first step, and its steps —
 * each step one error scope holding queue writes and submissions (uniforms, dispatches, clears, copies), followed by
 * the readbacks that bring its results home. runKernel does the rest, the same way for every kernel:
 *
 * - the pipelines (compiled once per cache key by ProgramRunner), then the guard (disposed? device faulted?);
 * - the buffers, from the pool, in declaration order, all given back in `finally` whatever happens;
 * - the bind group inside its own error scope ('binding its buffers'), and each step inside one ('<what>'), so a
 *   device error comes back as GPU_ERROR naming the kernel and what it was doing;
 * - between steps, the guard again; the readbacks one step at a time, or (`inFlight: 2`) two readback groups in
 *   flight, each with its own buffer of a `slots: 2` declaration, so uploading the next chunk overlaps the copy-out;
 * - any failure translated into the backend's typed error (DISPOSED after dispose, else GPU_ERROR).
 *
 * Steps come from an iterable, read lazily: a plan can be a generator that prepares each chunk's host data right
 * before its step (reusing one scratch array) and stops early (a bad input found half-way).
 *
 * @example
 * // A sketch of kernels/l1-distances/webgpu.ts: one program, chunks of rows, each read back before the next.
 * runKernel(ctx, {
 *   method: 'l1Distances',
 *   programs: [program],
 *   plan: () => ({
 *     buffers: {
 *       params: buf.uniform(16),
 *       counts: buf.input(chunkRows * classes * 4),
 *       out: buf.output(chunkRows * 4),
 *       readback: buf.readback(chunkRows * 4),
 *     },
 *     bind: ['params', 'counts', 'out'],
 *     steps: chunks.map(({ start, rows }) => ({
 *       what: `running rows ${start}..${start + rows - 1}`,
 *       submit: [{
 *         label: `l1-distances rows ${start}`,
 *         writes: [{ to: 'counts', data: counts, start: start * classes, count: rows * classes }],
 *         passes: [{ uniforms: program.uniforms(rows, classes), size: program.dispatch(rows, maxPerDim) }],
 *         copies: [{ from: 'out', to: 'readback', bytes: rows * 4 }],
 *       }],
 *       read: [{ from: 'readback', bytes: rows * 4, then: (data) => distances.set(new Float32Array(data), start) }],
 *     })),
 *     result: () => distances,
 *   }),
 * });
 */
import { GPU_BUFFER_USAGE } from '../../../bindings/dawn.js';
import type { DispatchSize } from './dispatch.js';
import type { GpuContext } from './program-runner.js';
import type { GpuProgram } from './program.js';
import { readBytes, readFloat32AndStatusInto, readFloat32Into } from './readback.js';

/** What a buffer is for: each names the exact GPUBufferUsage flags the pool keys it by. */
export type BufferUsage = 'uniform' | 'input' | 'output' | 'inout' | 'scratch' | 'readback';

const U = GPU_BUFFER_USAGE;
const USAGE: Readonly<Record<BufferUsage, GPUBufferUsageFlags>> = {
  /** per-dispatch parameters, written from the host */
  uniform: U.UNIFORM | U.COPY_DST,
  /** storage the host writes and the shader reads */
  input: U.STORAGE | U.COPY_DST,
  /** storage the shader writes and a copy reads out */
  output: U.STORAGE | U.COPY_SRC,
  /** both (status words, histograms, operands read back) */
  inout: U.STORAGE | U.COPY_DST | U.COPY_SRC,
  /** storage only the shader touches (partial sums carried between dispatches) */
  scratch: U.STORAGE,
  /** MAP_READ target of the copies */
  readback: U.MAP_READ | U.COPY_DST,
};

/** One buffer of a plan. `bytes` is rounded up to a multiple of 4 (at least 4) by the pool. */
export interface BufferDecl {
  usage: BufferUsage;
  bytes: number;
  /** Label in the pool (and in device messages): `<kernel> <label>`; default the buffer's name in the plan. */
  label?: string;
  /** 2: one buffer per readback group in flight (`inFlight: 2`); a step naming it gets its group's one. */
  slots?: 1 | 2;
}

/** The buffer declarations by usage: `buf.input(bytes)`, `buf.readback(bytes, label, 2)`, … */
export const buf = {
  uniform: (bytes: number, label?: string): BufferDecl => decl('uniform', bytes, label),
  input: (bytes: number, label?: string): BufferDecl => decl('input', bytes, label),
  output: (bytes: number, label?: string): BufferDecl => decl('output', bytes, label),
  inout: (bytes: number, label?: string): BufferDecl => decl('inout', bytes, label),
  scratch: (bytes: number, label?: string): BufferDecl => decl('scratch', bytes, label),
  readback: (bytes: number, label?: string, slots?: 1 | 2): BufferDecl => ({
    ...decl('readback', bytes, label),
    ...(slots && { slots }),
  }),
};

function decl(usage: BufferUsage, bytes: number, label: string | undefined): BufferDecl {
  return label === undefined ? { usage, bytes } : { usage, bytes, label };
}

/** A buffer by its name in the plan, or one the caller holds (state resident across calls). */
export type BufferRef<B extends string> = B | GPUBuffer;

/**
 * A queue write: `data` (elements `start .. start + count` of a typed array, bytes of an ArrayBuffer) at byte
 * `offset` of the buffer; or `put`, for uploads that are more than one call (rows gathered from many arrays).
 */
export type Write<B extends string> =
  | { to: BufferRef<B>; data: GPUAllowSharedBufferSource; offset?: number; start?: number; count?: number }
  | { to: BufferRef<B>; put: (queue: GPUQueue, buffer: GPUBuffer) => void };

/** One compute pass: its uniforms written just before it is encoded, then `size` workgroups. */
export interface Pass<B extends string> {
  /** Default: the kernel's first program. */
  program?: GpuProgram;
  uniforms?: ArrayBuffer;
  /** The uniform buffer `uniforms` goes to; default 'params'. */
  params?: B;
  /** This pass's own bind group (created inside the step); default the plan's `bind`. */
  bind?: readonly BufferRef<B>[];
  bindLabel?: string;
  size: DispatchSize;
}

export interface Copy<B extends string> {
  from: BufferRef<B>;
  to: BufferRef<B>;
  bytes: number;
  /** Byte offset in `to`; default 0. */
  at?: number;
}

/** One command buffer: writes, then clears, passes and copies in one encoder, then submit. */
export interface Submission<B extends string> {
  /** The encoder's label. */
  label: string;
  writes?: readonly Write<B>[];
  clear?: readonly BufferRef<B>[];
  passes?: readonly Pass<B>[];
  copies?: readonly Copy<B>[];
}

/**
 * A readback: `bytes` mapped (`mapped` bytes, when the mapping must cover more) and handed to `then`; or `count`
 * float32 copied straight into `into` at `at`, and, with `status`, the u32 right behind them.
 */
export type Read<B extends string> =
  | { from: B; bytes: number; mapped?: number; then: (data: ArrayBuffer) => void }
  | { from: B; into: Float32Array; at: number; count: number; status?: (word: number) => void };

/** One error scope. */
export interface Step<B extends string> {
  /** What the kernel is doing, for GPU_ERROR ('… in kernel "k" while <what>: …'). */
  what: string;
  /** Queue writes before the submissions. */
  writes?: readonly Write<B>[];
  submit?: readonly Submission<B>[];
  /** After the scope settles (two in flight: after every step since the last read), in order. */
  read?: readonly Read<B>[];
}

/** The kernel's plan for one call; built once its pipelines are ready (validation may throw here). */
export interface KernelPlan<B extends string, R> {
  /** Acquired in this order; a name left out (undefined) is not acquired. */
  buffers: { readonly [name in B]?: BufferDecl };
  /** Bind group 0 shared by every pass without its own, created before the first step. */
  bind?: readonly BufferRef<B>[];
  /** Queue writes after the bind group, before the first step (outside any step's scope). */
  setup?: readonly Write<B>[];
  /** 2: the readbacks of one group overlap the next group's upload and dispatch. Default 1. */
  inFlight?: 1 | 2;
  steps: Iterable<Step<B>>;
  /** The call's value, once every step has run and every read has landed. */
  result: () => R;
}

export interface GpuKernel<B extends string, R> {
  /** Named in GPU_ERROR and in buffer labels; default the first program's name. */
  name?: string;
  /** The backend method, as the guard reports it (`WebGpuBackend.<method>(): …`). */
  method: string;
  /** Replaces the backend's guard (objects with their own lifetime, such as optimizer state). */
  guard?: () => void;
  programs: readonly GpuProgram[];
  plan: () => KernelPlan<B, R>;
}

/** Run one declared kernel on the context's device. */
export async function runKernel<B extends string, R>(ctx: GpuContext, kernel: GpuKernel<B, R>): Promise<R> {
  const { device, runner } = ctx;
  const name = kernel.name ?? kernel.programs[0]!.name;
  const guard = kernel.guard ?? (() => ctx.guard(kernel.method));
  const compiled = await Promise.all(kernel.programs.map((p) => runner.pipeline(p)));
  guard();
  const pipelines = new Map(kernel.programs.map((p, i) => [p, compiled[i]!]));
  const plan = kernel.plan();
  const { acquire, releaseAll } = ctx.pool.scope(name);
  const pending: Array<Promise<void> | undefined> = [undefined, undefined];
  const failures: unknown[] = [];
  try {
    const owned = new Map<string, GPUBuffer[]>();
    for (const [key, spec] of Object.entries(plan.buffers) as Array<[string, BufferDecl | undefined]>) {
      if (!spec) continue;
      const list: GPUBuffer[] = [];
      for (let s = 0; s < (spec.slots ?? 1); s++) list.push(acquire(spec.bytes, USAGE[spec.usage], spec.label ?? key));
      owned.set(key, list);
    }
    let slot = 0;
    const buffer = (ref: BufferRef<B>): GPUBuffer => {
      if (typeof ref !== 'string') return ref;
      const list = owned.get(ref);
      if (!list) throw new Error(`kernel "${name}" names no buffer "${ref}"`);
      return list[slot % list.length]!;
    };
    const entries = (refs: readonly BufferRef<B>[]): GPUBindGroupEntry[] =>
      refs.map((ref, binding) => ({ binding, resource: { buffer: buffer(ref) } }));
    const queue = device.queue;
    const write = (w: Write<B>): void => {
      const target = buffer(w.to);
      if ('put' in w) w.put(queue, target);
      else if (w.count !== undefined) queue.writeBuffer(target, w.offset ?? 0, w.data, w.start ?? 0, w.count);
      else if (w.start !== undefined) queue.writeBuffer(target, w.offset ?? 0, w.data, w.start);
      else queue.writeBuffer(target, w.offset ?? 0, w.data);
    };

    let shared: GPUBindGroup | undefined;
    if (plan.bind) {
      const refs = plan.bind;
      const layout = compiled[0]!.getBindGroupLayout(0);
      const { value, settled } = runner.scoped(name, 'binding its buffers', () =>
        device.createBindGroup({ label: `${name} bind group`, layout, entries: entries(refs) }),
      );
      await settled;
      shared = value;
    }
    for (const w of plan.setup ?? []) write(w);

    const encode = (step: Step<B>): void => {
      for (const w of step.writes ?? []) write(w);
      for (const s of step.submit ?? []) {
        for (const w of s.writes ?? []) write(w);
        const encoder = device.createCommandEncoder({ label: s.label });
        for (const c of s.clear ?? []) encoder.clearBuffer(buffer(c));
        for (const pass of s.passes ?? []) {
          const program = pass.program ?? kernel.programs[0]!;
          const pipeline = pipelines.get(program)!;
          if (pass.uniforms) queue.writeBuffer(buffer(pass.params ?? ('params' as B)), 0, pass.uniforms);
          const bindGroup = pass.bind
            ? device.createBindGroup({
                label: pass.bindLabel ?? `${program.name} bind group`,
                layout: pipeline.getBindGroupLayout(0),
                entries: entries(pass.bind),
              })
            : shared;
          if (!bindGroup) throw new Error(`kernel "${name}" has a pass with no bind group`);
          runner.encodeDispatch(encoder, program, pipeline, bindGroup, pass.size);
        }
        for (const c of s.copies ?? []) encoder.copyBufferToBuffer(buffer(c.from), 0, buffer(c.to), c.at ?? 0, c.bytes);
        queue.submit([encoder.finish()]);
      }
    };
    // Resolved when scheduled: with two in flight the slot has moved on by the time a read runs.
    const readsOf = (step: Step<B>) => (step.read ?? []).map((r) => ({ r, target: buffer(r.from) }));
    const read = async ({ r, target }: ReturnType<typeof readsOf>[number]): Promise<void> => {
      if ('then' in r) r.then(await readBytes(target, r.bytes, r.mapped));
      else if (r.status) r.status(await readFloat32AndStatusInto(target, r.count, r.into, r.at));
      else await readFloat32Into(target, r.count, r.into, r.at);
    };

    const twoInFlight = plan.inFlight === 2;
    let group: Promise<void>[] = [];
    for (const step of plan.steps) {
      if (twoInFlight && group.length === 0) {
        // This slot's previous group must be copied out before its readback buffer is reused.
        await pending[slot];
        guard();
      }
      const { settled } = runner.scoped(name, step.what, () => encode(step));
      const reads = readsOf(step);
      if (!twoInFlight) {
        await settled;
        guard();
        for (const r of reads) await read(r);
        continue;
      }
      group.push(settled);
      if (reads.length === 0) continue;
      const submitted = group;
      group = [];
      const landed = (async () => {
        await Promise.all(submitted);
        for (const r of reads) await read(r);
      })();
      // Kept for the final await; not an unhandled rejection meanwhile.
      landed.catch((e: unknown) => failures.push(e));
      pending[slot] = landed;
      slot ^= 1;
    }
    await Promise.allSettled(pending);
    if (failures.length > 0) throw failures[0];
    return plan.result();
  } catch (e) {
    await Promise.allSettled(pending);
    throw ctx.translate(e, name);
  } finally {
    releaseAll();
  }
}
