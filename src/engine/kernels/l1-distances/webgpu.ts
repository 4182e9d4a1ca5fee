/**
 * L1DistancesProgram: kernels/l1-distances.wgsl declared as data, plus the host's part — the chunk plan (rows per
 * dispatch within the binding and dispatch limits) and the uniforms. Float64 counts are rounded to float32 on the host
 * (checked for negative and non-finite values on the way); Uint32 counts go up as they are.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
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
