/**
 * The backend-independent parts of the robust rules: clipping scales from squared norms, and Krum's scores and
 * selection from a Gram matrix. Every backend computes the O(K·P) parts (norms, Gram); these O(K²) steps run here,
 * once, so that all backends select by the same code.
 */

/**
 * s_k = f32(min(1, clip / ‖u_k‖)), and 1 where the norm is 0 or not finite (a non-finite update passes unclipped, so
 * its non-finite values propagate or are reported).
 */
export function clipScales(squaredNorms: Float64Array, clip: number): Float32Array {
  return Float32Array.from(squaredNorms, (sq) => {
    const norm = Math.sqrt(sq);
    return Number.isFinite(norm) && norm > clip ? clip / norm : 1;
  });
}

/**
 * Krum scores from the Gram matrix G (K×K, float64) of the updates (scaled by `scales` when given):
 * d_ij = max(0, G_ii + G_jj − 2·G_ij) (with s_i, s_j folded in), score_i = the sum of its K − f − 2 smallest d_ij,
 * j ≠ i. A non-finite score becomes +Infinity (such an update is chosen last). Precondition: K ≥ 2f + 3.
 */
export function krumScores(gram: Float64Array, k: number, f: number, scales?: Float32Array): Float64Array {
  const s = (i: number) => (scales === undefined ? 1 : scales[i]!);
  const nearest = k - f - 2;
  const scores = new Float64Array(k);
  const row = new Float64Array(k - 1);
  for (let i = 0; i < k; i++) {
    let n = 0;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const d = s(i) * s(i) * gram[i * k + i]! + s(j) * s(j) * gram[j * k + j]! - 2 * s(i) * s(j) * gram[i * k + j]!;
      row[n++] = d > 0 ? d : d === d ? 0 : NaN;
    }
    row.sort(); // NaN last
    let score = 0;
    for (let j = 0; j < nearest; j++) score += row[j]!;
    scores[i] = Number.isFinite(score) ? score : Infinity;
  }
  return scores;
}

/** The m indices with the lowest scores, best first; ties go to the lower index. */
export function krumSelect(scores: Float64Array, m: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[a]! - scores[b]! || a - b)
    .slice(0, m);
}

/**
 * The float64 weights with which (multi-)Krum averages its selected updates: `weights` (normalized over all K)
 * renormalized over the selected — the plain average when all of theirs are 0 — times each one's scale.
 */
export function krumAverageWeights(
  selected: readonly number[],
  weights: Float64Array,
  scales: Float32Array | undefined,
): Float64Array {
  let total = 0;
  for (const i of selected) total += weights[i]!;
  return Float64Array.from(
    selected,
    (i) => (total > 0 ? weights[i]! / total : 1 / selected.length) * (scales ? scales[i]! : 1),
  );
}
