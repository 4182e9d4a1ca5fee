// trimmed-mean-wide — the trimmed mean of trimmed-mean.wgsl for MAX_K < K ≤ MAX_WIDE_K (128 < K ≤ 4096): per
// coordinate, the mean of the sorted values at ranks [lo, hi) (the host sets lo = ⌊trim·K⌋, hi = K − lo), added in
// ascending order into an unevaluated f32 pair (s, c) by Knuth's two-sum (intermediates through opaque()), and
// (s + c) / (hi − lo) rounded once. The error term c is itself an f32 sum of hi − lo terms, so under cancellation the
// result is within ~2 ulp of the float64 mean plus about (hi − lo)·2^-48 of the mean of |values| (a crude bound:
// 2^-36 at 4096 terms). A non-finite s is used as is.
//
// Algorithm. One workgroup per coordinate, sorting its keys in workgroup memory exactly as median-wide.wgsl (see its
// header and lib/bitonic-column.wgsl); invocation 0 then adds ranks [lo, hi). A NaN among the values makes the result
// NaN; any NaN or ±Infinity input sets status[0].
//
// Buffer layout (group 0): as trimmed-mean.wgsl (Params, scales, updates, result, status).
//
// Preconditions: 1 ≤ k ≤ MAX_WIDE_K, 1 ≤ count, lo < hi ≤ k; the dispatch is a 2-D grid of workgroups (x fastest),
// one per coordinate, covering at least `count` of them. The host falls back to the JS reference for K > MAX_WIDE_K.

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
  var sc = vec2<f32>(0.0f, 0.0f);
  for (var j = params.lo; j < params.hi; j++) {
    sc = two_sum_add(sc, from_key(keys[j]));
  }
  result[i] = mean_of_pair(sc, f32(params.hi - params.lo));
}
