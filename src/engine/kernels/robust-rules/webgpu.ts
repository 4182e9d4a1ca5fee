/**
 * MedianProgram (kernels/median.wgsl) declared as data, and what it shares with TrimmedMeanProgram
 * (kernels/trimmed-mean.wgsl): one invocation per coordinate sorting its K keys in a private array (K ≤ 128), or, as
 * the wide variants (kernels/median-wide.wgsl, kernels/trimmed-mean-wide.wgsl), one workgroup per coordinate
 * bitonic-sorting them in workgroup memory (K ≤ 4096); the chunk plan (all K updates of a chunk of coordinates bound
 * at once), the per-dispatch uniforms, and the kernel declaration the runner executes (coordinateMedianOnGpu,
 * trimmedMeanOnGpu), with the JS reference above K = 4096.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { medianReference, trimmedMeanReference } from './reference.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import type { GpuProgram } from '../../gpu/program.js';
import { rowsOf } from '../../gpu/upload.js';

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

const PROGRAMS = {
  median: new MedianProgram(),
  'trimmed-mean': new TrimmedMeanProgram(),
  'median-wide': new WideCoordinateSelectProgram('median'),
  'trimmed-mean-wide': new WideCoordinateSelectProgram('trimmed-mean'),
};

/**
 * Coordinate-wise median, bit-exact with the reference: kernels/median.wgsl (one invocation per coordinate) up to
 * K = ROBUST_GPU_MAX_K (128, the shader's private sort array), kernels/median-wide.wgsl (one workgroup per
 * coordinate) up to ROBUST_GPU_WIDE_MAX_K (4096, its workgroup-memory sort array), the JS reference above.
 */
export async function coordinateMedianOnGpu(
  ctx: GpuContext,
  updates: readonly Float32Array[],
  scales: Float32Array | undefined,
  out: Float32Array,
): Promise<boolean> {
  const k = updates.length;
  if (k > ROBUST_GPU_WIDE_MAX_K) return medianReference(updates, scales, out);
  const lo = (k - 1) >> 1;
  const program = k > ROBUST_GPU_MAX_K ? PROGRAMS['median-wide'] : PROGRAMS.median;
  return coordinateSelect(ctx, program, updates, lo, k - lo, scales, out);
}

/** Trimmed mean: kernels/trimmed-mean.wgsl, kernels/trimmed-mean-wide.wgsl or the reference (as the median). */
export async function trimmedMeanOnGpu(
  ctx: GpuContext,
  updates: readonly Float32Array[],
  trimCount: number,
  scales: Float32Array | undefined,
  out: Float32Array,
): Promise<boolean> {
  const k = updates.length;
  if (k > ROBUST_GPU_WIDE_MAX_K) return trimmedMeanReference(updates, trimCount, scales, out);
  const program = k > ROBUST_GPU_MAX_K ? PROGRAMS['trimmed-mean-wide'] : PROGRAMS['trimmed-mean'];
  return coordinateSelect(ctx, program, updates, trimCount, k - trimCount, scales, out);
}

type SelectBuffer = 'params' | 'scales' | 'updates' | 'result' | 'status' | 'readback' | 'statusRead';

/** A per-coordinate select kernel over chunks of coordinates that bind all K updates at once. */
function coordinateSelect(
  ctx: GpuContext,
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
  let status = 0;
  return runKernel<SelectBuffer, boolean>(ctx, {
    method: kernel,
    programs: [program],
    plan: () => {
      const chunkP = planCoordinateChunk(k, p, ctx.bindingBytes);
      function* steps(): Generator<Step<SelectBuffer>> {
        for (let start = 0; start < p; start += chunkP) {
          const count = Math.min(chunkP, p - start);
          const last = start + count >= p;
          yield {
            what: `running elements ${start}..${start + count - 1}`,
            submit: [
              {
                label: `${kernel} chunk at ${start}`,
                writes: [{ to: 'updates', put: rowsOf(updates, 0, k, start, count) }],
                passes: [
                  { uniforms: program.uniforms(count, k, lo, hi), size: program.dispatch(count, ctx.maxPerDimension) },
                ],
                copies: [
                  { from: 'result', to: 'readback', bytes: count * 4 },
                  ...(last ? [{ from: 'status', to: 'statusRead', bytes: 4 } as const] : []),
                ],
              },
            ],
            read: [
              { from: 'readback', into: out, at: start, count },
              ...(last
                ? [
                    {
                      from: 'statusRead',
                      bytes: 4,
                      then: (w: ArrayBuffer) => (status = new Uint32Array(w)[0]!),
                    } as const,
                  ]
                : []),
            ],
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(32),
          scales: buf.input(k * 4),
          updates: buf.input(k * chunkP * 4),
          result: buf.output(chunkP * 4),
          status: buf.inout(4),
          readback: buf.readback(chunkP * 4),
          statusRead: buf.readback(4, 'status readback'),
        },
        bind: ['params', 'scales', 'updates', 'result', 'status'],
        setup: [
          { to: 'scales', data: scales ?? new Float32Array(k).fill(1) },
          { to: 'status', data: new Uint32Array(1) },
        ],
        steps: steps(),
        result: () => status !== 0,
      };
    },
  });
}
