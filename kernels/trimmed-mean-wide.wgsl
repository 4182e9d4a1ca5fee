// trimmed-mean-wide — the trimmed mean of trimmed-mean.wgsl for MAX_K < K ≤ MAX_WIDE_K (128 < K ≤ 4096): per
// coordinate, the mean of the sorted values at ranks [lo, hi) (the host sets lo = ⌊trim·K⌋, hi = K − lo), summed as an
// unevaluated double-f32 pair (s, c) and (s + c) / (hi − lo) rounded: as the narrow kernel, within ~2 ulp of the
// float64 mean plus ~2^-44 of the mean of |values| under heavy cancellation (each of the ≤ 16 + 8 additions on a
// path to the result errs by ~2^-47 of its partial sum). Measured on lavapipe with ±a + r pairs (a up to 2^21, r in
// [0, 1), partial sums ~2^28, mean ~0.5) at K = 512, 2048 and 4096: at most 1 ulp from the f32 rounding of the
// float64 mean, ≤ 2^-41.4 of mean |values| (the final rounding; the former single-invocation sum with an f32 error
// term was off by up to 2^-37.9 there, ~18 ulp). A non-finite s is used as is.
//
// Algorithm. One workgroup per coordinate, sorting its keys in workgroup memory exactly as median-wide.wgsl (see its
// header and lib/bitonic-column.wgsl). Then each of the WORKGROUP_SIZE invocations adds a contiguous run of about
// (hi − lo) / WORKGROUP_SIZE kept ranks, ascending, into a renormalized double-f32 pair, and the workgroup adds the
// pairs in a tree (log2 WORKGROUP_SIZE levels) in the sort's workgroup array (each pair as two bitcast i32 keys),
// both with add_pairs(): a double-f32 addition that two-sums the high parts and the low parts and renormalizes, each
// step erring by ~2^-47 of its result. Error-free-transform intermediates pass through opaque() (see column-keys).
// A NaN among the values makes the result NaN; any NaN or ±Infinity input sets status[0].
//
// Buffer layout (group 0): as trimmed-mean.wgsl (Params, scales, updates, result, status).
//
// Preconditions: 1 ≤ k ≤ MAX_WIDE_K, 1 ≤ count, lo < hi ≤ k; WORKGROUP_SIZE a power of two with 2·WORKGROUP_SIZE ≤
// MAX_WIDE_K; the dispatch is a 2-D grid of workgroups (x fastest), one per coordinate, covering at least `count` of
// them. The host falls back to the JS reference for K > MAX_WIDE_K.

// #include column-keys
// #include bitonic-column

// s = a + b rounded and its exact error e = a + b − s (Knuth's two-sum), as (s, e).
fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = opaque(a + b);
  let bp = opaque(s - a);
  let ap = opaque(s - bp);
  return vec2<f32>(s, opaque(a - ap) + opaque(b - bp));
}

// The same for |a| ≥ |b| or a = 0 (Dekker's fast two-sum): renormalizes a pair.
fn fast_two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = opaque(a + b);
  return vec2<f32>(s, b - opaque(s - a));
}

// The double-f32 sum of the pairs a and b: two-sums of the high parts and of the low parts, renormalized twice. A
// non-finite high part is returned as (s, 0), so a ±Infinity survives the error terms' NaN.
fn add_pairs(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let s = two_sum(a.x, b.x);
  if (!is_finite_f32(s.x)) {
    return vec2<f32>(s.x, 0.0f);
  }
  let t = two_sum(a.y, b.y);
  let u = fast_two_sum(s.x, opaque(s.y + t.x));
  return fast_two_sum(u.x, opaque(u.y + t.y));
}

fn store_pair(j: u32, p: vec2<f32>) {
  keys[2u * j] = bitcast<i32>(p.x);
  keys[2u * j + 1u] = bitcast<i32>(p.y);
}

fn load_pair(j: u32) -> vec2<f32> {
  return vec2<f32>(bitcast<f32>(keys[2u * j]), bitcast<f32>(keys[2u * j + 1u]));
}

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
  // Invocation 0 checks for a NaN (writing it as the result) before the keys are overwritten; every invocation goes on
  // to the barriers below, and a NaN column's sum is discarded.
  let ordered = lid != 0u || column_is_ordered(i);
  // This invocation's run of kept ranks: [lo + ⌊lid·n / W⌋, lo + ⌊(lid + 1)·n / W⌋), n = hi − lo ≤ 4096.
  let n = params.hi - params.lo;
  var sc = vec2<f32>(0.0f, 0.0f);
  for (var j = params.lo + lid * n / WORKGROUP_SIZE; j < params.lo + (lid + 1u) * n / WORKGROUP_SIZE; j++) {
    sc = add_pairs(sc, vec2<f32>(from_key(keys[j]), 0.0f));
  }
  // Every run is read before any pair is written over the keys.
  workgroupBarrier();
  store_pair(lid, sc);
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      store_pair(lid, add_pairs(load_pair(lid), load_pair(lid + stride)));
    }
    workgroupBarrier();
  }
  if (lid == 0u && ordered) {
    result[i] = mean_of_pair(load_pair(0u), f32(n));
  }
}
