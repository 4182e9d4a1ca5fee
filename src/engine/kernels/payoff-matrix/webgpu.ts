/**
 * PayoffMatrixProgram: kernels/payoff-matrix.wgsl declared as data, plus what the host needs to run it — the row
 * chunk plan (every binding within the device's limits), the float32 packing of rows and items, and the uniforms.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { PAYOFF_ROW_FIELDS, scenarioConstants } from '../../reference/payoff-matrix.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import type { GpuProgram } from '../../gpu/program.js';

/** Uniform flag bits, mirrored from the shader. */
export const PAYOFF_MATRIX_FLAGS = { WRITE_GAINS: 1 } as const;

export const DEFAULT_PAYOFF_MATRIX_WORKGROUP_SIZE = 64;
/** float32 values per row (two vec4) and per batch item (two vec4) in the device buffers. */
export const GPU_ROW_FLOATS = 8;
export const GPU_ITEM_FLOATS = 8;

export class PayoffMatrixProgram implements GpuProgram {
  readonly name = 'payoff-matrix';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['payoff-matrix'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;

  constructor(options: { workgroupSize?: number } = {}) {
    this.workgroupSize = options.workgroupSize ?? DEFAULT_PAYOFF_MATRIX_WORKGROUP_SIZE;
    this.constants = { WORKGROUP_SIZE: this.workgroupSize };
    this.cacheKey = `${this.name};builtin;wg=${this.workgroupSize}`;
  }

  dispatch(rowCount: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(rowCount, this.workgroupSize, maxPerDimension);
  }

  /** Params { rowStart, rowCount, rowsPerItem, gridSize, flags, pad×3 }. */
  uniforms(rowStart: number, rowCount: number, rowsPerItem: number, gridSize: number, flags: number): ArrayBuffer {
    return packUniforms([
      { name: 'rowStart', type: 'u32', value: rowStart },
      { name: 'rowCount', type: 'u32', value: rowCount },
      { name: 'rowsPerItem', type: 'u32', value: rowsPerItem },
      { name: 'gridSize', type: 'u32', value: gridSize },
      { name: 'flags', type: 'u32', value: flags },
      { name: '_pad0', type: 'u32', value: 0 },
      { name: '_pad1', type: 'u32', value: 0 },
      { name: '_pad2', type: 'u32', value: 0 },
    ]);
  }
}

/**
 * Rows per dispatch so that the gains (rows × S floats, when written), the rows (8 floats each) and the argmax
 * (2 words each) of one chunk each fit in `limitBytes`, and the workgroups fit a 2-D grid.
 */
export function planPayoffChunks(
  rowCount: number,
  gridSize: number,
  writeGains: boolean,
  limitBytes: number,
  maxRowsPerDispatch: number,
): { chunkRows: number; chunks: number } {
  const perRow = Math.max(GPU_ROW_FLOATS * 4, writeGains ? gridSize * 4 : 0);
  const chunkRows = Math.max(1, Math.min(rowCount, Math.floor(limitBytes / perRow), maxRowsPerDispatch));
  return { chunkRows, chunks: Math.ceil(rowCount / chunkRows) };
}

/** Each item as (D, Q/D, A·D^−β, β), (η, 0, 0, 0): the products are taken in float64 before rounding. */
export function packItems(scenarios: Float64Array, batch: number): Float32Array {
  const out = new Float32Array(batch * GPU_ITEM_FLOATS);
  for (let b = 0; b < batch; b++) {
    const { D, QD, AD, beta, eta } = scenarioConstants(scenarios, b);
    const o = b * GPU_ITEM_FLOATS;
    out[o] = D;
    out[o + 1] = QD;
    out[o + 2] = AD;
    out[o + 3] = beta;
    out[o + 4] = eta;
  }
  return out;
}

/** The packed float64 rows (d, x, X, k, w, m, c, 0) rounded to float32, same layout. */
export function packRows(rows: Float64Array): Float32Array {
  if (PAYOFF_ROW_FIELDS !== GPU_ROW_FLOATS) throw new Error('row layouts differ');
  return new Float32Array(rows);
}

export const DEFAULT_ROW_SUMS_WORKGROUP_SIZE = 256;
/** Vectors one dispatch handles (the shader's vec4 of sums). */
export const ROW_SUMS_MAX_VECTORS = 4;

export class PayoffRowSumsProgram implements GpuProgram {
  readonly name = 'payoff-row-sums';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['payoff-row-sums'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;

  constructor(options: { workgroupSize?: number } = {}) {
    const wg = options.workgroupSize ?? DEFAULT_ROW_SUMS_WORKGROUP_SIZE;
    if (!(wg >= 1 && (wg & (wg - 1)) === 0)) throw new Error(`workgroup size ${wg} is not a power of two`);
    this.workgroupSize = wg;
    this.constants = { WORKGROUP_SIZE: wg };
    this.cacheKey = `${this.name};builtin;wg=${wg}`;
  }

  /** One workgroup per row. */
  dispatch(rowCount: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(rowCount, 1, maxPerDimension);
  }

  /** Params { n, rowCount, rowStart, vectorBase, vectorCount, pad×3 }. */
  uniforms(n: number, rowCount: number, rowStart: number, vectorBase: number, vectorCount: number): ArrayBuffer {
    return packUniforms([
      { name: 'n', type: 'u32', value: n },
      { name: 'rowCount', type: 'u32', value: rowCount },
      { name: 'rowStart', type: 'u32', value: rowStart },
      { name: 'vectorBase', type: 'u32', value: vectorBase },
      { name: 'vectorCount', type: 'u32', value: vectorCount },
      { name: '_pad0', type: 'u32', value: 0 },
      { name: '_pad1', type: 'u32', value: 0 },
      { name: '_pad2', type: 'u32', value: 0 },
    ]);
  }
}

/** Rows of one n-column matrix per chunk so that the chunk (rows × n floats) fits in `limitBytes`. */
export function planRowSumChunks(
  n: number,
  limitBytes: number,
  maxRowsPerDispatch: number,
): { chunkRows: number; chunks: number } {
  const chunkRows = Math.max(1, Math.min(n, Math.floor(limitBytes / (n * 4)), maxRowsPerDispatch));
  return { chunkRows, chunks: Math.ceil(n / chunkRows) };
}
