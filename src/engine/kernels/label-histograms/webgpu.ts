/**
 * LabelHistogramsProgram: kernels/label-histograms.wgsl declared as data, plus what the host needs to run it — the
 * chunk plan (labels per dispatch within the binding limit and the dispatch limit, starting on word boundaries) and
 * the uniforms. The histogram itself stays on the device across the chunks and is read back once.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import type { LabelArray } from '../../reference/label-histograms.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import type { GpuProgram } from '../../gpu/program.js';

export const LABEL_HISTOGRAMS_WORKGROUP_SIZE = 256;
/** Labels per invocation (ITEMS in the shader). */
export const LABEL_HISTOGRAMS_ITEMS = 16;
/** Labels per dispatch at most (keeps each submission short on software adapters). */
export const LABEL_HISTOGRAMS_MAX_CHUNK = 1 << 24;

export class LabelHistogramsProgram implements GpuProgram {
  readonly name = 'label-histograms';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['label-histograms'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize = LABEL_HISTOGRAMS_WORKGROUP_SIZE;
  /** Labels per workgroup. */
  readonly tile = LABEL_HISTOGRAMS_WORKGROUP_SIZE * LABEL_HISTOGRAMS_ITEMS;

  /** @param labelBytes, ownerBytes 1, 2 or 4 (ownerBytes 0: CSR offsets) */
  constructor(
    readonly labelBytes: number,
    readonly ownerBytes: number,
  ) {
    this.constants = {
      WORKGROUP_SIZE: this.workgroupSize,
      ITEMS: LABEL_HISTOGRAMS_ITEMS,
      LABEL_BYTES: labelBytes,
      OWNER_BYTES: ownerBytes || 4,
      OWNERS: ownerBytes > 0 ? 1 : 0,
    };
    this.cacheKey = `${this.name};builtin;wg=${this.workgroupSize};items=${LABEL_HISTOGRAMS_ITEMS};label=${labelBytes};owner=${ownerBytes}`;
  }

  /** One workgroup per tile of `count` labels. */
  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(Math.ceil(count / this.tile) * this.workgroupSize, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, first, groups, classes, tiles, 0, 0, 0 }. */
  uniforms(first: number, count: number, groups: number, classes: number): ArrayBuffer {
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'first', type: 'u32', value: first },
      { name: 'groups', type: 'u32', value: groups },
      { name: 'classes', type: 'u32', value: classes },
      { name: 'tiles', type: 'u32', value: Math.ceil(count / this.tile) },
      { name: 'pad0', type: 'u32', value: 0 },
      { name: 'pad1', type: 'u32', value: 0 },
      { name: 'pad2', type: 'u32', value: 0 },
    ]);
  }
}

/**
 * Labels per dispatch: the packed labels and owners of a chunk fit `limitBytes`, its tiles fit a 2-D grid, at most
 * LABEL_HISTOGRAMS_MAX_CHUNK; a multiple of the tile when the limit allows, and always of 4 (so every chunk starts on
 * a word boundary of the packed arrays). @param limitBytes ≥ 16
 */
export function planLabelChunks(
  n: number,
  bytesPerLabel: number,
  limitBytes: number,
  maxPerDimension: number,
  tile: number,
): number {
  let chunk = Math.min(Math.floor(limitBytes / bytesPerLabel), maxPerDimension ** 2 * tile, LABEL_HISTOGRAMS_MAX_CHUNK);
  if (chunk >= tile) chunk -= chunk % tile;
  else chunk -= chunk % 4;
  return Math.max(4, Math.min(chunk, Math.ceil(n / 4) * 4));
}

/** Bytes per element of a label or owner array. */
export function elementBytes(a: LabelArray): number {
  return a.BYTES_PER_ELEMENT;
}

/**
 * Write elements [start, start + count) of `data` into `buffer` at 0 as packed words: directly for the whole words, and
 * the last partial word (fewer than 4 bytes) zero-padded. `start` is a multiple of 4 elements.
 */
export function writePacked(queue: GPUQueue, buffer: GPUBuffer, data: LabelArray, start: number, count: number): void {
  const perWord = 4 / data.BYTES_PER_ELEMENT;
  const whole = Math.floor(count / perWord) * perWord;
  if (whole > 0) queue.writeBuffer(buffer, 0, data, start, whole);
  if (whole < count) {
    const tail = new (data.constructor as new (length: number) => LabelArray)(perWord);
    tail.set(data.subarray(start + whole, start + count));
    queue.writeBuffer(buffer, whole * data.BYTES_PER_ELEMENT, tail);
  }
}
