/**
 * CoalitionValuesProgram: kernels/coalition-values.wgsl declared as data, plus what the host needs to run it — the
 * chunk plan (one invocation per coalition, every binding within the device's limits), the float32 packing of the
 * members and pair weights, the uniforms, and the kernel declaration the runner executes (coalitionValuesOnGpu).
 */
import {
  COALITION_MEMBER_FIELDS,
  emptyKernelStats,
  MEMBER,
  type CoalitionValuesInput,
  type CoalitionValuesOutput,
} from './contract.js';
import { packUniforms } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram } from '../../gpu/program.js';

export const DEFAULT_COALITION_VALUES_WORKGROUP_SIZE = 64;
/** float32 values per member in the device buffer (two vec4): (d, s, X, e), (μ, k0, 0, 0). */
export const GPU_MEMBER_FLOATS = 8;
/** Status words the shader writes beside each value. */
export const COALITION_STATUS = { OK: 0, NOT_CONCAVE: 1, CAP: 2 } as const;
/** Coalitions per dispatch at most (keeps each submission short on software adapters). */
export const COALITION_MAX_CHUNK = 1 << 18;

export class CoalitionValuesProgram extends BuiltinProgram {
  constructor(options: { workgroupSize?: number } = {}) {
    super('coalition-values', options.workgroupSize ?? DEFAULT_COALITION_VALUES_WORKGROUP_SIZE);
  }

  /** Params { first, count, n, useList, base, A, β, η }. */
  uniforms(first: number, count: number, input: CoalitionValuesInput): ArrayBuffer {
    const c = input.curve;
    return packUniforms([
      { name: 'first', type: 'u32', value: first },
      { name: 'count', type: 'u32', value: count },
      { name: 'n', type: 'u32', value: input.n },
      { name: 'useList', type: 'u32', value: input.masks ? 1 : 0 },
      { name: 'base', type: 'f32', value: c.base },
      { name: 'A', type: 'f32', value: c.scale },
      { name: 'beta', type: 'f32', value: c.exponent },
      { name: 'eta', type: 'f32', value: c.heterogeneity },
    ]);
  }
}

/** Coalitions per dispatch: the 8-byte results (and 4-byte masks) of a chunk fit `limitBytes` and a 2-D grid. */
export function planCoalitionChunks(
  count: number,
  limitBytes: number,
  maxPerDispatch: number,
): { chunk: number; chunks: number } {
  const chunk = Math.max(1, Math.min(count, Math.floor(limitBytes / 8), maxPerDispatch, COALITION_MAX_CHUNK));
  return { chunk, chunks: Math.ceil(count / chunk) };
}

/** The members as float32 (d, s, X, e), (μ, k0, 0, 0). */
export function packMembers(input: CoalitionValuesInput): Float32Array {
  const out = new Float32Array(Math.max(1, input.n) * GPU_MEMBER_FLOATS);
  for (let i = 0; i < input.n; i++) {
    const p = i * COALITION_MEMBER_FIELDS;
    const o = i * GPU_MEMBER_FLOATS;
    const m = input.members;
    out[o] = m[p + MEMBER.d];
    out[o + 1] = m[p + MEMBER.s];
    out[o + 2] = m[p + MEMBER.X];
    out[o + 3] = m[p + MEMBER.e];
    out[o + 4] = m[p + MEMBER.mu];
    out[o + 5] = m[p + MEMBER.k0];
  }
  return out;
}

const COALITION_VALUES = new CoalitionValuesProgram();

type CoalitionBuffer = 'params' | 'members' | 'weights' | 'masks' | 'out' | 'readback';

/**
 * The coalition-value kernel in float32: one invocation per coalition, in chunks that fit the binding limits; status
 * words mark the coalitions that are not concave (NaN here, as on every backend) and those that hit the iteration cap
 * (counted in notConverged).
 */
export async function coalitionValuesOnGpu(
  ctx: GpuContext,
  input: CoalitionValuesInput,
  program: CoalitionValuesProgram = COALITION_VALUES,
): Promise<CoalitionValuesOutput> {
  const stats = emptyKernelStats();
  const values = new Float64Array(input.count);
  if (input.count === 0) return { values, stats };
  const kernel = program.name;
  return runKernel<CoalitionBuffer, CoalitionValuesOutput>(ctx, {
    method: 'coalitionValues',
    programs: [program],
    plan: () => {
      const maxPerDim = ctx.maxPerDimension;
      const { chunk } = planCoalitionChunks(
        input.count,
        ctx.bindingBytes,
        maxPerDim * maxPerDim * program.workgroupSize,
      );
      const members32 = packMembers(input);
      const weights32 = input.n > 0 ? new Float32Array(input.pairWeights) : new Float32Array(1);
      const { masks } = input;
      function* steps(): Generator<Step<CoalitionBuffer>> {
        for (let start = 0; start < input.count; start += chunk) {
          const count = Math.min(chunk, input.count - start);
          const decode = (words: ArrayBuffer) => {
            const asValue = new Float32Array(words);
            const asStatus = new Uint32Array(words);
            for (let k = 0; k < count; k++) {
              const status = asStatus[2 * k + 1]!;
              const mask = masks ? masks[start + k]! : input.first + start + k;
              if (status === COALITION_STATUS.NOT_CONCAVE) {
                values[start + k] = NaN;
                stats.nonConcave++;
                continue;
              }
              values[start + k] = asValue[2 * k]!;
              if (mask !== 0) stats.solves++;
              if (status === COALITION_STATUS.CAP) stats.notConverged++;
            }
          };
          yield {
            what: `running coalitions ${start}..${start + count - 1}`,
            submit: [
              {
                label: `${kernel} coalitions ${start}`,
                writes: masks ? [{ to: 'masks', data: masks, start, count }] : [],
                passes: [
                  {
                    uniforms: program.uniforms(masks ? 0 : input.first + start, count, input),
                    size: program.dispatch(count, maxPerDim),
                  },
                ],
                copies: [{ from: 'out', to: 'readback', bytes: count * 8 }],
              },
            ],
            read: [{ from: 'readback', bytes: count * 8, then: decode }],
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(32),
          members: buf.input(members32.byteLength),
          weights: buf.input(weights32.byteLength),
          masks: buf.input(masks ? chunk * 4 : 4),
          out: buf.output(chunk * 8),
          readback: buf.readback(chunk * 8),
        },
        bind: ['params', 'members', 'weights', 'masks', 'out'],
        setup: [
          { to: 'members', data: members32 },
          { to: 'weights', data: weights32 },
        ],
        steps: steps(),
        result: () => ({ values, stats }),
      };
    },
  });
}
