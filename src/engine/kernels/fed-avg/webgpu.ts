/**
 * FedAvg on WebGPU: kernels/fed-avg.wgsl declared as data (FedAvgProgram), the chunk plan (how K updates × P elements
 * are cut so that every binding fits the device), the float64 → (hi, lo) weight split, the per-dispatch uniforms, and
 * the kernel declaration the runner executes (fedAvgOnGpu): the updates stream up chunk by chunk, accumulate in
 * emulated float64 on the device, and come back through two readback buffers in flight.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { invalidArgument } from '../../../core/errors.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step, type Write } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import type { GpuProgram } from '../../gpu/program.js';
import { rowsOf } from '../../gpu/upload.js';

/** Uniform flag bits, mirrored from the shader. */
export const FED_AVG_FLAGS = { READ_PARTIAL: 1, WRITE_RESULT: 2 } as const;

export const DEFAULT_FED_AVG_WORKGROUP_SIZE = 256;

export class FedAvgProgram implements GpuProgram {
  readonly name: string;
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;

  /**
   * @param options.shaderSource replaces the kernel text (tests use it to check that compile errors surface as
   *   GPU_ERROR naming the kernel); the cache key then carries a hash of the text.
   */
  constructor(options: { workgroupSize?: number; shaderSource?: string; name?: string } = {}) {
    this.workgroupSize = options.workgroupSize ?? DEFAULT_FED_AVG_WORKGROUP_SIZE;
    this.name = options.name ?? 'fed-avg';
    this.shaderSource = options.shaderSource ?? WGSL['fed-avg'];
    this.constants = { WORKGROUP_SIZE: this.workgroupSize };
    const variant = options.shaderSource === undefined ? 'builtin' : `src:${hashText(options.shaderSource)}`;
    this.cacheKey = `${this.name};${variant};wg=${this.workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, kCount, flags, _pad } for one dispatch. */
  uniforms(count: number, kCount: number, flags: number): ArrayBuffer {
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'kCount', type: 'u32', value: kCount },
      { name: 'flags', type: 'u32', value: flags },
      { name: '_pad', type: 'u32', value: 0 },
    ]);
  }
}

/**
 * How a K × P FedAvg is cut. Elements go in chunks of `chunkP` (the last one shorter); within a chunk, updates go in
 * groups of `kGroup` (the last one smaller), each group one dispatch that binds kGroup × chunkP floats.
 */
export interface FedAvgPlan {
  chunkP: number;
  kGroup: number;
  chunks: number;
  groups: number;
}

/** Below this many columns per chunk, splitting over K (carrying partial sums) beats narrow chunks. */
const MIN_UNSPLIT_WIDTH = 65536;

/**
 * Pick chunkP and kGroup so that kGroup·chunkP·4 ≤ limitBytes (the updates binding), chunkP·8 ≤ limitBytes when
 * partial sums are carried, and kGroup·16 ≤ limitBytes (the weights binding). Prefers all K in one group with the
 * widest chunks; splits over K only when that would leave chunks narrower than min(P, 65536) columns.
 * @param limitBytes ≥ 16
 */
export function planFedAvg(k: number, p: number, limitBytes: number): FedAvgPlan {
  const limitFloats = Math.floor(limitBytes / 4);
  const unsplitWidth = Math.floor(limitFloats / k);
  let chunkP: number;
  let kGroup: number;
  if (unsplitWidth >= Math.min(p, MIN_UNSPLIT_WIDTH) && FLOATS_PER_WEIGHT * k <= limitFloats) {
    chunkP = Math.min(p, unsplitWidth);
    kGroup = k;
  } else {
    chunkP = Math.max(1, Math.min(p, MIN_UNSPLIT_WIDTH, Math.floor(limitFloats / 2)));
    kGroup = Math.max(1, Math.min(k, Math.floor(limitFloats / chunkP), Math.floor(limitFloats / FLOATS_PER_WEIGHT)));
  }
  return { chunkP, kGroup, chunks: Math.ceil(p / chunkP), groups: Math.ceil(k / kGroup) };
}

/** float32 values per weight in the weights buffer: (w1, w2, w3, 0), one vec4<f32>. */
export const FLOATS_PER_WEIGHT = 4;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 nearest x, cut to its top 12 significant bits (as the shader cuts u with SPLIT_MASK). */
function top12(x: number): number {
  f32[0] = x;
  u32[0] = u32[0]! & 0xfffff000;
  return f32[0]!;
}

/**
 * Each float64 weight as (w1, w2, w3, 0): w1 and w2 with 12 significant bits each, w3 = f32(w − w1 − w2), so that
 * w1 + w2 + w3 equals w to ~2^-46 relative and w1·u1, w1·u2, w2·u1 are exact in f32 for any 12-bit u1, u2.
 */
export function splitWeights(weights: Float64Array): Float32Array {
  const out = new Float32Array(FLOATS_PER_WEIGHT * weights.length);
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!;
    const w1 = top12(w);
    const w2 = top12(w - w1); // w − w1 is exact in float64
    const o = FLOATS_PER_WEIGHT * k;
    out[o] = w1;
    out[o + 1] = w2;
    out[o + 2] = Math.fround(w - w1 - w2);
  }
  return out;
}

type FedAvgBuffer = 'params' | 'weights' | 'updates' | 'partial' | 'result' | 'status' | 'readback';

/**
 * FedAvg of `updates` with `weights` into `out` on the context's device. Resolves to whether `out` holds a NaN or
 * ±Infinity: the kernel sets a status word as it writes one, and the word comes back behind the last chunk of results,
 * in the same mapping.
 */
export async function fedAvgOnGpu(
  ctx: GpuContext,
  program: FedAvgProgram,
  updates: readonly Float32Array[],
  weights: Float64Array,
  out: Float32Array,
): Promise<boolean> {
  const k = updates.length;
  const p = updates[0]!.length;
  if (out.length !== p) throw invalidArgument('out', `a Float32Array of length ${p}`, out);
  if (weights.length !== k) throw invalidArgument('weights', `a Float64Array of length ${k}`, weights);
  let status = 0;
  return runKernel<FedAvgBuffer, boolean>(ctx, {
    method: 'fedAvg',
    programs: [program],
    plan: () => {
      const plan = planFedAvg(k, p, ctx.bindingBytes);
      const { chunkP, kGroup } = plan;
      const split = splitWeights(weights);
      const kernel = program.name;
      function* steps(): Generator<Step<FedAvgBuffer>> {
        for (let c = 0; c < plan.chunks; c++) {
          const start = c * chunkP;
          const count = Math.min(chunkP, p - start);
          const lastChunk = c === plan.chunks - 1;
          // One dispatch per group of updates; the last one writes the chunk's result and brings it home.
          for (let k0 = 0, g = 0; k0 < k; k0 += kGroup, g++) {
            const kCount = Math.min(kGroup, k - k0);
            const last = k0 + kCount >= k;
            const flags = (g > 0 ? FED_AVG_FLAGS.READ_PARTIAL : 0) | (last ? FED_AVG_FLAGS.WRITE_RESULT : 0);
            const writes: Write<FedAvgBuffer>[] = [];
            if (plan.groups > 1) {
              writes.push({
                to: 'weights',
                data: split,
                start: FLOATS_PER_WEIGHT * k0,
                count: FLOATS_PER_WEIGHT * kCount,
              });
            }
            writes.push({ to: 'updates', put: rowsOf(updates, k0, kCount, start, count) });
            yield {
              what: `running chunk ${c} (elements ${start}..${start + count - 1}, updates ${k0}..${k0 + kCount - 1})`,
              submit: [
                {
                  label: `${kernel} chunk ${c}`,
                  writes,
                  passes: [
                    {
                      uniforms: program.uniforms(count, kCount, flags),
                      size: program.dispatch(count, ctx.maxPerDimension),
                    },
                  ],
                  copies: last
                    ? [
                        { from: 'result', to: 'readback', bytes: count * 4 },
                        // After every dispatch of the call (queue order): the word holds what all chunks reported.
                        ...(lastChunk ? [{ from: 'status', to: 'readback', bytes: 4, at: count * 4 } as const] : []),
                      ]
                    : [],
                },
              ],
              ...(last && {
                read: [
                  lastChunk
                    ? { from: 'readback', into: out, at: start, count, status: (word: number) => (status = word) }
                    : { from: 'readback', into: out, at: start, count },
                ],
              }),
            };
          }
        }
      }
      return {
        buffers: {
          params: buf.uniform(16),
          weights: buf.input(kGroup * FLOATS_PER_WEIGHT * 4),
          updates: buf.input(kGroup * chunkP * 4),
          partial: buf.scratch(plan.groups > 1 ? chunkP * 8 : 8),
          result: buf.output(chunkP * 4),
          status: buf.inout(4),
          // One word more than a chunk of results: the last chunk brings the status word back behind its results.
          readback: buf.readback(chunkP * 4 + 4, undefined, plan.chunks > 1 ? 2 : 1),
        },
        bind: ['params', 'weights', 'updates', 'partial', 'result', 'status'],
        setup: [
          ...(plan.groups === 1 ? [{ to: 'weights', data: split } as const] : []),
          { to: 'status', data: new Uint32Array(1) },
        ],
        inFlight: 2,
        steps: steps(),
        result: () => status !== 0,
      };
    },
  });
}

function hashText(text: string): string {
  // FNV-1a, 32 bit: only distinguishes test variants in cache keys.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
