/**
 * The L1-distance kernel's contract (DESIGN §3.2 and §6, "data"), which reference.ts, the native kernel and
 * kernels/l1-distances.wgsl share, and its validation:
 *
 *   δ_n = Σ_c |x_nc · (1 / T_n) − p*_c|,   T_n = totals[n] when given, else Σ_c x_nc
 *
 * for rows x_n of a rows × classes matrix of non-negative counts (or weights, or distributions: any row is divided by
 * its total), in float64, the classes summed in order: exactly the arithmetic of game/heterogeneity.ts's initialSkew,
 * so js and native return its bits. A row whose total is 0 has no distribution: δ_n = NaN on every backend (documented
 * rather than an error, so a batch with an empty organization still returns the others). WebGPU computes in float32
 * (accuracy stated in kernels/l1-distances.wgsl).
 *
 * Types, lengths, the target and totals are checked in TS; the counts' values (≥ 0, finite) by the kernels in their
 * one pass, which report the first bad index, and the engine throws INVALID_ARGUMENT naming it on every backend.
 */
import { type CocogenError, invalidArgument, invalidArgumentText } from '../../../core/errors.js';

export interface L1DistancesOptions {
  /** rows × classes non-negative finite counts, row-major (e.g. labelHistograms' output). Not with `distributions`. */
  counts?: Float64Array | Uint32Array;
  /** Same as `counts` (each row is still divided by its total); for rows that already are distributions. */
  distributions?: Float64Array | Uint32Array;
  /** The target distribution p* (classes non-negative finite values; used as given, not renormalized). */
  target: ArrayLike<number>;
  /** Number of rows; default counts.length / classes. */
  groups?: number;
  classes: number;
  /** Optional per-row normalizers T_n > 0 (e.g. a scenario's sample counts), instead of the row sums. */
  totals?: ArrayLike<number>;
}

/** The validated input every backend receives. */
export interface L1DistancesInput {
  counts: Float64Array | Uint32Array;
  /** 'counts' or 'distributions': the argument named in errors. */
  name: string;
  target: Float64Array;
  totals: Float64Array | null;
  groups: number;
  classes: number;
}

/** Checks every argument (types, lengths, finiteness, signs), naming the first bad element. */
export function validateL1Distances(options: L1DistancesOptions): L1DistancesInput {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
  const { classes } = options;
  if (!(Number.isInteger(classes) && classes >= 1)) throw invalidArgument('classes', 'an integer ≥ 1', classes);
  if ((options.counts === undefined) === (options.distributions === undefined)) {
    throw invalidArgument('counts', 'exactly one of counts or distributions', options.counts);
  }
  const name = options.counts !== undefined ? 'counts' : 'distributions';
  const counts = options.counts ?? options.distributions!;
  if (!(counts instanceof Float64Array || counts instanceof Uint32Array)) {
    throw invalidArgument(name, 'a Float64Array or Uint32Array', counts);
  }
  const groups = options.groups ?? counts.length / classes;
  if (!(Number.isInteger(groups) && groups >= 0)) throw invalidArgument('groups', 'an integer ≥ 0', options.groups);
  if (counts.length !== groups * classes) {
    throw invalidArgument(name, `${groups * classes} values (groups × classes)`, counts);
  }
  const target = options.target;
  if (target === null || typeof target !== 'object' || target.length !== classes) {
    throw invalidArgument('target', `${classes} probabilities`, target);
  }
  const t = Float64Array.from(target);
  for (let c = 0; c < classes; c++) {
    if (!(t[c]! >= 0 && t[c]! < Infinity))
      throw invalidArgumentText(`target[${c}]`, 'a finite number ≥ 0', String(target[c]));
  }
  let totals: Float64Array | null = null;
  if (options.totals !== undefined) {
    const raw = options.totals;
    if (raw === null || typeof raw !== 'object' || raw.length !== groups) {
      throw invalidArgument('totals', `${groups} totals (one per row)`, raw);
    }
    totals = Float64Array.from(raw);
    for (let n = 0; n < groups; n++) {
      if (!(totals[n]! > 0 && totals[n]! < Infinity)) {
        throw invalidArgumentText(`totals[${n}]`, 'a finite number > 0', String(raw[n]));
      }
    }
  }
  return { counts, name, target: t, totals, groups, classes };
}

/**
 * The typed error for a kernel's report of the first count that is negative or not finite (−1: none). Those values
 * are checked inside the kernels' one pass (as labelHistograms checks its labels), not by a separate JS pass.
 */
export function l1DistancesError(input: L1DistancesInput, badCount: number): CocogenError | undefined {
  if (badCount < 0) return undefined;
  return invalidArgumentText(`${input.name}[${badCount}]`, 'a finite number ≥ 0', String(input.counts[badCount]));
}

/** What a backend returns: the distances, and the index of the first bad count (−1: none; then discard them). */
export interface L1DistancesOutput {
  distances: Float64Array;
  badCount: number;
}
