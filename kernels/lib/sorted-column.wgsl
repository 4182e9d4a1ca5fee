// Shared by the median and trimmed-mean kernels (included with `// #include sorted-column`, resolved by
// scripts/embed-kernels.mjs; not a kernel itself): their bindings and parameters, float keys whose signed i32 order
// is float32's total order, and the per-coordinate gather-and-insertion-sort that both read their ranks from.

override WORKGROUP_SIZE: u32 = 64u;
const MAX_K: u32 = 128u;

struct Params {
  // Coordinates in this chunk (also the row stride of `updates`).
  count: u32,
  k: u32,
  // Sorted ranks the rule reads: [lo, hi).
  lo: u32,
  hi: u32,
  // 0, which the compiler cannot know: see opaque().
  zero: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> updates: array<f32>;
@group(0) @binding(3) var<storage, read_write> result: array<f32>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;

const EXPONENT_BITS: u32 = 0x7f800000u;
const ABS_BITS: u32 = 0x7fffffffu;

fn to_key(x: f32) -> i32 {
  let b = bitcast<i32>(x);
  return b ^ ((b >> 31u) & 0x7fffffff);
}

fn from_key(key: i32) -> f32 {
  return bitcast<f32>(key ^ ((key >> 31u) & 0x7fffffff));
}

fn is_finite_f32(x: f32) -> bool {
  return (bitcast<u32>(x) & EXPONENT_BITS) != EXPONENT_BITS;
}

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

// x, unchanged, hidden from the compiler's float rewrites: an integer xor with the runtime 0 `params.zero`. Error-free
// transforms need it where a compiler treats floats as reals: lavapipe (Mesa NIR's nir_opt_algebraic) rewrites
// t − (t − s) to s, which zeroes a two-sum's error term and leaves a plain f32 sum.
fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ params.zero);
}
