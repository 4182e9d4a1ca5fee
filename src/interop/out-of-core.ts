/**
 * Aggregation of model updates given as files (safetensors / `.npy`), streamed: for each tensor, column blocks
 * [j, j + B) of every input are mapped, aggregated and appended to the output, then unmapped, so resident memory stays
 * near K·B·4 bytes (plus one output block) whatever the total size.
 *
 * An update is the whole file — every tensor — so the rules that look at whole updates see all of it: with `clip`, the
 * norm is that of the whole update, and Krum's distances are between whole updates. Those rules take two passes: the
 * first streams the blocks to sum the squared norms (clip) or the Gram matrix (Krum; its diagonal holds the norms), the
 * second streams them again through a column-wise rule — fedavg, median or trimmed mean with the scales, or, for Krum,
 * the weighted average of the selected inputs.
 */
import { readFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import type { AggregateOptions } from '../engine/validate-aggregate.js';
import { validateAggregate } from '../engine/validate-aggregate.js';
import { clipScales, krumAverageWeights, krumScores, krumSelect } from '../engine/kernels/robust-rules/selection.js';
import { CocogenError, invalidArgument } from '../core/errors.js';
import { checkOutputIsNoInput, checkPath } from './file-bytes.js';
import { matchTensorLayouts, TensorFile, TensorFileWriter, type TensorBlock, type TensorInfo } from './tensor-file.js';

/** Default block: 4M float32 (16 MiB) per input. */
export const DEFAULT_BLOCK_ELEMENTS = 4 * 1024 * 1024;

export interface AggregateFilesOptions extends Omit<AggregateOptions, 'out'> {
  /** Elements per column block per input (default {@link DEFAULT_BLOCK_ELEMENTS}); resident memory scales with it. */
  blockElements?: number;
  /** Called after each block with the elements done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * How blocks are read (TensorFile.open): `'pread'` (default), so that an input that shrinks gives IO_ERROR; `'map'`,
   * zero-copy and faster from the page cache, for inputs nothing changes meanwhile.
   */
  read?: 'pread' | 'map';
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
  /** `krum` / `multi-krum`: the inputs averaged (indices into `inputs`), best score first. */
  selected?: number[];
  /** `krum` / `multi-krum`: every input's Krum score over its whole update (+Infinity where not finite). */
  scores?: number[];
  /** With `clip` (or `scales`): the scale applied to each input, from the norm of its whole update. */
  scales?: number[];
}

/**
 * Peak RSS of this process in bytes: Linux's VmHWM (which `/proc/self/clear_refs` can reset, so a benchmark can measure
 * one phase), else getrusage's maxRSS.
 */
export function peakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Aggregates the tensors matched by name across `inputs` into `output` (safetensors or `.npy`, written to a temporary
 * file and renamed, so a failure leaves nothing). Each input is one update (all its tensors). Bad input — a missing,
 * corrupt or unsupported file, names or shapes that differ across inputs — throws IO_ERROR naming the file and tensor,
 * and a non-finite value (under the default `nonFinite: 'error'`) INVALID_ARGUMENT naming the file, tensor and element,
 * before anything is written.
 *
 * @example
 * const engine = await createEngine({ backend: 'native' });
 * const stats = await aggregateFiles(engine, ['a.safetensors', 'b.safetensors'], 'avg.safetensors', { rule: 'fedavg' });
 * const krum = await aggregateFiles(engine, paths, 'krum.safetensors', { rule: 'multi-krum', f: 1, m: 3 });
 * krum.selected; // which inputs were averaged, best score first
 */
export async function aggregateFiles(
  engine: Engine,
  inputs: readonly string[],
  output: string,
  options: AggregateFilesOptions,
): Promise<AggregateFilesStats> {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw invalidArgument('inputs', 'a non-empty array of paths', inputs);
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
  const { blockElements = DEFAULT_BLOCK_ELEMENTS, onProgress, read = 'pread', ...aggregateOptions } = options;
  if (!(Number.isSafeInteger(blockElements) && blockElements >= 1)) {
    throw invalidArgument('options.blockElements', 'a positive integer', blockElements);
  }
  if (read !== 'pread' && read !== 'map') throw invalidArgument('options.read', "'pread' or 'map'", read);
  if (aggregateOptions.out !== undefined)
    throw invalidArgument('options.out', 'no out (the result goes to output)', aggregateOptions.out);
  inputs.forEach((path, k) => checkPath(path, `inputs[${k}]`));
  checkPath(output, 'output');
  // Writing over an input would read half-written data: compared by identity, not by name.
  checkOutputIsNoInput(output, inputs);
  // Every rule option checked up front, against K, before a file is opened or written (length-0 stand-ins).
  const rule = validateAggregate(
    inputs.map(() => new Float32Array(0)),
    aggregateOptions,
  );
  const strict = rule.nonFinite === 'error';
  const start = performance.now();
  const files: TensorFile[] = [];
  let writer: TensorFileWriter | undefined;
  let bytesRead = 0;
  try {
    for (const path of inputs) files.push(TensorFile.open(path, { read }));
    const tensors = matchTensorLayouts(files.map((f) => f.layout));
    const total = tensors.reduce((s, t) => s + t.length, 0);

    /** Streams every tensor's column blocks of the inputs in `which` through `visit`. */
    const stream = async (
      which: readonly number[],
      visit: (blocks: Float32Array[], t: TensorInfo, offset: number) => Promise<void>,
    ): Promise<void> => {
      for (const t of tensors) {
        for (let j = 0; j < t.length; j += blockElements) {
          const count = Math.min(blockElements, t.length - j);
          const blocks: TensorBlock[] = [];
          try {
            for (const k of which) {
              const f = files[k]!;
              blocks.push(f.block(t.name, j, count));
              bytesRead += count * (f.info(t.name).byteLength / Math.max(1, t.length));
            }
            await visit(
              blocks.map((b) => b.data),
              t,
              j,
            );
          } finally {
            for (const b of blocks) b.release();
          }
        }
      }
    };
    const all = inputs.map((_, k) => k);

    // Pass 1: whole-update statistics (clip: Σ‖block‖²; Krum: Σ block Gram matrices).
    const krum = rule.rule === 'krum' || rule.rule === 'multi-krum';
    let scales = rule.scales;
    let selected: number[] | undefined;
    let scores: Float64Array | undefined;
    if (krum || rule.clip !== undefined) {
      const k = inputs.length;
      const gram = new Float64Array(krum ? k * k : 0);
      const norms = new Float64Array(k);
      await stream(all, async (blocks, t, offset) => {
        const part = krum ? await engine.gram(blocks) : await engine.squaredNorms(blocks);
        if (strict && !part.every(Number.isFinite)) throwNonFinite(blocks, all, inputs, t, offset);
        if (krum) for (let e = 0; e < k * k; e++) gram[e]! += part[e]!;
        else for (let e = 0; e < k; e++) norms[e]! += part[e]!;
      });
      if (krum) for (let e = 0; e < k; e++) norms[e] = gram[e * k + e]!;
      if (rule.clip !== undefined) scales = clipScales(norms, rule.clip);
      if (krum) {
        scores = krumScores(gram, k, rule.f, scales);
        selected = krumSelect(scores, rule.m);
      }
    }

    // Pass 2: a column-wise rule, block by block.
    writer = new TensorFileWriter(
      output,
      tensors.map((t) => ({ name: t.name, shape: t.shape })),
    );
    const which = selected ?? all;
    const blockOptions: AggregateOptions = selected
      ? {
          rule: 'fedavg',
          weights: krumAverageWeights(selected, rule.weights, scales),
          nonFinite: rule.nonFinite,
        }
      : {
          ...(aggregateOptions as AggregateOptions),
          ...(rule.clip !== undefined ? { clip: undefined, scales } : {}),
        };
    let done = 0;
    await stream(which, async (blocks, t, offset) => {
      let result: Float32Array;
      try {
        result = await engine.aggregate(blocks, blockOptions);
      } catch (e) {
        // Name the file, tensor and element instead of the block's update index.
        if (strict && e instanceof CocogenError && e.code === 'INVALID_ARGUMENT') {
          throwNonFinite(blocks, which, inputs, t, offset);
        }
        throw e;
      }
      writer!.write(result);
      done += blocks[0]!.length;
      onProgress?.(done, total);
    });
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
      ...(selected ? { selected, scores: Array.from(scores!) } : {}),
      ...(scales ? { scales: Array.from(scales) } : {}),
    };
  } catch (e) {
    writer?.abort();
    throw e;
  } finally {
    for (const f of files) f.dispose();
  }
}

/**
 * Throws INVALID_ARGUMENT naming the first non-finite value of a block: its file, tensor and element. Returns when the
 * block is finite (the caller's error was about something else, such as an overflow of the result).
 */
function throwNonFinite(
  blocks: readonly Float32Array[],
  which: readonly number[],
  inputs: readonly string[],
  t: TensorInfo,
  offset: number,
): void {
  const n = blocks[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < blocks.length; b++) {
      const u = blocks[b]![i]!;
      if (u - u === 0) continue;
      const path = inputs[which[b]!]!;
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected finite values in tensor "${t.name}" of ${JSON.stringify(path)} but received ${Number.isNaN(u) ? 'NaN' : u} at element ${offset + i}`,
        { path, tensor: t.name, index: offset + i },
      );
    }
  }
}
