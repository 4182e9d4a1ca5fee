/**
 * The label-histogram kernel's contract (DESIGN §6, "data"), which reference.ts, the native kernel and
 * kernels/label-histograms.wgsl share, and its validation:
 *
 *   out[g·classes + c] = #{ i : group(i) = g and labels[i] = c },   out a Uint32Array of groups × classes (row-major)
 *
 * where group(i) is `owners[i]` (one group id per sample), or the g with offsets[g] ≤ i < offsets[g + 1] (CSR: group g
 * owns the contiguous labels[offsets[g] .. offsets[g + 1])), or 0 when neither is given. Counts are integers, so every
 * backend returns exactly the same array.
 *
 * Shapes, types and offsets are checked in TS before any backend runs (INVALID_ARGUMENT naming the argument); the
 * values of `labels` and `owners` are checked by the kernels themselves inside their one counting pass (a separate JS
 * pass over 60M labels would cost more than the native kernel): each backend reports the smallest index i whose label
 * is ≥ classes (or negative) or whose owner is ≥ groups, and the engine throws INVALID_ARGUMENT naming `labels[i]` or
 * `owners[i]` (the label when both are bad at i) — the same error on every backend. The output is then discarded.
 */
import { CocogenError, describeValue, invalidArgument } from '../../../core/errors.js';

/** Integer arrays accepted as labels and owners (Int32Array values must be ≥ 0). */
export type LabelArray = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** At most 2^32 − 1 labels: every count fits the Uint32Array output, and every index a u32 on the GPU. */
export const LABEL_HISTOGRAMS_MAX_LABELS = 0xffffffff;
/** Largest groups × classes (the output's length; 2^31 − 1 values). */
export const LABEL_HISTOGRAMS_MAX_BINS = 0x7fffffff;

export interface LabelHistogramsOptions {
  /** One class label per sample, each in [0, classes). */
  labels: LabelArray;
  /** Per-sample group ids in [0, groups), same length as labels. Not with `offsets`. */
  owners?: LabelArray;
  /**
   * CSR boundaries: groups + 1 non-decreasing integers from 0 to labels.length; group g owns
   * labels[offsets[g] .. offsets[g + 1]). Not with `owners`.
   */
  offsets?: ArrayLike<number>;
  /** Number of groups (≥ 1); the output has groups × classes counts. */
  groups: number;
  /** Number of classes (≥ 1). */
  classes: number;
}

/** The validated input every backend receives. */
export interface LabelHistogramsInput {
  labels: LabelArray;
  owners: LabelArray | null;
  /** groups + 1 boundaries, checked non-decreasing from 0 to labels.length. */
  offsets: Uint32Array | null;
  groups: number;
  classes: number;
}

/**
 * What a backend found wrong with the values: the smallest index with a bad label and the smallest with a bad owner
 * (−1: none). The engine turns it into the error; backends never throw for values.
 */
export interface LabelHistogramsOutput {
  counts: Uint32Array;
  badLabel: number;
  badOwner: number;
}

const LABEL_TYPES = 'a Uint8Array, Uint16Array, Uint32Array or Int32Array';

function isLabelArray(a: unknown): a is LabelArray {
  return a instanceof Uint8Array || a instanceof Uint16Array || a instanceof Uint32Array || a instanceof Int32Array;
}

/** Checks shapes, types and offsets; the values of labels and owners are checked by the kernels. */
export function validateLabelHistograms(options: LabelHistogramsOptions): LabelHistogramsInput {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
  const { labels, owners, offsets, groups, classes } = options;
  if (!isLabelArray(labels) || labels instanceof Uint8ClampedArray)
    throw invalidArgument('labels', LABEL_TYPES, labels);
  if (labels.length > LABEL_HISTOGRAMS_MAX_LABELS) {
    throw invalidArgument('labels', `at most ${LABEL_HISTOGRAMS_MAX_LABELS} labels`, labels);
  }
  if (!(Number.isInteger(classes) && classes >= 1)) throw invalidArgument('classes', 'an integer ≥ 1', classes);
  if (!(Number.isInteger(groups) && groups >= 1)) throw invalidArgument('groups', 'an integer ≥ 1', groups);
  if (groups * classes > LABEL_HISTOGRAMS_MAX_BINS) {
    throw invalidArgument(
      'groups',
      `at most ${Math.floor(LABEL_HISTOGRAMS_MAX_BINS / classes)} groups × classes`,
      groups,
    );
  }
  if (owners !== undefined && offsets !== undefined) {
    throw new CocogenError('INVALID_ARGUMENT', 'Expected owners or offsets, not both, for options', {
      argument: 'options',
    });
  }
  let ownersOut: LabelArray | null = null;
  let offsetsOut: Uint32Array | null = null;
  if (owners !== undefined) {
    if (!isLabelArray(owners) || owners instanceof Uint8ClampedArray)
      throw invalidArgument('owners', LABEL_TYPES, owners);
    if (owners.length !== labels.length) {
      throw invalidArgument('owners', `${labels.length} group ids (one per label)`, owners);
    }
    ownersOut = owners;
  } else if (offsets !== undefined) {
    if (offsets === null || typeof offsets !== 'object' || typeof offsets.length !== 'number') {
      throw invalidArgument('offsets', 'an array of integers', offsets);
    }
    if (offsets.length !== groups + 1)
      throw invalidArgument('offsets', `${groups + 1} boundaries (groups + 1)`, offsets);
    offsetsOut = new Uint32Array(groups + 1);
    let previous = 0;
    for (let g = 0; g <= groups; g++) {
      const v = offsets[g]!;
      const last = g === groups;
      const ok = Number.isInteger(v) && (g === 0 ? v === 0 : last ? v === labels.length : v >= previous);
      if (!ok || (last && v < previous)) {
        const rule =
          g === 0
            ? '0'
            : last
              ? `${labels.length} (the number of labels), ≥ offsets[${g - 1}] = ${previous}`
              : `an integer ≥ offsets[${g - 1}] = ${previous}`;
        throw invalidArgument(`offsets[${g}]`, rule, v);
      }
      offsetsOut[g] = v;
      previous = v;
    }
  }
  return { labels, owners: ownersOut, offsets: offsetsOut, groups, classes };
}

/** The typed error for a backend's report of bad values, or undefined when there was none. */
export function labelHistogramsError(
  input: LabelHistogramsInput,
  badLabel: number,
  badOwner: number,
): CocogenError | undefined {
  if (badLabel >= 0 && (badOwner < 0 || badLabel <= badOwner)) {
    return invalidArgument(`labels[${badLabel}]`, `a class in [0, ${input.classes})`, input.labels[badLabel]);
  }
  if (badOwner >= 0) {
    return new CocogenError(
      'INVALID_ARGUMENT',
      `Expected a group in [0, ${input.groups}) for owners[${badOwner}] but received ${describeValue(input.owners![badOwner])}`,
      { argument: `owners[${badOwner}]` },
    );
  }
  return undefined;
}
