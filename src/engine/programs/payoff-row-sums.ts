/**
 * PayoffRowSumsProgram: kernels/payoff-row-sums.wgsl declared as data (dense row sums, one workgroup per matrix
 * row, up to 4 vectors per dispatch), with its uniforms and row-chunk plan.
 */
import { WGSL } from '../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from './dispatch.js';
import type { GpuProgram } from './program.js';

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
