/**
 * The payoff-matrix kernels on WebGPU. PayoffMatrixProgram: kernels/payoff-matrix.wgsl declared as data, plus what
 * the host needs to run it — the row chunk plan (every binding within the device's limits), the float32 packing of
 * rows and items, and the uniforms. PayoffRowSumsProgram: kernels/payoff-row-sums.wgsl (dense row sums, one workgroup
 * per matrix row, up to 4 vectors per dispatch), with its uniforms and row-chunk plan. And the two kernel
 * declarations the runner executes (payoffMatrixOnGpu, denseRowSumsOnGpu).
 */
import { invalidArgument } from '../../../core/errors.js';
import {
  denseRowSumsShape,
  PAYOFF_ROW_FIELDS,
  scenarioConstants,
  type DenseRowSumsInput,
  type PayoffMatrixInput,
  type PayoffMatrixOutput,
} from './contract.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step, type Submission, type Write } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram } from '../../gpu/program.js';

/** Uniform flag bits, mirrored from the shader. */
export const PAYOFF_MATRIX_FLAGS = { WRITE_GAINS: 1 } as const;

export const DEFAULT_PAYOFF_MATRIX_WORKGROUP_SIZE = 64;
/** float32 values per row (two vec4) and per batch item (two vec4) in the device buffers. */
export const GPU_ROW_FLOATS = 8;
export const GPU_ITEM_FLOATS = 8;

export class PayoffMatrixProgram extends BuiltinProgram {
  constructor(options: { workgroupSize?: number } = {}) {
    super('payoff-matrix', options.workgroupSize ?? DEFAULT_PAYOFF_MATRIX_WORKGROUP_SIZE);
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

const PAYOFF_MATRIX = new PayoffMatrixProgram();

type PayoffBuffer = 'params' | 'items' | 'rows' | 'grid' | 'gains' | 'best' | 'gainsRead' | 'bestRead';

/**
 * The payoff-matrix kernel in float32: rows in chunks that fit the binding limits, one dispatch per chunk, gains and
 * argmax read back per chunk. INVALID_ARGUMENT when the scenarios or the grid do not fit one binding.
 */
export function payoffMatrixOnGpu(
  ctx: GpuContext,
  input: PayoffMatrixInput,
  program: PayoffMatrixProgram = PAYOFF_MATRIX,
): Promise<PayoffMatrixOutput> {
  const kernel = program.name;
  return runKernel<PayoffBuffer, PayoffMatrixOutput>(ctx, {
    method: 'payoffMatrix',
    programs: [program],
    plan: () => {
      const { batch, rowsPerItem, grid, writeGains } = input;
      const rowCount = batch * rowsPerItem;
      const S = grid.length;
      const maxPerDim = ctx.maxPerDimension;
      const limit = ctx.bindingBytes;
      const plan = planPayoffChunks(rowCount, S, writeGains, limit, maxPerDim * maxPerDim * program.workgroupSize);
      const rows32 = packRows(input.rows);
      const items32 = packItems(input.scenarios, batch);
      const grid32 = new Float32Array(grid);
      for (const [name, bytes] of [
        ['scenarios', items32.byteLength],
        ['grid', grid32.byteLength],
      ] as const) {
        if (bytes > limit) throw invalidArgument(name, `at most ${limit} bytes of float32 on this device`, input[name]);
      }
      const gains = writeGains ? new Float64Array(rowCount * S) : null;
      const bestIndex = new Int32Array(rowCount);
      const bestGain = new Float64Array(rowCount);
      const { chunkRows } = plan;
      const gainsBytes = writeGains ? chunkRows * S * 4 : 4;
      const flags = writeGains ? PAYOFF_MATRIX_FLAGS.WRITE_GAINS : 0;
      function* steps(): Generator<Step<PayoffBuffer>> {
        for (let start = 0; start < rowCount; start += chunkRows) {
          const count = Math.min(chunkRows, rowCount - start);
          const best = (words: ArrayBuffer) => {
            const asIndex = new Uint32Array(words);
            const asGain = new Float32Array(words);
            for (let i = 0; i < count; i++) {
              bestIndex[start + i] = asIndex[2 * i]!;
              bestGain[start + i] = asGain[2 * i + 1]!;
            }
          };
          yield {
            what: `running rows ${start}..${start + count - 1}`,
            submit: [
              {
                label: `${kernel} rows ${start}`,
                writes: [{ to: 'rows', data: rows32, start: start * GPU_ROW_FLOATS, count: count * GPU_ROW_FLOATS }],
                passes: [
                  {
                    uniforms: program.uniforms(start, count, rowsPerItem, S, flags),
                    size: program.dispatch(count, maxPerDim),
                  },
                ],
                copies: [
                  ...(gains ? [{ from: 'gains', to: 'gainsRead', bytes: count * S * 4 } as const] : []),
                  { from: 'best', to: 'bestRead', bytes: count * 8 },
                ],
              },
            ],
            read: [
              ...(gains
                ? [
                    {
                      from: 'gainsRead',
                      bytes: count * S * 4,
                      then: (w: ArrayBuffer) => gains.set(new Float32Array(w), start * S),
                    } as const,
                  ]
                : []),
              { from: 'bestRead', bytes: count * 8, then: best },
            ],
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(32),
          items: buf.input(items32.byteLength),
          rows: buf.input(chunkRows * GPU_ROW_FLOATS * 4),
          grid: buf.input(grid32.byteLength),
          gains: buf.output(gainsBytes),
          best: buf.output(chunkRows * 8),
          ...(writeGains && { gainsRead: buf.readback(gainsBytes, 'gains readback') }),
          bestRead: buf.readback(chunkRows * 8, 'best readback'),
        },
        bind: ['params', 'items', 'rows', 'grid', 'gains', 'best'],
        setup: [
          { to: 'items', data: items32 },
          { to: 'grid', data: grid32 },
        ],
        steps: steps(),
        result: () => ({ gains, bestIndex, bestGain }),
      };
    },
  });
}

export const DEFAULT_ROW_SUMS_WORKGROUP_SIZE = 256;
/** Vectors one dispatch handles (the shader's vec4 of sums). */
export const ROW_SUMS_MAX_VECTORS = 4;

export class PayoffRowSumsProgram extends BuiltinProgram {
  constructor(options: { workgroupSize?: number } = {}) {
    const wg = options.workgroupSize ?? DEFAULT_ROW_SUMS_WORKGROUP_SIZE;
    // The row's workgroup reduces in a tree: its size must halve down to one.
    if (!(wg >= 1 && (wg & (wg - 1)) === 0)) throw new Error(`workgroup size ${wg} is not a power of two`);
    super('payoff-row-sums', wg);
  }

  /** One workgroup per row. */
  override dispatch(rowCount: number, maxPerDimension: number): DispatchSize {
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

const ROW_SUMS = new PayoffRowSumsProgram();

type RowSumsBuffer = 'params' | 'matrix' | 'vectors' | 'out' | 'readback';

/**
 * Dense row sums in float32: per batch item, its vectors are uploaded once and its matrix in row chunks that fit the
 * binding limit (a matrix shared by the batch is uploaded once when it fits one chunk); up to 4 vectors per dispatch.
 * INVALID_ARGUMENT when one item's vectors do not fit one binding.
 */
export function denseRowSumsOnGpu(
  ctx: GpuContext,
  input: DenseRowSumsInput,
  program: PayoffRowSumsProgram = ROW_SUMS,
): Promise<Float64Array> {
  const kernel = program.name;
  return runKernel<RowSumsBuffer, Float64Array>(ctx, {
    method: 'denseRowSums',
    programs: [program],
    plan: () => {
      const { batch, n, matrix, vectors } = input;
      const { k, shared } = denseRowSumsShape(input);
      const out = new Float64Array(vectors.length);
      const limit = ctx.bindingBytes;
      if (k * n * 4 > limit) {
        throw invalidArgument('vectors', `at most ${limit} bytes of float32 per batch item on this device`, vectors);
      }
      const maxPerDim = ctx.maxPerDimension;
      const plan = planRowSumChunks(n, limit, maxPerDim * maxPerDim);
      const { chunkRows } = plan;
      function* steps(): Generator<Step<RowSumsBuffer>> {
        for (let b = 0; b < batch; b++) {
          const m0 = shared ? 0 : b * n * n;
          const submit: Submission<RowSumsBuffer>[] = [];
          for (let start = 0; start < n; start += chunkRows) {
            const count = Math.min(chunkRows, n - start);
            const reuse = shared && b > 0 && plan.chunks === 1;
            const writes: Write<RowSumsBuffer>[] = [];
            if (!reuse) {
              const rows = matrix.subarray(m0 + start * n, m0 + (start + count) * n);
              writes.push({ to: 'matrix', data: new Float32Array(rows) });
            }
            for (let v0 = 0; v0 < k; v0 += ROW_SUMS_MAX_VECTORS) {
              const vc = Math.min(ROW_SUMS_MAX_VECTORS, k - v0);
              submit.push({
                label: `${kernel} item ${b} rows ${start}`,
                ...(v0 === 0 && { writes }),
                passes: [
                  { uniforms: program.uniforms(n, count, start, v0 * n, vc), size: program.dispatch(count, maxPerDim) },
                ],
              });
            }
          }
          submit.push({
            label: `${kernel} item ${b} readback`,
            copies: [{ from: 'out', to: 'readback', bytes: k * n * 4 }],
          });
          yield {
            what: `running batch item ${b}`,
            writes: [{ to: 'vectors', data: new Float32Array(vectors.subarray(b * k * n, (b + 1) * k * n)) }],
            submit,
            read: [{ from: 'readback', bytes: k * n * 4, then: (w) => out.set(new Float32Array(w), b * k * n) }],
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(32),
          matrix: buf.input(chunkRows * n * 4),
          vectors: buf.input(k * n * 4),
          out: buf.output(k * n * 4),
          readback: buf.readback(k * n * 4),
        },
        bind: ['params', 'matrix', 'vectors', 'out'],
        steps: steps(),
        result: () => out,
      };
    },
  });
}
