/**
 * LabelHistogramsProgram: kernels/label-histograms.wgsl declared as data, plus what the host needs to run it — the
 * chunk plan (labels per dispatch within the binding limit and the dispatch limit, starting on word boundaries) and
 * the uniforms; and the kernel declaration the runner executes (labelHistogramsOnGpu). The histogram itself stays on
 * the device across the chunks and is read back once.
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { labelHistogramsReference } from './reference.js';
import { type LabelArray, type LabelHistogramsInput, type LabelHistogramsOutput } from './contract.js';
import { dispatch1d, packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { buf, runKernel, type Step } from '../../gpu/kernel-runner.js';
import type { GpuContext } from '../../gpu/program-runner.js';
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

/** One program per (label bytes, owner bytes). */
const PROGRAMS = new Map<string, LabelHistogramsProgram>();

function histogramProgram(labelBytes: number, ownerBytes: number): LabelHistogramsProgram {
  const key = `${labelBytes}:${ownerBytes}`;
  let program = PROGRAMS.get(key);
  if (!program) PROGRAMS.set(key, (program = new LabelHistogramsProgram(labelBytes, ownerBytes)));
  return program;
}

type HistogramBuffer = 'params' | 'labels' | 'owners' | 'offsets' | 'hist' | 'bad' | 'histRead' | 'badRead';

/**
 * Label histograms: the labels (and owners) stream up in chunks that fit the binding and dispatch limits, packed as
 * they are (1, 2 or 4 bytes per value); each workgroup counts its tile in workgroup memory when the tile spans few
 * groups, and the groups × classes histogram stays on the device until one readback. A histogram or CSR offsets
 * larger than one binding run the JS reference instead.
 */
export async function labelHistogramsOnGpu(
  ctx: GpuContext,
  input: LabelHistogramsInput,
): Promise<LabelHistogramsOutput> {
  const { labels, owners, groups, classes } = input;
  const n = labels.length;
  const bins = groups * classes;
  if (n === 0) return { counts: new Uint32Array(bins), badLabel: -1, badOwner: -1 };
  if (bins * 4 > ctx.bindingBytes || (groups + 1) * 4 > ctx.bindingBytes) return labelHistogramsReference(input);
  const ownerBytes = owners ? owners.BYTES_PER_ELEMENT : 0;
  const program = histogramProgram(labels.BYTES_PER_ELEMENT, ownerBytes);
  const kernel = program.name;
  let counts = new Uint32Array(0);
  let bad = new Uint32Array(2);
  return runKernel<HistogramBuffer, LabelHistogramsOutput>(ctx, {
    method: 'labelHistograms',
    programs: [program],
    plan: () => {
      const maxPerDim = ctx.maxPerDimension;
      const bytesPerLabel = Math.max(labels.BYTES_PER_ELEMENT, ownerBytes);
      const chunk = planLabelChunks(n, bytesPerLabel, ctx.bindingBytes, maxPerDim, program.tile);
      const offsets = owners ? null : (input.offsets ?? Uint32Array.of(0, n));
      function* steps(): Generator<Step<HistogramBuffer>> {
        yield {
          what: 'clearing its histogram',
          writes: [
            ...(offsets ? [{ to: 'offsets', data: offsets } as const] : []),
            { to: 'bad', data: Uint32Array.of(0xffffffff, 0xffffffff) },
          ],
          submit: [{ label: `${kernel} clear`, clear: ['hist'] }],
        };
        // One chunk in flight: the next writeBuffer into the same buffers is ordered after this dispatch by the
        // queue, but waiting bounds the staging memory Dawn holds for the uploads.
        for (let start = 0; start < n; start += chunk) {
          const count = Math.min(chunk, n - start);
          const last = start + count >= n;
          yield {
            what: `counting labels ${start}..${start + count - 1}`,
            submit: [
              {
                label: `${kernel} labels ${start}`,
                writes: [
                  { to: 'labels', put: (queue, buffer) => writePacked(queue, buffer, labels, start, count) },
                  ...(owners
                    ? [
                        {
                          to: 'owners',
                          put: (q: GPUQueue, b: GPUBuffer) => writePacked(q, b, owners, start, count),
                        } as const,
                      ]
                    : []),
                ],
                passes: [
                  {
                    uniforms: program.uniforms(start, count, groups, classes),
                    size: program.dispatch(count, maxPerDim),
                  },
                ],
                copies: last
                  ? [
                      { from: 'hist', to: 'histRead', bytes: bins * 4 },
                      { from: 'bad', to: 'badRead', bytes: 8 },
                    ]
                  : [],
              },
            ],
            ...(last && {
              read: [
                { from: 'histRead', bytes: bins * 4, then: (w: ArrayBuffer) => (counts = new Uint32Array(w)) },
                { from: 'badRead', bytes: 8, then: (w: ArrayBuffer) => (bad = new Uint32Array(w)) },
              ],
            }),
          };
        }
      }
      return {
        buffers: {
          params: buf.uniform(32),
          labels: buf.input(chunk * labels.BYTES_PER_ELEMENT),
          owners: buf.input(owners ? chunk * ownerBytes : 4),
          offsets: buf.input(offsets ? offsets.byteLength : 4),
          hist: buf.inout(bins * 4),
          bad: buf.inout(8),
          histRead: buf.readback(bins * 4, 'hist readback'),
          badRead: buf.readback(8, 'bad readback'),
        },
        bind: ['params', 'labels', 'owners', 'offsets', 'hist', 'bad'],
        steps: steps(),
        result: () => {
          const index = (v: number) => (v === 0xffffffff ? -1 : v);
          return { counts, badLabel: index(bad[0]!), badOwner: index(bad[1]!) };
        },
      };
    },
  });
}
