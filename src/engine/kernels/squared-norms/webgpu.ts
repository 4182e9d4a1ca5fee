/**
 * SquaredNormsProgram: kernels/squared-norms.wgsl declared as data, plus what the host needs to run it — the chunk
 * plan (rows of updates × elements, every binding within the device's limits), the per-dispatch uniforms, and the
 * float64 sum of the workgroups' (hi, lo, e, flags) partials into ‖u_k‖², and the kernel declaration the runner
 * executes (squaredNormsOnGpu).
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import type { GpuProgram } from '../../gpu/program.js';
import { rowsOf } from '../../gpu/upload.js';

export const DEFAULT_SQUARED_NORMS_WORKGROUP_SIZE = 256;
/** Elements per invocation (ITEMS in the shader). */
export const SQUARED_NORMS_ITEMS = 16;
/** Bytes per partial: struct Partial { hi: f32, lo: f32, e: i32, flags: u32 }. */
export const SQUARED_NORMS_PARTIAL_BYTES = 16;
/** Partial flag bits, mirrored from the shader. */
export const SQUARED_NORMS_FLAGS = { NAN: 1, INF: 2 } as const;

export class SquaredNormsProgram implements GpuProgram {
  readonly name = 'squared-norms';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['squared-norms'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;
  /** Elements one workgroup reduces into one partial. */
  readonly elementsPerGroup: number;

  /** @param options.workgroupSize a power of two (the shader's tree reduction halves it), default 256 */
  constructor(options: { workgroupSize?: number; items?: number } = {}) {
    const size = options.workgroupSize ?? DEFAULT_SQUARED_NORMS_WORKGROUP_SIZE;
    const items = options.items ?? SQUARED_NORMS_ITEMS;
    if (!(Number.isInteger(size) && size >= 1 && (size & (size - 1)) === 0)) {
      throw new RangeError(`Expected a power of two for workgroupSize but received ${size}`);
    }
    if (!(Number.isInteger(items) && items >= 1)) {
      throw new RangeError(`Expected an integer ≥ 1 for items but received ${items}`);
    }
    this.workgroupSize = size;
    this.elementsPerGroup = size * items;
    this.constants = { WORKGROUP_SIZE: size, ITEMS: items };
    this.cacheKey = `${this.name};builtin;wg=${size};items=${items}`;
  }

  /** One workgroup per partial: `groups` workgroups, as a 2-D grid when one dimension is not enough. */
  dispatch(groups: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(groups * this.workgroupSize, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, groupsPerRow, groups, zero = 0 } for one dispatch over `rows` rows of `count` elements. */
  uniforms(count: number, rows: number): ArrayBuffer {
    const groupsPerRow = Math.ceil(count / this.elementsPerGroup);
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'groupsPerRow', type: 'u32', value: groupsPerRow },
      { name: 'groups', type: 'u32', value: rows * groupsPerRow },
      { name: 'zero', type: 'u32', value: 0 },
    ]);
  }
}

/**
 * How K updates × P elements are cut: rows of `kGroup` updates (the last group smaller) × chunks of `chunkP` elements
 * (the last one shorter). kGroup > 1 only when a whole update fits one chunk (chunkP = P).
 */
export interface SquaredNormsPlan {
  chunkP: number;
  kGroup: number;
  /** Workgroups (= partials) of a full chunk: kGroup · ⌈chunkP / elementsPerGroup⌉. */
  groups: number;
}

/**
 * Pick chunkP and kGroup so that the updates binding (kGroup·chunkP·4 bytes) and the partials binding (16 bytes per
 * workgroup) fit `limitBytes`, and one dispatch needs at most maxPerDimension² workgroups. Chunks of P are whole
 * multiples of elementsPerGroup when the limit allows. @param limitBytes ≥ 16
 */
export function planSquaredNorms(
  k: number,
  p: number,
  limitBytes: number,
  maxPerDimension: number,
  elementsPerGroup: number,
): SquaredNormsPlan {
  const limitFloats = Math.floor(limitBytes / 4);
  const maxGroups = Math.max(1, Math.min(Math.floor(limitBytes / SQUARED_NORMS_PARTIAL_BYTES), maxPerDimension ** 2));
  let chunkP = Math.min(p, limitFloats, maxGroups * elementsPerGroup);
  if (chunkP < p && chunkP >= elementsPerGroup) chunkP -= chunkP % elementsPerGroup;
  chunkP = Math.max(1, chunkP);
  const perRow = Math.ceil(chunkP / elementsPerGroup);
  const kGroup =
    chunkP === p ? Math.max(1, Math.min(k, Math.floor(limitFloats / chunkP), Math.floor(maxGroups / perRow))) : 1;
  return { chunkP, kGroup, groups: kGroup * perRow };
}

const POW2 = new DataView(new ArrayBuffer(8));
/** 2^n exactly, for integers −1022 ≤ n ≤ 1023. */
function pow2(n: number): number {
  POW2.setUint32(0, (n + 1023) << 20);
  POW2.setUint32(4, 0);
  return POW2.getFloat64(0);
}

/**
 * Add a dispatch's partials (the readback of `groups` Partial structs) into `sums` (float64) and `flags` (OR), rows
 * [k0, k0 + groups / perRow). A partial's hi + lo is rounded once in float64 (2^-53 relative); the power of two is
 * exact (hi + lo ∈ [1, 2^16] for a non-zero partial and −298 ≤ 2e ≤ 254, so nothing leaves float64's range).
 */
export function addPartials(
  words: ArrayBuffer,
  groups: number,
  perRow: number,
  k0: number,
  sums: Float64Array,
  flags: Uint32Array,
): void {
  const f = new Float32Array(words, 0, groups * 4);
  const i = new Int32Array(words, 0, groups * 4);
  for (let g = 0; g < groups; g++) {
    const row = k0 + Math.floor(g / perRow);
    const hi = f[4 * g]!;
    const lo = f[4 * g + 1]!;
    const e = i[4 * g + 2]!;
    flags[row]! |= i[4 * g + 3]!;
    if (hi !== 0) sums[row]! += (hi + lo) * pow2(2 * e);
  }
}

/** The squared norms from the summed partials: NaN for an update with a NaN, else +Infinity for one with ±Infinity. */
export function finishSquaredNorms(sums: Float64Array, flags: Uint32Array): Float64Array {
  for (let k = 0; k < sums.length; k++) {
    if (flags[k]! & SQUARED_NORMS_FLAGS.NAN) sums[k] = NaN;
    else if (flags[k]! & SQUARED_NORMS_FLAGS.INF) sums[k] = Infinity;
  }
  return sums;
}

const SQUARED_NORMS = new SquaredNormsProgram();

type SquaredNormsBuffer = 'params' | 'updates' | 'partials' | 'readback';

/**
 * ‖u_k‖² per update: each workgroup reduces its elements to one partial, exact squares summed in double-f32 after an
 * exact power-of-two scaling (so no f32 overflow or underflow), and the host adds the partials in float64: within
 * ~2e-13 relative of the exact sum for any finite data (a bound; measured ≤ 2e-15). NaN for an update that holds a
 * NaN, else +Infinity for one that holds ±Infinity. Rows of updates × chunks of elements, one dispatch each, keep
 * every binding within the device's limits.
 */
export function squaredNormsOnGpu(
  ctx: GpuContext,
  updates: readonly Float32Array[],
  program: SquaredNormsProgram = SQUARED_NORMS,
): Promise<Float64Array> {
  const k = updates.length;
  const p = updates[0]!.length;
  const kernel = program.name;
  return runKernel<SquaredNormsBuffer, Float64Array>(ctx, {
    method: 'squaredNorms',
    programs: [program],
    plan: () => {
      const maxPerDim = ctx.maxPerDimension;
      const { chunkP, kGroup, groups } = planSquaredNorms(k, p, ctx.bindingBytes, maxPerDim, program.elementsPerGroup);
      const sums = new Float64Array(k);
      const nonFinite = new Uint32Array(k);
      function* steps(): Generator<Step<SquaredNormsBuffer>> {
        for (let k0 = 0; k0 < k; k0 += kGroup) {
          const rows = Math.min(kGroup, k - k0);
          for (let start = 0; start < p; start += chunkP) {
            const count = Math.min(chunkP, p - start);
            const perRow = Math.ceil(count / program.elementsPerGroup);
            const bytes = rows * perRow * SQUARED_NORMS_PARTIAL_BYTES;
            yield {
              what: `running updates ${k0}..${k0 + rows - 1}, elements ${start}..${start + count - 1}`,
              submit: [
                {
                  label: `${kernel} updates ${k0} elements ${start}`,
                  writes: [{ to: 'updates', put: rowsOf(updates, k0, rows, start, count) }],
                  passes: [
                    { uniforms: program.uniforms(count, rows), size: program.dispatch(rows * perRow, maxPerDim) },
                  ],
                  copies: [{ from: 'partials', to: 'readback', bytes }],
                },
              ],
              read: [
                { from: 'readback', bytes, then: (w) => addPartials(w, rows * perRow, perRow, k0, sums, nonFinite) },
              ],
            };
          }
        }
      }
      return {
        buffers: {
          params: buf.uniform(16),
          updates: buf.input(kGroup * chunkP * 4),
          partials: buf.output(groups * SQUARED_NORMS_PARTIAL_BYTES),
          readback: buf.readback(groups * SQUARED_NORMS_PARTIAL_BYTES),
        },
        bind: ['params', 'updates', 'partials'],
        steps: steps(),
        result: () => finishSquaredNorms(sums, nonFinite),
      };
    },
  });
}
