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
