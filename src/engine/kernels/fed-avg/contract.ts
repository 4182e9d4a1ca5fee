/**
 * The FedAvg kernel's contract: out[i] = Σ_k weights[k] · updates[k][i], accumulated in (at least emulated) float64
 * and rounded once to float32, into `out` (length P). The updates are checked by `validateUpdates` (../updates.ts);
 * `weights` are finite, non-negative, one per update, already normalized to sum 1 in float64 (../../validate-aggregate.ts).
 * Non-finite inputs propagate IEEE-style. A backend resolves to whether `out` now holds a non-finite value (NaN,
 * ±Infinity: a non-finite input, or a sum beyond the float32 range), found where each value is produced (the native
 * kernel's stores, a status word set by the WebGPU kernel, the reference loop), so that the engine reads the result
 * again, to name the cause with `checkFinite`, only when this is true.
 */
import { invalidArgumentText } from '../../../core/errors.js';

/**
 * After a FedAvg kernel reported a non-finite result: name its cause — the first update that is non-finite at the
 * first non-finite index, or an overflow of float32 when every input there is finite. One pass over P, then K reads
 * at one index. The engine runs it only when the backend said the result holds a non-finite value (found as the
 * result was written), so a finite aggregation never reads its result again.
 */
export function checkFinite(result: Float32Array, updates: readonly Float32Array[]): void {
  const p = result.length;
  for (let i = 0; i < p; i++) {
    const v = result[i]!;
    if (v - v === 0) continue; // finite
    for (let k = 0; k < updates.length; k++) {
      const u = updates[k]![i]!;
      if (u - u !== 0) {
        throw invalidArgumentText(`updates[${k}]`, 'finite values', `${Number.isNaN(u) ? 'NaN' : u} at index ${i}`);
      }
    }
    throw invalidArgumentText(
      'updates',
      'values whose weighted average fits in float32',
      `an overflow to ${v} at index ${i}`,
    );
  }
}

/** The FedAvg kernel's input: validated updates, normalized weights (one per update), and `out` of length P. */
export interface FedAvgInput {
  updates: readonly Float32Array[];
  weights: Float64Array;
  out: Float32Array;
}
