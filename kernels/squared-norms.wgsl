// squared-norms — ‖u_k‖² of every update in emulated float64, over the whole range of f32, as one partial per
// workgroup: partials[g] = (hi, lo, e, flags) with Σ over the workgroup's elements of u² = (hi + lo)·2^(2e).
//
// Algorithm. Each workgroup owns ELEMENTS_PER_GROUP = WORKGROUP_SIZE · ITEMS consecutive elements of one update (its
// row of `updates`); invocation `lid` reads elements lid, lid + WORKGROUP_SIZE, … of that span (coalesced).
//   1. Range. Squares of f32 overflow above ~1.8e19 and underflow below ~1e-19, while the float64 reference squares
//      exactly. So the workgroup first finds m = max |u| over its finite elements (atomicMax on the bit patterns,
//      which order like the values for non-negative floats) and its exponent e (m = f·2^e, f ∈ [1, 2)), and every
//      element is scaled to x = |u|·2^-e ∈ [0, 2) by rewriting its exponent field: integer work, exact, and immune
//      to a device that flushes subnormals to zero (subnormal inputs are normalized by their leading bit first).
//      An x below 2^-62 becomes 0: its square is below 2^-124, and the workgroup's sum is ≥ (m·2^-e)² ≥ 1, so the
//      at most ELEMENTS_PER_GROUP such terms change it by < 2^-112 relative.
//   2. Exact squares. x = x1 + x2 with x1 its top 12 significant bits (masking the bit pattern, as fed-avg.wgsl
//      splits) and x2 = x − x1 (≤ 12 bits), so x1·x1 and x1·x2 are exact and Dekker's product without fma gives
//      x² = p + err exactly: p = x·x, err = ((x1·x1 − p) + 2·x1·x2) + x2·x2. llvmpipe (Mesa lavapipe) computes
//      WGSL fma() unfused, so fma(x, x, −p) would return 0 there; and a compiler that contracts a product and an
//      addition into a fused multiply-add changes nothing, because every product here is exact. (For x < ~2^-40 the
//      last terms can underflow: an absolute error below 2^-126, against a sum ≥ 1.)
//   3. Double-f32 sums. Each invocation adds its squares into an unevaluated pair (hi, lo) by two-sum and a
//      renormalizing fast two-sum; the workgroup then adds its WORKGROUP_SIZE pairs in a tree in workgroup memory,
//      the same way. Every term is ≥ 0, so nothing cancels: each addition errs by ≤ ~2^-47 of the running sum and
//      the workgroup's (hi + lo) is within ~(ITEMS + log2 WORKGROUP_SIZE)·2^-47 < 2e-13 of its exact sum. The
//      intermediates of these error-free transforms pass through opaque() (see there), or an optimizer that treats
//      floats as reals deletes the error terms.
//   The host adds (hi + lo)·2^(2e) of every workgroup of an update in float64. Measured on lavapipe: within 2e-15 of
//   the exact Σu² on random, 1e±30, near-f32-max, subnormal and mixed data (the float64 loop itself is off by up to
//   ~1e-12 at P = 10^6).
// Non-finite. WGSL lets compilers assume finite math (NaN need not survive), so NaN and ±Inf are found by bit tests
// (exponent all ones), left out of the max and the sums, and reported in `flags` (FLAG_NAN, FLAG_INF); the host
// returns NaN for an update with a NaN, else +Infinity for one with ±Infinity (as Σu² in float64 would).
//
// Buffer layout (group 0):
//   @binding(0) params    uniform   Params (see below)
//   @binding(1) updates   storage r  array<u32>, the f32 bit patterns of rows × count values: update row r's slice
//                         at [r · count, (r + 1) · count)
//   @binding(2) partials  storage rw array<Partial>, groups entries: workgroup g covers row g / groupsPerRow,
//                         elements [(g % groupsPerRow) · ELEMENTS_PER_GROUP, … + ELEMENTS_PER_GROUP) ∩ [0, count)
//
// Preconditions: 1 ≤ count; groupsPerRow = ⌈count / ELEMENTS_PER_GROUP⌉; groups = rows · groupsPerRow;
// WORKGROUP_SIZE a power of two; zero = 0; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest)
// with at least `groups` workgroups (workgroups beyond it return at once).

override WORKGROUP_SIZE: u32 = 256u;
// Elements per invocation (a compile-time fact of the host's plan: ELEMENTS_PER_GROUP = WORKGROUP_SIZE · ITEMS).
override ITEMS: u32 = 16u;

struct Params {
  // Elements per row (the row stride of `updates`).
  count: u32,
  // Workgroups per row: ⌈count / ELEMENTS_PER_GROUP⌉.
  groupsPerRow: u32,
  // Workgroups in all (rows · groupsPerRow): the length of `partials` written.
  groups: u32,
  // 0, which the compiler cannot know: see opaque().
  zero: u32,
}

struct Partial {
  hi: f32,
  lo: f32,
  // The scale exponent: the squares were summed as (u·2^-e)².
  e: i32,
  // FLAG_* bits.
  flags: u32,
}

const FLAG_NAN: u32 = 1u;
const FLAG_INF: u32 = 2u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> updates: array<u32>;
@group(0) @binding(2) var<storage, read_write> partials: array<Partial>;

var<workgroup> maxBits: atomic<u32>;
var<workgroup> flagBits: atomic<u32>;
var<workgroup> sums: array<vec2<f32>, WORKGROUP_SIZE>;

const ABS_MASK: u32 = 0x7fffffffu;
// f32 exponent field; all ones means ±Inf (mantissa 0) or NaN.
const EXPONENT_BITS: u32 = 0x7f800000u;
const MANTISSA_BITS: u32 = 0x007fffffu;
// Keeps sign, exponent and the top 11 stored mantissa bits: 12 significant bits.
const SPLIT_MASK: u32 = 0xfffff000u;
// Scaled values below 2^MIN_SCALED_EXPONENT count as 0 (their squares stay normal above it).
const MIN_SCALED_EXPONENT: i32 = -62;

// The unbiased exponent e and the stored mantissa of a finite, non-zero |u| (bits without sign):
// |u| = 1.mantissa·2^e, subnormals normalized.
fn normalized(a: u32) -> vec2<i32> {
  let field = i32(a >> 23u);
  if (field != 0) {
    return vec2<i32>(field - 127, i32(a & MANTISSA_BITS));
  }
  // Subnormal: a·2^-149 with its leading bit at position t (0…22) is 2^(t−149)·(a / 2^t).
  let t = firstLeadingBit(a);
  return vec2<i32>(i32(t) - 149, i32((a << (23u - t)) & MANTISSA_BITS));
}

// |u|·2^-shift for finite u with |u| < 2^(shift+1), exact, by rewriting the exponent field; 0 below
// 2^MIN_SCALED_EXPONENT.
fn scaled_abs(bits: u32, shift: i32) -> f32 {
  let a = bits & ABS_MASK;
  if (a == 0u) {
    return 0.0;
  }
  let n = normalized(a);
  let e = n.x - shift;
  if (e < MIN_SCALED_EXPONENT) {
    return 0.0;
  }
  return bitcast<f32>((u32(e + 127) << 23u) | u32(n.y));
}

// x, hidden from the optimizer. Compilers may simplify float expressions as if they were real numbers: Mesa's
// nir_opt_algebraic rewrites −a + (a + b) → b and a·b + a·c → a·(b + c) on every instruction not marked exact, and
// WGSL cannot mark one. On lavapipe that erased the error terms below, leaving an f32 sum (measured: 6e-8 relative).
// An integer xor with `params.zero`, a runtime 0, returns x unchanged, and no float rule sees through it. (A product
// with a runtime 1.0 in the same places was not enough: the two-sum still lost its exactness, 1e-9 relative, as the
// factoring rule above would do to two such products.)
fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ params.zero);
}

// (hi, lo) + (b, bLo) as a renormalized pair: Knuth's two-sum of the high parts, the low parts added to its error,
// then a fast two-sum (|s| ≥ |t| since every value is ≥ 0).
fn add2(a: vec2<f32>, b: f32, bLo: f32) -> vec2<f32> {
  let s = opaque(a.x + b);
  let v = opaque(s - a.x);
  let err = (a.x - (s - v)) + (b - v);
  let t = err + (a.y + bLo);
  let h = opaque(s + t);
  return vec2<f32>(h, t - (h - s));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Bounds check per workgroup (uniform: the barriers below must be reached by every invocation of a workgroup).
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.groups) {
    return;
  }
  let count = params.count;
  let row = g / params.groupsPerRow;
  let first = (g % params.groupsPerRow) * (WORKGROUP_SIZE * ITEMS);
  let base = row * count;

  if (lid == 0u) {
    atomicStore(&maxBits, 0u);
    atomicStore(&flagBits, 0u);
  }
  workgroupBarrier();

  // 1. The largest finite |u| and the non-finite flags.
  var localMax = 0u;
  var localFlags = 0u;
  for (var j = 0u; j < ITEMS; j++) {
    let i = first + j * WORKGROUP_SIZE + lid;
    if (i < count) {
      let a = updates[base + i] & ABS_MASK;
      if (a < EXPONENT_BITS) {
        localMax = max(localMax, a);
      } else {
        localFlags |= select(FLAG_INF, FLAG_NAN, a > EXPONENT_BITS);
      }
    }
  }
  atomicMax(&maxBits, localMax);
  if (localFlags != 0u) {
    atomicOr(&flagBits, localFlags);
  }
  workgroupBarrier();
  let m = atomicLoad(&maxBits);
  var shift = 0;
  if (m != 0u) {
    shift = normalized(m).x;
  }

  // 2. and 3. Exact squares of the scaled values into (hi, lo).
  var acc = vec2<f32>(0.0, 0.0);
  for (var j = 0u; j < ITEMS; j++) {
    let i = first + j * WORKGROUP_SIZE + lid;
    if (i < count) {
      let bits = updates[base + i];
      if ((bits & EXPONENT_BITS) != EXPONENT_BITS) {
        let x = scaled_abs(bits, shift);
        let x1 = bitcast<f32>(bitcast<u32>(x) & SPLIT_MASK);
        let x2 = x - x1;
        let p = opaque(x * x);
        let err = ((x1 * x1 - p) + 2.0 * x1 * x2) + x2 * x2;
        acc = add2(acc, p, err);
      }
    }
  }

  // The workgroup's pairs, added in a tree.
  sums[lid] = acc;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      let b = sums[lid + stride];
      sums[lid] = add2(sums[lid], b.x, b.y);
    }
    workgroupBarrier();
  }

  if (lid == 0u) {
    let total = sums[0];
    partials[g] = Partial(total.x, total.y, shift, atomicLoad(&flagBits));
  }
}
