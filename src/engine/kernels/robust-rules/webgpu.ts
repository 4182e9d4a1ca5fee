/**
 * MedianProgram (kernels/median.wgsl) declared as data, and what it shares with TrimmedMeanProgram
 * (kernels/trimmed-mean.wgsl): one invocation per coordinate sorting its K keys in a private array (K ≤ 128), or, as
 * the wide variants (kernels/median-wide.wgsl, kernels/trimmed-mean-wide.wgsl), one workgroup per coordinate
 * bitonic-sorting them in workgroup memory (K ≤ 4096); the chunk plan (all K updates of a chunk of coordinates bound
 * at once) and the per-dispatch uniforms.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import type { GpuProgram } from '../../gpu/program.js';

/** The largest K the narrow kernels sort in private memory (MAX_K in the shaders); the wide ones run above it. */
export const ROBUST_GPU_MAX_K = 128;
/** The largest K the wide kernels sort in workgroup memory (MAX_WIDE_K); the backend falls back above it. */
export const ROBUST_GPU_WIDE_MAX_K = 4096;

/**
 * A per-coordinate sort-and-select kernel: median or trimmed mean; `wide`: the -wide kernel, one workgroup of
 * `workgroupSize` invocations per coordinate (else one invocation per coordinate).
 */
export class CoordinateSelectProgram implements GpuProgram {
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;

  constructor(
    readonly name: 'median' | 'trimmed-mean',
    readonly workgroupSize = 64,
    readonly wide = false,
  ) {
    this.shaderSource = wide ? WGSL[`${name}-wide`] : WGSL[name];
    this.constants = { WORKGROUP_SIZE: workgroupSize };
    this.cacheKey = `${name}${wide ? '-wide' : ''};wg=${workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.wide ? 1 : this.workgroupSize, maxPerDimension);
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

/** The wide variant of `rule` (128 < K ≤ 4096): one 256-invocation workgroup per coordinate. */
export class WideCoordinateSelectProgram extends CoordinateSelectProgram {
  constructor(rule: 'median' | 'trimmed-mean') {
    super(rule, 256, true);
  }
}

/** Coordinates per chunk: all K rows of a chunk fit one binding of `limitBytes`. Precondition: 4·K ≤ limitBytes. */
export function planCoordinateChunk(k: number, p: number, limitBytes: number): number {
  return Math.max(1, Math.min(p, Math.floor(limitBytes / 4 / k)));
}

export class TrimmedMeanProgram extends CoordinateSelectProgram {
  constructor() {
    super('trimmed-mean');
  }
}
