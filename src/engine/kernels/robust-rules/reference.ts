/**
 * Plain-TypeScript references of the robust aggregation kernels (median, trimmed mean; contract.ts states what they
 * share). The native and WebGPU kernels are checked against these; they are written for exactness first.
 */

/** One coordinate's K values, scaled, into `column`; returns whether any was NaN. */
function gather(
  updates: readonly Float32Array[],
  scales: Float32Array | undefined,
  i: number,
  column: Float32Array,
): boolean {
  let nan = false;
  for (let k = 0; k < updates.length; k++) {
    const u = updates[k]![i]!;
    const v = scales === undefined ? u : Math.fround(scales[k]! * u);
    column[k] = v;
    if (v !== v) nan = true;
  }
  return nan;
}

function anyNonFinite(updates: readonly Float32Array[]): boolean {
  for (const u of updates) for (let i = 0; i < u.length; i++) if (u[i]! - u[i]! !== 0) return true;
  return false;
}

/**
 * Coordinate-wise median: sort (TypedArray order: −0 before +0), the middle value for odd K, the two middle values
 * averaged as (a + b) / 2 in float64 (exact) and rounded once to float32 for even K.
 */
export function medianReference(
  updates: readonly Float32Array[],
  scales: Float32Array | undefined,
  out: Float32Array,
): boolean {
  const k = updates.length;
  const column = new Float32Array(k);
  const hi = k >> 1;
  for (let i = 0; i < out.length; i++) {
    if (gather(updates, scales, i, column)) {
      out[i] = NaN;
      continue;
    }
    column.sort();
    out[i] = k & 1 ? column[hi]! : (column[hi - 1]! + column[hi]!) / 2;
  }
  return anyNonFinite(updates);
}

/** Trimmed mean: sort, drop `trimCount` values from each end, the float64 mean of the K − 2·trimCount left. */
export function trimmedMeanReference(
  updates: readonly Float32Array[],
  trimCount: number,
  scales: Float32Array | undefined,
  out: Float32Array,
): boolean {
  const k = updates.length;
  const column = new Float32Array(k);
  const kept = k - 2 * trimCount;
  for (let i = 0; i < out.length; i++) {
    if (gather(updates, scales, i, column)) {
      out[i] = NaN;
      continue;
    }
    column.sort();
    let sum = 0;
    for (let j = trimCount; j < k - trimCount; j++) sum += column[j]!;
    out[i] = sum / kept;
  }
  return anyNonFinite(updates);
}
