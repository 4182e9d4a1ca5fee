/**
 * The robust rules' kernels: coordinate-wise median and trimmed mean (reference.ts), and the backend-independent
 * selection steps of clipping and Krum (selection.ts). The updates are checked by `validateUpdates` (../updates.ts),
 * the rule's options (trim count, f, m, clip, scales) by `validateAggregate` (../../validate-aggregate.ts).
 *
 * Common contract: `scales` (optional, one float32 per update, from norm clipping) replaces every value u by
 * f32(scale·u) before the rule — one correctly rounded float32 product, the same on every backend. A kernel returns
 * whether it saw a non-finite input (NaN or ±Infinity, before scaling), so that the engine can name it when the
 * caller asked for `nonFinite: 'error'`; with 'propagate' a NaN among a coordinate's values makes the result NaN
 * there, and infinities take part in the order like any other value.
 *
 * - Median, bit-exact on every backend: sort (TypedArray order: −0 before +0), the middle value for odd K, the two
 *   middle values a ≤ b averaged as (a + b) / 2 in float64 (exact) and rounded once to float32 for even K.
 * - Trimmed mean: sort, drop `trimCount` values from each end, the mean of the K − 2·trimCount left (float64-grade).
 */
import { invalidArgumentText } from '../../../core/errors.js';

/**
 * With `nonFinite: 'error'`, after a robust kernel reported a non-finite input: name the first (update, index). The
 * robust rules can hide a non-finite input from the result (a median skips an Infinity), so the kernels report that
 * they saw one and this pass, which runs only then, names it.
 */
export function throwFirstNonFinite(updates: readonly Float32Array[]): void {
  const p = updates[0]?.length ?? 0;
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < updates.length; k++) {
      const u = updates[k]![i]!;
      if (u - u !== 0) {
        throw invalidArgumentText(`updates[${k}]`, 'finite values', `${Number.isNaN(u) ? 'NaN' : u} at index ${i}`);
      }
    }
  }
}

/** The median kernel's input: validated updates, optional clipping scales (one per update), `out` of length P. */
export interface MedianInput {
  updates: readonly Float32Array[];
  scales: Float32Array | undefined;
  out: Float32Array;
}

/** The trimmed-mean kernel's input: as the median's, and how many values to drop from each end. */
export interface TrimmedMeanInput extends MedianInput {
  trimCount: number;
}
