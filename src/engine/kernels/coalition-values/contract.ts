/**
 * The coalition-value kernel's contract: its packed member layout, numeric input, output and diagnostics, and the
 * check of its preconditions (`validateCoalitionValues`, which the engine runs before any backend). reference.ts holds
 * the float64 reference and states the mathematics.
 */
import { invalidArgument } from '../../../core/errors.js';

/** Float64 values per member in `members`: (d, s, X, e, μ, k0). */
export const COALITION_MEMBER_FIELDS = 6;
export const MEMBER = { d: 0, s: 1, X: 2, e: 3, mu: 4, k0: 5 } as const;
/** Largest n addressed by the kernel's 32-bit masks. */
export const COALITION_MAX_MEMBERS = 30;
/** Masks per Gray-code block of a range: 2^12 (fewer when n is smaller). */
export const COALITION_BLOCK_BITS = 12;

export interface CoalitionCurve {
  /** The constant of P (L_ref − L∞). */
  readonly base: number;
  /** A ≥ 0 */
  readonly scale: number;
  /** β > 0 */
  readonly exponent: number;
  /** η ≥ 0 */
  readonly heterogeneity: number;
}

/**
 * The numeric input of the coalition-value kernel. Preconditions (checked by the engine): n ≤ 30 members; d > 0,
 * s ≥ 0, X ≥ 0, e ≥ 0, all finite; pairWeights n × n finite; every mask < 2^n; first + count ≤ 2^n; tolerance > 0.
 */
export interface CoalitionValuesInput {
  readonly n: number;
  /** n × (d, s, X, e, μ, k0). */
  readonly members: Float64Array;
  /** n × n row-major W (diagonal ignored). */
  readonly pairWeights: Float64Array;
  readonly curve: CoalitionCurve;
  /** Relative KKT residual each coalition optimum must reach (float64 backends; WebGPU states its own accuracy). */
  readonly tolerance: number;
  /** Masks to solve, each from scratch; null for the range first .. first + count − 1. */
  readonly masks: Uint32Array | null;
  readonly first: number;
  /** Values wanted: masks.length, or the length of the range. */
  readonly count: number;
}

/** Diagnostics of one kernel call (the WebGPU kernel reports solves and nonConcave; passes and worstKkt are 0). */
export interface CoalitionKernelStats {
  /** Concave coalitions solved (the empty one not counted). */
  solves: number;
  /** Passes over the members. */
  passes: number;
  /** Solves that ended above the tolerance. */
  notConverged: number;
  /** Coalitions left as NaN (objective not concave). */
  nonConcave: number;
  /** Largest relative KKT residual met. */
  worstKkt: number;
}

export interface CoalitionValuesOutput {
  /** values[k] = v(masks[k]), or v(first + k). NaN where not concave. */
  values: Float64Array;
  stats: CoalitionKernelStats;
}

export function emptyKernelStats(): CoalitionKernelStats {
  return { solves: 0, passes: 0, notConverged: 0, nonConcave: 0, worstKkt: 0 };
}

/**
 * Checks the preconditions stated on CoalitionValuesInput (one message template: `Expected X for name but received
 * Y`); the engine calls it before any backend.
 */
export function validateCoalitionValues(input: CoalitionValuesInput): CoalitionValuesInput {
  const { n, members, pairWeights, curve, tolerance, masks, first, count } = input;
  if (!(Number.isInteger(n) && n >= 0 && n <= COALITION_MAX_MEMBERS)) {
    throw invalidArgument('n', `an integer in [0, ${COALITION_MAX_MEMBERS}]`, n);
  }
  if (!(members instanceof Float64Array) || members.length !== n * COALITION_MEMBER_FIELDS) {
    throw invalidArgument('members', `a Float64Array of length ${n * COALITION_MEMBER_FIELDS}`, members);
  }
  for (let i = 0; i < n; i++) {
    const p = i * COALITION_MEMBER_FIELDS;
    const ok =
      members[p + MEMBER.d] > 0 &&
      members[p + MEMBER.s] >= 0 &&
      members[p + MEMBER.X] >= 0 &&
      members[p + MEMBER.e] >= 0 &&
      members.subarray(p, p + COALITION_MEMBER_FIELDS).every(Number.isFinite);
    if (!ok) {
      throw invalidArgument(
        `members[${i}]`,
        'finite (d, s, X, e, μ, k0) with d > 0 and s, X, e ≥ 0',
        members.subarray(p, p + COALITION_MEMBER_FIELDS),
      );
    }
  }
  if (!(pairWeights instanceof Float64Array) || pairWeights.length !== n * n || !pairWeights.every(Number.isFinite)) {
    throw invalidArgument('pairWeights', `a Float64Array of ${n * n} finite values`, pairWeights);
  }
  if (
    !(curve.scale >= 0 && curve.exponent > 0 && curve.heterogeneity >= 0) ||
    ![curve.base, curve.scale, curve.exponent, curve.heterogeneity].every(Number.isFinite)
  ) {
    throw invalidArgument('curve', 'finite (base, A ≥ 0, β > 0, η ≥ 0)', curve);
  }
  if (!(tolerance > 0 && Number.isFinite(tolerance)))
    throw invalidArgument('tolerance', 'a positive number', tolerance);
  const total = 2 ** n;
  if (masks !== null) {
    if (!(masks instanceof Uint32Array) || masks.length !== count) {
      throw invalidArgument('masks', `a Uint32Array of length ${count}`, masks);
    }
    for (let k = 0; k < count; k++) {
      if (masks[k] >= total) throw invalidArgument(`masks[${k}]`, `a mask below 2^${n}`, masks[k]);
    }
  } else if (!(
    Number.isInteger(first) &&
    Number.isInteger(count) &&
    first >= 0 &&
    count >= 0 &&
    first + count <= total
  )) {
    throw invalidArgument('first, count', `a range of masks within [0, 2^${n})`, [first, count]);
  }
  return input;
}
