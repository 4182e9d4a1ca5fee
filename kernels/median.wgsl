// median — coordinate-wise median of K updates: the middle value (odd K), or the two middle values a ≤ b averaged as
// (a + b) / 2 correctly rounded (even K). Below 2^100 in magnitude: a + b rounded, then halved — exact, since halving
// commutes with rounding and a sum small enough (< 2^-125) to halve inexactly is itself exact. At or above 2^100:
// a/2 + b/2 — the larger halving is exact and the smaller value is either exactly halved or far below half an ulp of
// the result. So the result equals the reference's float64 (a + b) / 2 rounded once — provided the device keeps
// subnormals (WGSL allows flushing them; lavapipe keeps them, and the shared table checks it).
//
// Algorithm. One invocation per coordinate i: it reads the K values updates[k · count + i], scales each (clipping:
// v = f32(scale_k · u), one correctly rounded multiply; scale 1 leaves u unchanged), turns it into an i32 key whose
// signed order is float32's total order (−0 < +0, the order of the TS reference's TypedArray sort) and inserts it into
// a sorted private array of at most MAX_K keys (insertion sort: O(K²) compares, all in registers / private memory).
// A NaN among the values makes the result NaN; any NaN or ±Infinity input sets status[0] (the host names it when the
// caller asked for nonFinite: 'error'). Non-finiteness is tested on bit patterns: WGSL lets compilers assume finite
// math.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform   Params (see below)
//   @binding(1) scales   storage r  array<f32>, k entries (all 1 without clipping)
//   @binding(2) updates  storage r  array<f32>, k × count: update k's slice at [k · count, (k + 1) · count)
//   @binding(3) result   storage rw array<f32>, count entries
//   @binding(4) status   storage rw array<atomic<u32>>, 1 entry: bit 0 = a non-finite input was seen
//
// Preconditions: 1 ≤ k ≤ MAX_K, 1 ≤ count, lo < hi ≤ k; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups
// (x fastest) covering at least `count` invocations. The host runs median-wide.wgsl for MAX_K < K ≤ 4096.

// #include column-keys
// #include sorted-column

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= params.count) {
    return;
  }
  if (!sort_column(i)) {
    return;
  }
  result[i] = median_of_sorted_keys();
}
