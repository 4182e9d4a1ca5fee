/**
 * The options of `aggregate` (every rule: fedavg, median, trimmed mean, krum, multi-krum) and their check. What each
 * kernel takes, and how its non-finite reports are named, lives with the kernel: kernels/updates.ts (the update list),
 * kernels/fed-avg/contract.ts (checkFinite), kernels/robust-rules/contract.ts (throwFirstNonFinite).
 */
import { describeValue, invalidArgument, invalidArgumentText } from '../core/errors.js';
import { sharesMemory } from '../util/views.js';
import { optionsRecord } from '../util/options.js';
import { validateUpdates } from './kernels/updates.js';

/** The aggregation rules `aggregate` knows (server optimizers such as FedAdam are classes of their own). */
export const AGGREGATION_RULES = ['fedavg', 'median', 'trimmed-mean', 'krum', 'multi-krum'] as const;
export type AggregationRule = (typeof AGGREGATION_RULES)[number];

export interface AggregateOptions {
  /**
   * Which rule:
   * - `'fedavg'`: Σ_k w_k·u_k / Σ_k w_k, accumulated in float64, rounded once.
   * - `'median'`: coordinate-wise median. Odd K: the middle value. Even K: the two middle values a ≤ b averaged as
   *   (a + b) / 2 in float64 and rounded once to float32 (correctly rounded, so every backend agrees bit for bit).
   *   The order is the total order of float32 with −0 < +0 (TypedArray sort's), so ties of signed zeros are exact.
   * - `'trimmed-mean'`: per coordinate, sort the K values, drop ⌊trim·K⌋ from each end, mean of the rest (float64).
   * - `'krum'`: the update with the lowest Krum score (sum of its K − f − 2 smallest squared distances to the others;
   *   ties: the lowest index). `'multi-krum'`: the weighted average (`weights`, renormalized over the selected;
   *   default equal) of the m updates with the lowest scores. Needs K ≥ 2f + 3.
   * `median` and `trimmed-mean` are unweighted: `weights` is rejected for them and for `krum`.
   */
  rule: AggregationRule;
  /** One finite, non-negative weight per update (typically its sample count), with a positive sum. Default: all 1. */
  weights?: readonly number[] | Float64Array | Float32Array;
  /** `trimmed-mean`: the fraction trimmed from each end, in [0, 0.5]; K − 2⌊trim·K⌋ must be ≥ 1. Default 0.1. */
  trim?: number;
  /** `krum` / `multi-krum`: the number of Byzantine updates tolerated, an integer ≥ 0 with K ≥ 2f + 3. Default 0. */
  f?: number;
  /** `multi-krum`: how many updates to select and average, 1 ≤ m ≤ K − f. Default K − f. (`krum` is m = 1.) */
  m?: number;
  /**
   * Norm clipping before any rule: each update is used as s_k·u_k with s_k = f32(min(1, clip / ‖u_k‖₂)) (‖u‖ in
   * float64; s_k = 1 for a zero or non-finite norm), without modifying the inputs. Element-wise rules (median,
   * trimmed mean, krum's result) use f32(s_k·u_k[i]); weighted sums fold s_k into the float64 weight. A finite
   * number > 0.
   */
  clip?: number;
  /**
   * Per-update scales s_k given directly (one finite number > 0 per update, rounded to float32), applied exactly as
   * `clip` applies the ones it computes. For a caller that aggregates a model in pieces (per tensor, per column block)
   * and clips by the norm of the whole update: compute the norms once with `engine.squaredNorms` over all pieces,
   * then pass the same scales with every piece. Not together with `clip`.
   */
  scales?: readonly number[] | Float64Array | Float32Array;
  /**
   * What a non-finite value in an update (NaN, ±Infinity) or an overflow of the result does: `'error'` (default)
   * throws INVALID_ARGUMENT naming the update and index; `'propagate'` returns it IEEE-style.
   */
  nonFinite?: 'error' | 'propagate';
  /** Write the result here (length P, not overlapping any update) instead of allocating. */
  out?: Float32Array;
}

/** What `aggregateDetailed` returns: the result, and for Krum which updates were chosen and why. */
export interface AggregateResult {
  result: Float32Array;
  /** `krum` / `multi-krum`: indices of the selected updates, best score first. */
  selected?: number[];
  /** `krum` / `multi-krum`: every update's Krum score (float64; +Infinity where it was not finite). */
  scores?: Float64Array;
  /** With `clip`: the scale s_k applied to each update (1 where it was not clipped). */
  clipScales?: Float32Array;
}

export interface ValidatedAggregate {
  updates: readonly Float32Array[];
  rule: AggregationRule;
  /** Normalized to sum 1, in float64. */
  weights: Float64Array;
  /** `trimmed-mean`: values dropped from each end, ⌊trim·K⌋. */
  trimCount: number;
  f: number;
  m: number;
  clip: number | undefined;
  /** `scales`, rounded to float32. */
  scales: Float32Array | undefined;
  length: number;
  nonFinite: 'error' | 'propagate';
  out: Float32Array | undefined;
}

/** Every key `aggregate` reads. */
const AGGREGATE_OPTION_KEYS = ['rule', 'weights', 'trim', 'f', 'm', 'clip', 'scales', 'nonFinite', 'out'] as const;

/** Checks every argument of `aggregate` (sharp's pattern: all validation in TS, one message template). */
export function validateAggregate(input: unknown, options: unknown): ValidatedAggregate {
  const updates = validateUpdates(input);
  const length = updates[0]!.length;

  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('options', "an object such as { rule: 'fedavg', weights }", options);
  }
  // A misspelt key ({ weight: [...] }) must not fall back silently to a default (equal weights).
  const o = optionsRecord(options, AGGREGATE_OPTION_KEYS, 'options');
  if (!(AGGREGATION_RULES as readonly unknown[]).includes(o.rule)) {
    throw invalidArgument('options.rule', `one of ${AGGREGATION_RULES.map((r) => `'${r}'`).join(', ')}`, o.rule);
  }
  const rule = o.rule as AggregationRule;
  const nonFinite = o.nonFinite ?? 'error';
  if (nonFinite !== 'error' && nonFinite !== 'propagate') {
    throw invalidArgument('options.nonFinite', "'error' or 'propagate'", o.nonFinite);
  }
  const k = updates.length;
  const onlyFor = (name: string, rules: readonly AggregationRule[]): void => {
    if (o[name] !== undefined && !rules.includes(rule)) {
      throw invalidArgumentText(
        `options.${name}`,
        `no ${name} with rule '${rule}' (it applies to ${rules.map((r) => `'${r}'`).join(', ')})`,
        describeValue(o[name]),
      );
    }
  };
  onlyFor('weights', ['fedavg', 'multi-krum']);
  onlyFor('trim', ['trimmed-mean']);
  onlyFor('f', ['krum', 'multi-krum']);
  onlyFor('m', ['multi-krum']);

  let trimCount = 0;
  if (rule === 'trimmed-mean') {
    const trim = o.trim ?? 0.1;
    if (typeof trim !== 'number' || !(trim >= 0 && trim <= 0.5)) {
      throw invalidArgument('options.trim', 'a number in [0, 0.5]', o.trim);
    }
    trimCount = Math.floor(trim * k);
    if (k - 2 * trimCount < 1) {
      throw invalidArgumentText(
        'options.trim',
        `a trim that leaves at least one of the ${k} updates for rule 'trimmed-mean' (⌊trim·K⌋ ≤ ${Math.floor((k - 1) / 2)})`,
        `trim ${trim}, which drops ${trimCount} from each end`,
      );
    }
  }
  let f = 0;
  let m = 1;
  if (rule === 'krum' || rule === 'multi-krum') {
    f = (o.f ?? 0) as number;
    if (typeof f !== 'number' || !Number.isSafeInteger(f) || f < 0) {
      throw invalidArgument('options.f', 'an integer ≥ 0', o.f);
    }
    if (k < 2 * f + 3) {
      throw invalidArgumentText(
        'options.f',
        `K ≥ 2f + 3 updates for rule '${rule}' with f = ${f} (at least ${2 * f + 3})`,
        `${k} update${k === 1 ? '' : 's'}`,
      );
    }
    m = rule === 'krum' ? 1 : ((o.m ?? k - f) as number);
    if (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1 || m > k - f) {
      throw invalidArgument('options.m', `an integer in [1, K − f] = [1, ${k - f}] for rule '${rule}'`, o.m);
    }
  }
  let clip: number | undefined;
  if (o.clip !== undefined) {
    if (typeof o.clip !== 'number' || !(o.clip > 0) || !Number.isFinite(o.clip)) {
      throw invalidArgument('options.clip', 'a finite number > 0', o.clip);
    }
    clip = o.clip;
  }
  let scales: Float32Array | undefined;
  if (o.scales !== undefined) {
    if (clip !== undefined) {
      throw invalidArgumentText('options.scales', 'scales or clip, not both', 'both');
    }
    const list = o.scales;
    if (!(Array.isArray(list) || list instanceof Float64Array || list instanceof Float32Array)) {
      throw invalidArgument('options.scales', 'an array of numbers', list);
    }
    if (list.length !== k) {
      throw invalidArgumentText('options.scales', `one scale per update (${k})`, `${list.length}`);
    }
    scales = new Float32Array(k);
    for (let j = 0; j < k; j++) {
      const s = (list as ArrayLike<unknown>)[j];
      if (typeof s !== 'number' || !Number.isFinite(s) || !(s > 0)) {
        throw invalidArgument(`options.scales[${j}]`, 'a finite number > 0', s);
      }
      scales[j] = s;
    }
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
      if (sharesMemory(o.out, updates[k] as Float32Array)) {
        throw invalidArgumentText('options.out', 'memory that no update shares', `memory shared with updates[${k}]`);
      }
    }
    out = o.out;
  }
  return { updates: updates as Float32Array[], rule, weights, trimCount, f, m, clip, scales, length, nonFinite, out };
}
