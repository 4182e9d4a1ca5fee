import { invalidArgument, invalidArgumentText } from '../errors.js';

/** The aggregation rules `aggregate` knows. Robust rules (median, trimmed mean, Krum) arrive with their kernels. */
export const AGGREGATION_RULES = ['fedavg'] as const;
export type AggregationRule = (typeof AGGREGATION_RULES)[number];

export interface AggregateOptions {
  /** Which rule: `'fedavg'` computes Σ_k w_k·u_k / Σ_k w_k. */
  rule: AggregationRule;
  /** One finite, non-negative weight per update (typically its sample count), with a positive sum. Default: all 1. */
  weights?: readonly number[] | Float64Array | Float32Array;
  /**
   * What a non-finite value in an update (NaN, ±Infinity) or an overflow of the result does: `'error'` (default)
   * throws INVALID_ARGUMENT naming the update and index; `'propagate'` returns it IEEE-style.
   */
  nonFinite?: 'error' | 'propagate';
  /** Write the result here (length P, not overlapping any update) instead of allocating. */
  out?: Float32Array;
}

export interface ValidatedAggregate {
  updates: readonly Float32Array[];
  /** Normalized to sum 1, in float64. */
  weights: Float64Array;
  length: number;
  nonFinite: 'error' | 'propagate';
  out: Float32Array | undefined;
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  );
}

/** Checks every argument of `aggregate` (sharp's pattern: all validation in TS, one message template). */
export function validateAggregate(updates: unknown, options: unknown): ValidatedAggregate {
  if (!Array.isArray(updates)) throw invalidArgument('updates', 'an array of Float32Array', updates);
  if (updates.length === 0) throw invalidArgument('updates', 'a non-empty array of Float32Array', updates);
  for (let k = 0; k < updates.length; k++) {
    if (!(updates[k] instanceof Float32Array)) throw invalidArgument(`updates[${k}]`, 'a Float32Array', updates[k]);
  }
  const first = updates[0] as Float32Array;
  const length = first.length;
  for (let k = 1; k < updates.length; k++) {
    const u = updates[k] as Float32Array;
    if (u.length !== length) {
      throw invalidArgument(`updates[${k}]`, `a Float32Array of length ${length} (the length of updates[0])`, u);
    }
  }

  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('options', "an object such as { rule: 'fedavg', weights }", options);
  }
  const o = options as Record<string, unknown>;
  if (!(AGGREGATION_RULES as readonly unknown[]).includes(o.rule)) {
    throw invalidArgument('options.rule', `one of ${AGGREGATION_RULES.map((r) => `'${r}'`).join(', ')}`, o.rule);
  }
  const nonFinite = o.nonFinite ?? 'error';
  if (nonFinite !== 'error' && nonFinite !== 'propagate') {
    throw invalidArgument('options.nonFinite', "'error' or 'propagate'", o.nonFinite);
  }

  const weights = new Float64Array(updates.length);
  if (o.weights === undefined) {
    weights.fill(1 / updates.length);
  } else {
    const w = o.weights;
    const isList = Array.isArray(w) || w instanceof Float64Array || w instanceof Float32Array;
    if (!isList) throw invalidArgument('options.weights', 'an array of numbers', w);
    const list = w as ArrayLike<unknown>;
    if (list.length !== updates.length) {
      throw invalidArgumentText(
        'options.weights',
        `one weight per update (${updates.length})`,
        `${list.length} weight${list.length === 1 ? '' : 's'}`,
      );
    }
    let sum = 0;
    for (let k = 0; k < list.length; k++) {
      const v = list[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw invalidArgument(`options.weights[${k}]`, 'a finite number', v);
      }
      if (v < 0) throw invalidArgument(`options.weights[${k}]`, 'a non-negative number', v);
      sum += v;
    }
    if (!(sum > 0))
      throw invalidArgumentText('options.weights', 'weights with a positive sum', 'weights that sum to 0');
    if (!Number.isFinite(sum)) {
      throw invalidArgumentText('options.weights', 'weights whose sum is finite', 'weights that sum to Infinity');
    }
    for (let k = 0; k < list.length; k++) weights[k] = (list[k] as number) / sum;
  }

  let out: Float32Array | undefined;
  if (o.out !== undefined) {
    if (!(o.out instanceof Float32Array)) throw invalidArgument('options.out', 'a Float32Array', o.out);
    if (o.out.length !== length) throw invalidArgument('options.out', `a Float32Array of length ${length}`, o.out);
    for (let k = 0; k < updates.length; k++) {
      if (overlaps(o.out, updates[k] as Float32Array)) {
        throw invalidArgumentText('options.out', 'memory that no update shares', `memory shared with updates[${k}]`);
      }
    }
    out = o.out;
  }
  return { updates: updates as Float32Array[], weights, length, nonFinite, out };
}

/**
 * After a kernel ran: if the result holds a non-finite value, name its cause — the first update that is
 * non-finite at that index, or an overflow of float32 when every input there is finite. One pass over P,
 * then K reads at one index: cheap next to the K·P the kernel read.
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
