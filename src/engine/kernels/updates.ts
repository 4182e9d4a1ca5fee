/**
 * The input every aggregation kernel takes (fed-avg, robust-rules, squared-norms, gram): a list of K ≥ 1 updates, each
 * a Float32Array, all of one length P. The engine checks it with `validateUpdates` before any backend runs, so a
 * backend may assume it.
 */
import { invalidArgument } from '../../core/errors.js';

/** Checks a list of updates: a non-empty array of Float32Array, all of one length. */
export function validateUpdates(updates: unknown): Float32Array[] {
  if (!Array.isArray(updates)) throw invalidArgument('updates', 'an array of Float32Array', updates);
  if (updates.length === 0) throw invalidArgument('updates', 'a non-empty array of Float32Array', updates);
  for (let k = 0; k < updates.length; k++) {
    if (!(updates[k] instanceof Float32Array)) throw invalidArgument(`updates[${k}]`, 'a Float32Array', updates[k]);
  }
  const length = (updates[0] as Float32Array).length;
  for (let k = 1; k < updates.length; k++) {
    const u = updates[k] as Float32Array;
    if (u.length !== length) {
      throw invalidArgument(`updates[${k}]`, `a Float32Array of length ${length} (the length of updates[0])`, u);
    }
  }
  return updates as Float32Array[];
}
