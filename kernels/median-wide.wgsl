// median-wide — the coordinate-wise median of median.wgsl for MAX_K < K ≤ MAX_WIDE_K (128 < K ≤ 4096), with the same
// results bit for bit: the middle value (odd K), or the two middle values a ≤ b averaged as (a + b) / 2 rounded once
// (even K; mean_of_two, whose exactness argument is in median.wgsl's header).
//
// Algorithm. One workgroup per coordinate i: its invocations read the K values updates[k · count + i], scale each
// (clipping: v = f32(scale_k · u), one correctly rounded multiply; scale 1 leaves u unchanged), turn it into an i32
// key whose signed order is float32's total order (−0 < +0, the order of the TS reference's TypedArray sort), pad the
// keys with +max to the next power of two n and bitonic-sort them in workgroup memory (O(n log² n) compares, spread
// over the workgroup, a barrier between stages); then invocation 0 reads the middle ranks. A NaN among the values
// makes the result NaN (found at the ends of the sorted keys); any NaN or ±Infinity input sets status[0] (the host
// names it when the caller asked for nonFinite: 'error'). Non-finiteness is tested on bit patterns: WGSL lets
// compilers assume finite math.
//
// Buffer layout (group 0): as median.wgsl (Params, scales, updates, result, status).
//
// Preconditions: 1 ≤ k ≤ MAX_WIDE_K, 1 ≤ count, lo < hi ≤ k; the dispatch is a 2-D grid of workgroups (x fastest),
// workgroup wid.y · nwg.x + wid.x computing coordinate wid.y · nwg.x + wid.x, covering at least `count` of them.
// The host falls back to the JS reference for K > MAX_WIDE_K.

// #include column-keys
// #include bitonic-column

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Uniform across the workgroup, so the early return keeps the barriers in uniform control flow.
  let i = wid.y * nwg.x + wid.x;
  if (i >= params.count) {
    return;
  }
  sort_column_wide(i, lid);
  if (lid != 0u || !column_is_ordered(i)) {
    return;
  }
  result[i] = median_of_sorted_keys();
}
