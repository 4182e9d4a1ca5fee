// Shared by the median and trimmed-mean kernels for K ≤ MAX_K (included with `// #include sorted-column`, after
// `// #include column-keys`, resolved by scripts/embed-kernels.mjs; not a kernel itself): the per-invocation
// gather-and-insertion-sort that both read their ranks from.

override WORKGROUP_SIZE: u32 = 64u;
const MAX_K: u32 = 128u;

// The sorted keys of this invocation's coordinate (filled by sort_column).
var<private> keys: array<i32, MAX_K>;

// Gather coordinate i of the K updates (each scaled by its clipping factor), sort their keys into `keys`, and report
// non-finite inputs in status[0]. Returns false when a NaN was found: result[i] is then that NaN and nothing is left
// to compute.
fn sort_column(i: u32) -> bool {
  let count = params.count;
  let k = params.k;
  // One of the NaN values, when there is one (a NaN constant is not a valid WGSL const-expression).
  var nan_value = 0.0f;
  var nan = false;
  var non_finite = false;
  for (var j = 0u; j < k; j++) {
    let u = updates[j * count + i];
    non_finite = non_finite || !is_finite_f32(u);
    let v = u * scales[j];
    if ((bitcast<u32>(v) & ABS_BITS) > EXPONENT_BITS) {
      nan = true;
      nan_value = v;
    }
    let key = to_key(v);
    var at = j;
    while (at > 0u && keys[at - 1u] > key) {
      keys[at] = keys[at - 1u];
      at--;
    }
    keys[at] = key;
  }
  if (non_finite) {
    atomicOr(&status[0], 1u);
  }
  if (nan) {
    result[i] = nan_value;
    return false;
  }
  return true;
}
