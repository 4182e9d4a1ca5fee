/**
 * Plain-TypeScript reference of the coalition-value kernel, in float64 (native/kernels/coalition_values.h and
 * kernels/coalition-values.wgsl compute the same thing; src/incentive/coalition-values.ts packs a coalition game into
 * this numeric input). For a coalition S, a bit mask over n ≤ 30 members,
 *
 *   v(S) = max_{x ∈ Π_{i∈S}[0, X_i]}  K_S·P(D, Q) + Σ_{i∈S} [m_i·ln(1 + x_i/d_i) − e_i·x_i]
 *   P(D, Q) = base − A·D^(−β) − η·Q/D,   D = Σ_{i∈S}(d_i + x_i),   Q = Σ_{i∈S} s_i/(d_i + x_i)
 *   k_i(S) = k0_i + Σ_{j∈S, j≠i} W_ij,   m_i = k_i(S)·μ_i,   K_S = Σ_{i∈S} k_i(S)
 *
 * v(∅) = 0. The objective is concave when K_S ≥ 0 and every m_i ≥ 0; each such coalition is solved by the game
 * numeric core's aggregative solver (numeric/aggregative-solver.ts) to a relative KKT residual ≤ `tolerance`. A coalition whose
 * objective is not concave gets NaN on every backend: the caller solves it by other means (the incentive layer runs
 * coordinate ascent from several starts) and counts it in `nonConcave`.
 *
 * Two modes: a list of masks, each solved from scratch (`masks`), or the range of masks first .. first + count − 1
 * (`masks` null), which the js and native kernels walk in aligned blocks of 2^min(n, 12) masks in Gray-code order of
 * the low bits, consecutive coalitions differing by one member: k(S) is updated in O(n) and each solve starts from the
 * previous coalition's aggregates (D, Q) corrected for the member that joined or left. Warm starts change the
 * iterations, not the answer (within the tolerance).
 */
import type { AggregativeObjective } from '../../../numeric/aggregative-objective.js';
import { maximizeAggregative } from '../../../numeric/aggregative-solver.js';
import type { LearningCurve } from '../../../numeric/learning-curve.js';
import {
  COALITION_BLOCK_BITS,
  COALITION_MEMBER_FIELDS,
  MEMBER,
  emptyKernelStats,
  type CoalitionValuesInput,
  type CoalitionValuesOutput,
} from './contract.js';

/** One walker over coalitions: k(S), the last amounts (warm starts) and the last aggregates. */
class CoalitionWalker {
  readonly stats = emptyKernelStats();
  readonly #in: Uint8Array;
  readonly #k: Float64Array;
  readonly #xLast: Float64Array;
  readonly #d: Float64Array;
  readonly #s: Float64Array;
  readonly #X: Float64Array;
  readonly #e: Float64Array;
  readonly #m: Float64Array;
  readonly #members: Int32Array;
  readonly #curve: LearningCurve;
  #D = 0;
  #Q = 0;
  #warm = false;

  constructor(private readonly input: CoalitionValuesInput) {
    const n = input.n;
    this.#in = new Uint8Array(n);
    this.#k = new Float64Array(n);
    this.#xLast = new Float64Array(n);
    this.#m = new Float64Array(n);
    this.#members = new Int32Array(n);
    const field = (f: number) =>
      Float64Array.from({ length: n }, (_, i) => input.members[i * COALITION_MEMBER_FIELDS + f]);
    this.#d = field(MEMBER.d);
    this.#s = field(MEMBER.s);
    this.#X = field(MEMBER.X);
    this.#e = field(MEMBER.e);
    const c = input.curve;
    this.#curve = { reference: c.base, floor: 0, scale: c.scale, exponent: c.exponent, heterogeneity: c.heterogeneity };
  }

  /** The coalition `mask`, from scratch (no warm start). */
  reset(mask: number): void {
    const { n, members, pairWeights } = this.input;
    for (let i = 0; i < n; i++) {
      this.#in[i] = (mask >>> i) & 1;
      this.#xLast[i] = 0;
    }
    for (let i = 0; i < n; i++) {
      let k = members[i * COALITION_MEMBER_FIELDS + MEMBER.k0];
      for (let j = 0; j < n; j++) if (j !== i && this.#in[j]) k += pairWeights[i * n + j];
      this.#k[i] = k;
    }
    this.#D = 0;
    this.#Q = 0;
    this.#warm = false;
  }

  /** Member j joins or leaves. */
  toggle(j: number): void {
    const { n, pairWeights } = this.input;
    const join = !this.#in[j];
    this.#in[j] = join ? 1 : 0;
    const sign = join ? 1 : -1;
    for (let i = 0; i < n; i++) if (i !== j) this.#k[i] += sign * pairWeights[i * n + j];
    const u = this.#d[j] + this.#xLast[j];
    this.#D += sign * u;
    this.#Q += sign * (this.#s[j] / u);
  }

  value(tolerance: number): number {
    const n = this.input.n;
    let count = 0;
    let K = 0;
    let concave = true;
    for (let i = 0; i < n; i++) {
      if (!this.#in[i]) continue;
      const m = this.#k[i] * this.input.members[i * COALITION_MEMBER_FIELDS + MEMBER.mu];
      if (m < 0) concave = false;
      this.#m[i] = m;
      K += this.#k[i];
      this.#members[count++] = i;
    }
    if (count === 0) {
      this.#D = 0;
      this.#Q = 0;
      return 0;
    }
    if (!(K >= 0)) concave = false;
    if (!concave) {
      this.stats.nonConcave++;
      this.#warm = false;
      return NaN;
    }
    this.stats.solves++;
    const members = this.#members.subarray(0, count);
    const obj: AggregativeObjective = {
      curve: this.#curve,
      d: this.#d,
      s: this.#s,
      X: this.#X,
      alpha: K,
      m: this.#m,
      e: this.#e,
      members,
    };
    const warm = this.#warm && this.#D > 0 ? { initial: { D: this.#D, Q: this.#Q } } : {};
    const sol = maximizeAggregative(obj, { tolerance, ...warm });
    this.stats.passes += sol.passes;
    if (sol.kktResidual > this.stats.worstKkt) this.stats.worstKkt = sol.kktResidual;
    if (!(sol.kktResidual <= tolerance)) this.stats.notConverged++;
    const c = this.#curve;
    let value = K * (c.reference - c.scale * Math.pow(sol.D, -c.exponent) - (c.heterogeneity * sol.Q) / sol.D);
    for (let t = 0; t < count; t++) {
      const i = members[t];
      const x = sol.x[i];
      this.#xLast[i] = x;
      const m = this.#m[i];
      value += (m === 0 ? 0 : m * Math.log1p(x / this.#d[i])) - this.#e[i] * x;
    }
    this.#D = sol.D;
    this.#Q = sol.Q;
    this.#warm = true;
    return value;
  }
}

/**
 * The kernel's reference: values of a list of masks (each from scratch) or of a range of masks (Gray-code blocks
 * with warm starts), on the main thread.
 * @example coalitionValuesReference(packCoalitionGame(game, 1e-9, null, 0, 2 ** game.n)).values // v by mask
 */
export function coalitionValuesReference(input: CoalitionValuesInput): CoalitionValuesOutput {
  const { n, masks, first, count, tolerance } = input;
  const values = new Float64Array(count);
  const walker = new CoalitionWalker(input);
  if (masks) {
    for (let k = 0; k < count; k++) {
      walker.reset(masks[k]);
      values[k] = walker.value(tolerance);
    }
    return { values, stats: walker.stats };
  }
  const bits = Math.min(n, COALITION_BLOCK_BITS);
  const block = 2 ** bits;
  const end = first + count;
  for (let high = Math.floor(first / block) * block; high < end; high += block) {
    walker.reset(high);
    for (let j = 0; j < block; j++) {
      if (j > 0) walker.toggle(31 - Math.clz32(j & -j));
      const mask = high + (j ^ (j >>> 1));
      if (mask >= first && mask < end) values[mask - first] = walker.value(tolerance);
    }
  }
  return { values, stats: walker.stats };
}
