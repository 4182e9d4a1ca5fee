/**
 * Aggregation of model updates given as files (safetensors / `.npy`), streamed: for each tensor, column blocks
 * [j, j + B) of every input are mapped, aggregated and appended to the output, then unmapped, so resident memory stays
 * near K·B·4 bytes (plus one output block) whatever the total size. Column-wise rules (fedavg, median, trimmed mean) are
 * exact under this blocking; rules that need whole vectors (Krum) get whole tensors as one block.
 */
import type { Engine } from './engine.js';
import type { AggregateOptions } from './validate-aggregate.js';
import { invalidArgument } from '../errors.js';
import { matchTensorLayouts, TensorFile, TensorFileWriter, type TensorBlock } from '../interop/tensor-file.js';

/** Rules whose result at coordinate i depends only on coordinate i of the updates: safe to stream by column block. */
const COLUMN_WISE_RULES = new Set(['fedavg', 'median', 'trimmed-mean']);

/** Default block: 4M float32 (16 MiB) per input. */
export const DEFAULT_BLOCK_ELEMENTS = 4 * 1024 * 1024;

export interface AggregateFilesOptions extends Omit<AggregateOptions, 'out'> {
  /** Elements per column block per input (default {@link DEFAULT_BLOCK_ELEMENTS}); resident memory scales with it. */
  blockElements?: number;
  /** Called after each block with the elements done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Other rule options (trim, f, m…), passed through to `engine.aggregate`. */
  [option: string]: unknown;
}

export interface AggregateFilesStats {
  tensors: number;
  /** Parameters per update (Σ over tensors of their lengths). */
  parameters: number;
  /** Bytes read from the inputs plus bytes written to the output. */
  bytes: number;
  seconds: number;
  gbPerSecond: number;
  /** Peak resident set size of this process so far, in bytes. */
  peakRssBytes: number;
}

/** Peak RSS of this process in bytes (VmHWM). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Aggregates the tensors matched by name across `inputs` into `output` (safetensors or `.npy`, written to a temporary
 * file and renamed, so a failure leaves nothing). Bad input — a missing, corrupt or unsupported file, names or shapes
 * that differ across inputs — throws IO_ERROR naming the file and tensor before anything is written.
 *
 * @example
 * const engine = await createEngine({ backend: 'native' });
 * const stats = await aggregateFiles(engine, ['a.safetensors', 'b.safetensors'], 'avg.safetensors', { rule: 'fedavg' });
 */
export async function aggregateFiles(
  engine: Engine,
  inputs: readonly string[],
  output: string,
  options: AggregateFilesOptions,
): Promise<AggregateFilesStats> {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw invalidArgument('inputs', 'a non-empty array of paths', inputs);
  const { blockElements = DEFAULT_BLOCK_ELEMENTS, onProgress, ...aggregateOptions } = options;
  if (!(Number.isSafeInteger(blockElements) && blockElements >= 1)) {
    throw invalidArgument('options.blockElements', 'a positive integer', blockElements);
  }
  const start = performance.now();
  const files: TensorFile[] = [];
  let writer: TensorFileWriter | undefined;
  try {
    for (const path of inputs) files.push(TensorFile.open(path));
    const tensors = matchTensorLayouts(files.map((f) => f.layout));
    const total = tensors.reduce((s, t) => s + t.length, 0);
    writer = new TensorFileWriter(
      output,
      tensors.map((t) => ({ name: t.name, shape: t.shape })),
    );
    // Clipping scales each update by its norm: the norm needs the whole tensor, so no column blocks then.
    const columnWise = COLUMN_WISE_RULES.has(String(aggregateOptions.rule)) && aggregateOptions.clip === undefined;
    let done = 0;
    let bytesRead = 0;
    for (const t of tensors) {
      const step = columnWise ? blockElements : Math.max(1, t.length);
      for (let j = 0; j < t.length; j += step) {
        const count = Math.min(step, t.length - j);
        const blocks: TensorBlock[] = [];
        try {
          for (const f of files) {
            blocks.push(f.block(t.name, j, count));
            bytesRead += count * (f.info(t.name).byteLength / Math.max(1, t.length));
          }
          const result = await engine.aggregate(
            blocks.map((b) => b.data),
            aggregateOptions as AggregateOptions,
          );
          writer.write(result);
        } finally {
          for (const b of blocks) b.release();
        }
        done += count;
        onProgress?.(done, total);
      }
    }
    writer.commit();
    const seconds = (performance.now() - start) / 1e3;
    const bytes = bytesRead + total * 4;
    return {
      tensors: tensors.length,
      parameters: total,
      bytes,
      seconds,
      gbPerSecond: bytes / seconds / 1e9,
      peakRssBytes: peakRssBytes(),
    };
  } catch (e) {
    writer?.abort();
    throw e;
  } finally {
    for (const f of files) f.dispose();
  }
}
