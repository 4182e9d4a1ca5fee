/**
 * A kernel as the backends see it: one value per kernel home (src/engine/kernels/<kernel>/kernel.ts) that names its
 * three implementations. A backend runs any kernel through `run(kernel, input)`, choosing its own implementation, so
 * adding a kernel edits no backend: the home declares it and the engine method calls `backend.run`.
 *
 * The engine validates the input before any backend runs (the home's contract.ts), so an implementation may assume
 * what its contract states.
 */
import type { CocogenAddon } from '../../../bindings/addon.js';
import type { GpuContext } from '../gpu/program-runner.js';

export interface Kernel<I, O> {
  /** The engine method's name; the WebGPU guard and GPU_ERROR messages report it. */
  readonly name: string;
  /** The plain-TypeScript reference (reference.ts): the js backend, and the truth the other two are tested against. */
  readonly js: (input: I) => O | Promise<O>;
  /** The glue onto the C++ addon (native.ts). */
  readonly native: (addon: CocogenAddon, input: I) => Promise<O>;
  /** The declaration the WebGPU runner executes on a device (webgpu.ts). */
  readonly webgpu: (gpu: GpuContext, input: I) => Promise<O>;
}

/** Declares a kernel (frozen, so a backend can hold it as a constant). */
export function defineKernel<I, O>(kernel: Kernel<I, O>): Kernel<I, O> {
  return Object.freeze({ ...kernel });
}
