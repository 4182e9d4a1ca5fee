/**
 * The aggregates of the learning curve (DESIGN §3.2): for a set S, the pooled size D_S = Σ(d+x) and
 * Q_S = Σ s/(d+x) with s_n = d_n²·(δ⁰_n)², so that H_S = Q_S/D_S. Everything the curve needs from x is this pair:
 * the aggregative structure every solver uses.
 */

/** The aggregates of a set S: pooled size D_S = Σ(d+x) and Q_S = Σ s/(d+x). */
export interface Aggregates {
  D: number;
  Q: number;
}

/**
 * Aggregates (D_S, Q_S) at x for the members S (all organizations when `members` is omitted).
 * @example const { D, Q } = aggregatesAt(model.d, model.s, x); const H = Q / D;
 */
export function aggregatesAt(
  d: Float64Array,
  s: Float64Array,
  x: Float64Array,
  members?: ArrayLike<number>,
): Aggregates {
  let D = 0;
  let Q = 0;
  if (members === undefined) {
    for (let i = 0; i < d.length; i++) {
      const u = d[i] + x[i];
      D += u;
      Q += s[i] / u;
    }
  } else {
    for (let k = 0; k < members.length; k++) {
      const i = members[k];
      const u = d[i] + x[i];
      D += u;
      Q += s[i] / u;
    }
  }
  return { D, Q };
}

/** H_S = Q_S / D_S. */
export function heterogeneity(agg: Aggregates): number {
  return agg.Q / agg.D;
}
