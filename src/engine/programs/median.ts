/**
 * MedianProgram (kernels/median.wgsl) declared as data, and what it shares with TrimmedMeanProgram
 * (kernels/trimmed-mean.wgsl): one invocation per coordinate sorting its K keys in a private array, the chunk plan
 * (all K updates of a chunk of coordinates bound at once) and the per-dispatch uniforms.
 */
import { WGSL } from '../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from './dispatch.js';
import type { GpuProgram } from './program.js';

/** The largest K the kernels sort in private memory (MAX_K in the shaders); the backend falls back above it. */
export const ROBUST_GPU_MAX_K = 128;

/** A per-coordinate sort-and-select kernel: median or trimmed mean. */
export class CoordinateSelectProgram implements GpuProgram {
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;

  constructor(
    readonly name: 'median' | 'trimmed-mean',
    readonly workgroupSize = 64,
  ) {
    this.shaderSource = WGSL[name];
    this.constants = { WORKGROUP_SIZE: workgroupSize };
    this.cacheKey = `${name};wg=${workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, k, lo, hi, zero }: the sorted ranks [lo, hi) the rule reads; zero = 0 (see opaque()). */
  uniforms(count: number, k: number, lo: number, hi: number): ArrayBuffer {
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'k', type: 'u32', value: k },
      { name: 'lo', type: 'u32', value: lo },
      { name: 'hi', type: 'u32', value: hi },
      { name: 'zero', type: 'u32', value: 0 },
    ]);
  }
}

export class MedianProgram extends CoordinateSelectProgram {
  constructor() {
    super('median');
  }
}

/** Coordinates per chunk: all K rows of a chunk fit one binding of `limitBytes`. Precondition: 4·K ≤ limitBytes. */
export function planCoordinateChunk(k: number, p: number, limitBytes: number): number {
  return Math.max(1, Math.min(p, Math.floor(limitBytes / 4 / k)));
}
