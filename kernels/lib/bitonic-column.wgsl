// Shared by the wide median and trimmed-mean kernels, MAX_K < K ≤ MAX_WIDE_K (included with
// `// #include bitonic-column`, after `// #include column-keys`, resolved by scripts/embed-kernels.mjs; not a kernel
// itself): one workgroup per coordinate gathers the coordinate's K values into workgroup memory as keys and
// bitonic-sorts them there.

override WORKGROUP_SIZE: u32 = 256u;
const MAX_WIDE_K: u32 = 4096u;
// The keys of +Infinity and −Infinity: a sorted column holds a NaN iff its first key is below NEG_INF_KEY (a NaN with
// the sign bit set) or its K-th is above POS_INF_KEY (one without; the padding, 0x7fffffff, sorts after every finite
// and infinite key, so the K-th key is above POS_INF_KEY only when a NaN is among the K values).
const POS_INF_KEY: i32 = 0x7f800000;
const NEG_INF_KEY: i32 = -0x7f800001;
const PAD_KEY: i32 = 0x7fffffff;

// The sorted keys of this workgroup's coordinate (filled by sort_column_wide): 16 KiB, the WebGPU default limit of
// maxComputeWorkgroupStorageSize, so the kernel declares no other workgroup variable.
var<workgroup> keys: array<i32, MAX_WIDE_K>;

// Gather coordinate i of the K updates (each scaled by its clipping factor) into `keys`, padded with PAD_KEY to the
// next power of two n, and bitonic-sort the n keys ascending (log2(n)·(log2(n) + 1)/2 compare-exchange stages, a
// barrier after each). Reports non-finite inputs in status[0]. Every invocation of the workgroup must call it (it has
// barriers; its control flow depends only on uniform values).
fn sort_column_wide(i: u32, lid: u32) {
  let count = params.count;
  let k = params.k;
  var n = 1u;
  while (n < k) {
    n <<= 1u;
  }
  for (var j = lid; j < n; j += WORKGROUP_SIZE) {
    var key = PAD_KEY;
    if (j < k) {
      let u = updates[j * count + i];
      if (!is_finite_f32(u)) {
        atomicOr(&status[0], 1u);
      }
      key = to_key(u * scales[j]);
    }
    keys[j] = key;
  }
  workgroupBarrier();
  for (var size = 2u; size <= n; size <<= 1u) {
    for (var stride = size >> 1u; stride > 0u; stride >>= 1u) {
      for (var t = lid; t < (n >> 1u); t += WORKGROUP_SIZE) {
        // Pair t of this stage: t = q·stride + r compares keys 2q·stride + r and that + stride.
        let at = 2u * t - (t & (stride - 1u));
        let a = keys[at];
        let b = keys[at + stride];
        if ((a > b) == ((at & size) == 0u)) {
          keys[at] = b;
          keys[at + stride] = a;
        }
      }
      workgroupBarrier();
    }
  }
}

// After sort_column_wide: when coordinate i holds a NaN, writes one of its NaNs to result[i] and returns false.
fn column_is_ordered(i: u32) -> bool {
  let first = keys[0];
  let last = keys[params.k - 1u];
  if (first < NEG_INF_KEY) {
    result[i] = from_key(first);
    return false;
  }
  if (last > POS_INF_KEY) {
    result[i] = from_key(last);
    return false;
  }
  return true;
}
