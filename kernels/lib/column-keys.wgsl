// Shared by the median and trimmed-mean kernels, narrow and wide (included with `// #include column-keys`, resolved by
// scripts/embed-kernels.mjs; not a kernel itself): their bindings and parameters, float keys whose signed i32 order
// is float32's total order, the correctly rounded mean of two values and the two-sum step of the trimmed mean.

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

// x, unchanged, hidden from the compiler's float rewrites: an integer xor with the runtime 0 `params.zero`. Error-free
// transforms need it where a compiler treats floats as reals: lavapipe (Mesa NIR's nir_opt_algebraic) rewrites
// t − (t − s) to s, which zeroes a two-sum's error term and leaves a plain f32 sum.
fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ params.zero);
}

// x/2 for finite x, exactly when |x| ≥ 2^-125 (one less in the exponent field); 0 below, where x/2 is far under half
// an ulp of the other, large, half (so the sum rounds the same).
fn halve_large(x: f32) -> f32 {
  if (abs(x) < 0x1p-125f) {
    return 0.0f;
  }
  return bitcast<f32>(bitcast<u32>(x) - 0x00800000u);
}

// (a + b) / 2 rounded once, for the two middle values a ≤ b of an even K (see median.wgsl's header).
fn mean_of_two(a: f32, b: f32) -> f32 {
  // Branch on the inputs, not on whether a + b overflowed (the compiler may assume finite math), and halve large values
  // on their bits (lavapipe's compiler turns a·0.5 + b·0.5 back into (a + b)·0.5, which overflows).
  if (max(abs(a), abs(b)) >= 0x1p100f) {
    if (!is_finite_f32(a) || !is_finite_f32(b)) {
      return a + b;
    }
    return halve_large(a) + halve_large(b);
  }
  return (a + b) * 0.5f;
}

// The median of the k = params.k sorted keys in `keys` (the including kernel's sorted-column or bitonic-column array;
// WGSL resolves module-scope names in any order): the middle value for odd k, mean_of_two of the middle pair else.
fn median_of_sorted_keys() -> f32 {
  let k = params.k;
  if ((k & 1u) == 1u) {
    return from_key(keys[k / 2u]);
  }
  return mean_of_two(from_key(keys[k / 2u - 1u]), from_key(keys[k / 2u]));
}

// One step of Knuth's two-sum: x added to the unevaluated pair (sc.x, sc.y) = (s, c). Every intermediate passes
// through opaque(), or the compiler may cancel the error term away.
fn two_sum_add(sc: vec2<f32>, x: f32) -> vec2<f32> {
  let s = sc.x;
  let t = opaque(s + x);
  let bp = opaque(t - s);
  return vec2<f32>(t, sc.y + ((s - (t - bp)) + (x - bp)));
}

// (s + c) / n rounded once; a non-finite s is used as is.
fn mean_of_pair(sc: vec2<f32>, n: f32) -> f32 {
  if (is_finite_f32(sc.x)) {
    return (sc.x + sc.y) / n;
  }
  return sc.x / n;
}
