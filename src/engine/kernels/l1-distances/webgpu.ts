/**
 * L1DistancesProgram: kernels/l1-distances.wgsl declared as data, plus the host's part — the chunk plan (rows per
 * dispatch within the binding and dispatch limits) and the uniforms. Float64 counts are rounded to float32 on the host
 * (checked for negative and non-finite values on the way); Uint32 counts go up as they are. And the kernel declaration
 * the runner executes (l1DistancesOnGpu).
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { l1DistancesReference } from './reference.js';
import { type L1DistancesInput, type L1DistancesOutput } from './contract.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import type { GpuProgram } from '../../gpu/program.js';

export const L1_DISTANCES_WORKGROUP_SIZE = 64;
/** Rows per dispatch at most (keeps each submission short on software adapters). */
export const L1_DISTANCES_MAX_ROWS = 1 << 18;

export class L1DistancesProgram implements GpuProgram {
  readonly name = 'l1-distances';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['l1-distances'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize = L1_DISTANCES_WORKGROUP_SIZE;

  constructor(readonly countsU32: boolean) {
    this.constants = { WORKGROUP_SIZE: this.workgroupSize, COUNTS_U32: countsU32 ? 1 : 0 };
    this.cacheKey = `${this.name};builtin;wg=${this.workgroupSize};u32=${countsU32 ? 1 : 0}`;
  }

  dispatch(rows: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(rows, this.workgroupSize, maxPerDimension);
  }

  /** Params { rows, classes, useTotals, 0 }. */
  uniforms(rows: number, classes: number, useTotals: boolean): ArrayBuffer {
    return packUniforms([
      { name: 'rows', type: 'u32', value: rows },
      { name: 'classes', type: 'u32', value: classes },
      { name: 'useTotals', type: 'u32', value: useTotals ? 1 : 0 },
      { name: 'pad', type: 'u32', value: 0 },
    ]);
  }
}

/** Rows per dispatch: rows × classes counts (4 bytes each) fit `limitBytes`, within the dispatch limits; 0 when one row does not fit. */
export function planL1Rows(rows: number, classes: number, limitBytes: number, maxPerDimension: number): number {
  return Math.min(
    rows,
    Math.floor(limitBytes / (classes * 4)),
    maxPerDimension ** 2 * L1_DISTANCES_WORKGROUP_SIZE,
    L1_DISTANCES_MAX_ROWS,
  );
}

/**
 * Float64 counts of rows [start, start + rows) rounded to float32 into `dest`; returns the first index (global) of a
 * negative or non-finite count, or −1.
 */
export function roundCounts(counts: Float64Array, start: number, length: number, dest: Float32Array): number {
  for (let i = 0; i < length; i++) {
    const v = counts[start + i]!;
    if (!(v >= 0 && v < Infinity)) return start + i;
    dest[i] = v;
  }
  return -1;
}

const PROGRAMS = [new L1DistancesProgram(false), new L1DistancesProgram(true)] as const;

type L1Buffer = 'params' | 'counts' | 'target' | 'totals' | 'out' | 'readback';

/**
 * L1 distances in float32 (kernels/l1-distances.wgsl: one invocation per row; accuracy (3·classes + 6)·2^-24 stated
 * there): rows in chunks that fit the binding and dispatch limits. Float64 counts are rounded to float32 (and checked)
 * on the host; a row longer than one binding runs the JS reference instead.
 */
export async function l1DistancesOnGpu(ctx: GpuContext, input: L1DistancesInput): Promise<L1DistancesOutput> {
  const { counts, groups, classes, totals } = input;
  const distances = new Float64Array(groups);
  if (groups === 0) return { distances, badCount: -1 };
  const maxPerDim = ctx.maxPerDimension;
  const chunkRows = planL1Rows(groups, classes, ctx.bindingBytes, maxPerDim);
  if (chunkRows === 0 || classes * 4 > ctx.bindingBytes) return l1DistancesReference(input);
  const u32 = counts instanceof Uint32Array;
  const program = PROGRAMS[u32 ? 1 : 0];
  const kernel = program.name;
  let badCount = -1;
  return runKernel<L1Buffer, L1DistancesOutput>(ctx, {
    method: 'l1Distances',
    programs: [program],
    plan: () => {
      const rounded = u32 ? undefined : new Float32Array(chunkRows * classes);
      const totals32 = totals ? new Float32Array(totals) : undefined;
      function* steps(): Generator<Step<L1Buffer>> {
        for (let start = 0; start < groups; start += chunkRows) {
          const rows = Math.min(chunkRows, groups - start);
          if (rounded) {
            // Rounded right before its upload: one scratch array serves every chunk.
            const bad = roundCounts(counts as Float64Array, start * classes, rows * classes, rounded);
            if (bad >= 0) {
              badCount = bad;
              return;
            }
          }
          yield {
            what: `running rows ${start}..${start + rows - 1}`,
            submit: [
              {
                label: `${kernel} rows ${start}`,
                writes: [
                  rounded
                    ? { to: 'counts', data: rounded, start: 0, count: rows * classes }
                    : { to: 'counts', data: counts, start: start * classes, count: rows * classes },
                  ...(totals32 ? [{ to: 'totals', data: totals32, start, count: rows } as const] : []),
                ],
                passes: [
                  {
                    uniforms: program.uniforms(rows, classes, totals32 !== undefined),
                    size: program.dispatch(rows, maxPerDim),
                  },
                ],
                copies: [{ from: 'out', to: 'readback', bytes: rows * 4 }],
              },
            ],
            read: [
              {
                from: 'readback',
                bytes: rows * 4,
                then: (words) => {
                  const values = new Float32Array(words);
                  for (let r = 0; r < rows; r++) distances[start + r] = values[r]! < 0 ? NaN : values[r]!;
                },
              },
            ],
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(16),
          counts: buf.input(chunkRows * classes * 4),
          target: buf.input(classes * 4),
          totals: buf.input(totals ? chunkRows * 4 : 4),
          out: buf.output(chunkRows * 4),
          readback: buf.readback(chunkRows * 4),
        },
        bind: ['params', 'counts', 'target', 'totals', 'out'],
        setup: [{ to: 'target', data: new Float32Array(input.target) }],
        steps: steps(),
        result: () => ({ distances, badCount }),
      };
    },
  });
}
