import { WGSL } from '../../../bindings/wgsl.generated.js';
import { dispatch1d, type DispatchSize } from './dispatch.js';

/**
 * A GPU kernel declared as data (onnxruntime-web's pattern): its name (for errors and labels), a cache key that
 * holds every compile-time fact (shader text identity, workgroup size), the WGSL source and entry point, and the
 * pipeline-overridable constants. Per-call values never enter the key: they travel in uniform buffers packed by
 * dispatch.ts.
 */
export interface GpuProgram {
  /** Kernel name, as in kernels/<name>.wgsl; named in labels and in GPU_ERROR messages. */
  readonly name: string;
  /** Pipeline cache key: name plus every compile-time fact. Two programs with one key must compile the same. */
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint: string;
  /** WGSL `override` constants fixed at pipeline creation (e.g. WORKGROUP_SIZE). */
  readonly constants: Readonly<Record<string, number>>;
  /** Invocations per workgroup (must match the shader's @workgroup_size). */
  readonly workgroupSize: number;
}

/**
 * The common case: the built-in kernels/<name>.wgsl, entry point `main`, one `WORKGROUP_SIZE` override (so the cache
 * key is the name and the size), dispatched over a 1-D range of invocations. Kernels add their uniforms packing.
 */
export class BuiltinProgram implements GpuProgram {
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;

  constructor(
    readonly name: keyof typeof WGSL,
    readonly workgroupSize: number,
  ) {
    this.shaderSource = WGSL[name];
    this.constants = { WORKGROUP_SIZE: workgroupSize };
    this.cacheKey = `${name};builtin;wg=${workgroupSize}`;
  }

  /** Workgroups for `count` invocations, spread over two dimensions past the per-dimension limit. */
  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }
}
