/**
 * Plain-TypeScript references of the robust aggregation kernels (median, trimmed mean, squared norms, the Gram matrix
 * of Krum). The native and WebGPU kernels are checked against these; they are written for exactness first.
 *
 * Common contract: `scales` (optional, one float32 per update, from norm clipping) replaces every value u by
 * f32(scale·u) before the rule — one correctly rounded float32 product, the same on every backend. A kernel returns
 * whether it saw a non-finite input (NaN or ±Infinity, before scaling), so that the engine can name it when the
 * caller asked for `nonFinite: 'error'`; with 'propagate' a NaN among a coordinate's values makes the result NaN
 * there, and infinities take part in the order like any other value.
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

/** ‖u_k‖² in float64, one per update. */
export function squaredNormsReference(updates: readonly Float32Array[]): Float64Array {
  return Float64Array.from(updates, (u) => {
    let s = 0;
    for (let i = 0; i < u.length; i++) s += u[i]! * u[i]!;
    return s;
  });
}

/** The K×K Gram matrix G[i·K + j] = u_i·u_j in float64 (symmetric). */
export function gramReference(updates: readonly Float32Array[]): Float64Array {
  const k = updates.length;
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const ua = updates[a]!;
      const ub = updates[b]!;
      let s = 0;
      for (let i = 0; i < ua.length; i++) s += ua[i]! * ub[i]!;
      g[a * k + b] = s;
      g[b * k + a] = s;
    }
  }
  return g;
}
