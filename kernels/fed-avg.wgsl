// fed-avg — weighted sum of K model updates in emulated float64: result[i] = Σ_k w_k · u_k[i].
//
// Algorithm. WGSL has no f64, so each invocation keeps its element's running sum as an unevaluated pair of
// f32 (s, c) — sum and Neumaier compensation — and adds every term w_k·u exactly enough to match a float64 loop:
//   * the host splits each float64 weight into w = w1 + w2 + w3 (+ ~2^-46·w): w1 and w2 carry 12 significant
//     bits each, w3 is an f32;
//   * the shader splits u into u1 (its top 12 significant bits, by masking the bit pattern) and u2 = u − u1;
//   * so x1 = w1·u1, w1·u2 and w2·u1 are exact products (≤ 24 bits). x1 enters (s, c) by Neumaier's two-sum;
//     x2 = w1·u2 + w2·u1 (relative error 2^-36 of the term) and x3 = w2·u2 + w3·u (< 2^-23 of the term) go
//     straight into c.
// This is Dekker's exact two-product without fma: llvmpipe (Mesa lavapipe) computes WGSL fma() unfused, so
// fma(a, b, −a·b) returns 0 there, and a compiler that contracts a·b + c into a fused multiply-add cannot change
// any result here, because every product that meets an addition is exact.
// The pair is rounded once to f32 at the end (s + c). When the plain sum s is not finite (a NaN or ±Inf input;
// non-finite u pass the split unchanged), s itself is the result, so non-finite values propagate IEEE-style
// instead of turning into NaN through the error terms. Non-finiteness is tested on the bit pattern because
// WGSL lets compilers assume finite math. Large K is processed in groups: (s, c) is carried between dispatches
// in `partial`. Every invocation that writes a non-finite result (a non-finite input, or a sum beyond the f32 range)
// sets status[0], which the host reads back with the last chunk: it looks for the cause only when the bit is set.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform   Params (see below)
//   @binding(1) weights  storage r  array<vec4<f32>>, kCount entries: (w1, w2, w3, 0) of this group's weights
//   @binding(2) updates  storage r  array<f32>, kCount × count: update k's slice at [k · count, (k + 1) · count)
//   @binding(3) partial  storage rw array<vec2<f32>>, count entries: running (s, c) between groups of K
//   @binding(4) result   storage rw array<f32>, count entries: the f32 result of this chunk of elements
//   @binding(5) status   storage rw array<atomic<u32>>, 1 entry: bit 0 = a result written so far is NaN or ±Inf
//
// Preconditions: 1 ≤ kCount, 1 ≤ count; every buffer at least the size above (partial and result may be
// smaller when the flags say they are not touched: still ≥ 8 and ≥ 4 bytes); status zeroed by the host before the
// first chunk of a call; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering at least
// `count` invocations.

override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Elements in this chunk (also the row stride of `updates`).
  count: u32,
  // Updates in this group of K.
  kCount: u32,
  // FLAG_* bits below.
  flags: u32,
  _pad: u32,
}

// Start from the (s, c) stored in `partial` (a previous group of K ran) instead of zero.
const FLAG_READ_PARTIAL: u32 = 1u;
// Last group of K: round and write `result`; otherwise store (s, c) into `partial`.
const FLAG_WRITE_RESULT: u32 = 2u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> updates: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> result: array<f32>;
@group(0) @binding(5) var<storage, read_write> status: array<atomic<u32>>;

// f32 exponent field; all ones means ±Inf or NaN.
const EXPONENT_BITS: u32 = 0x7f800000u;
// Keeps sign, exponent and the top 11 stored mantissa bits: 12 significant bits.
const SPLIT_MASK: u32 = 0xfffff000u;

fn is_finite_f32(x: f32) -> bool {
  return (bitcast<u32>(x) & EXPONENT_BITS) != EXPONENT_BITS;
}

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
  let count = params.count;

  var s = 0.0f;
  var c = 0.0f;
  if ((params.flags & FLAG_READ_PARTIAL) != 0u) {
    let prev = partial[i];
    s = prev.x;
    c = prev.y;
  }

  for (var k = 0u; k < params.kCount; k++) {
    let u = updates[k * count + i];
    let w = weights[k];
    let bits = bitcast<u32>(u);
    let u1 = bitcast<f32>(select(bits & SPLIT_MASK, bits, (bits & EXPONENT_BITS) == EXPONENT_BITS));
    let u2 = u - u1;
    let x1 = w.x * u1;
    let x2 = w.x * u2 + w.y * u1;
    let x3 = w.y * u2 + w.z * u;
    let t = s + x1;
    // Neumaier: the rounding error of s + x1, taken from the larger operand's side.
    c += select((x1 - t) + s, (s - t) + x1, abs(s) >= abs(x1)) + (x2 + x3);
    s = t;
  }

  if ((params.flags & FLAG_WRITE_RESULT) != 0u) {
    let r = select(s, s + c, is_finite_f32(s));
    result[i] = r;
    if (!is_finite_f32(r)) {
      atomicOr(&status[0], 1u);
    }
  } else {
    partial[i] = vec2<f32>(s, c);
  }
}
