// l1-distances — out[n] = Σ_c |x_nc · (1 / T_n) − p*_c| for the rows of this dispatch, in float32; −1 for a row whose
// total T_n is 0 (the host returns NaN there: WGSL lets compilers assume finite math, so no NaN is made here).
//
// Algorithm. One invocation per row: T_n = Σ_c x_nc in order (or the given total), inv = 1 / T_n, then the classes in
// order. A row of classes values is read by one invocation: rows are short (10–1000 classes) and many (10^6), so one
// row per invocation keeps every invocation busy without a reduction.
// Accuracy (for the float64 value δ of the same counts, with Σ_c p*_c = 1): every count, total and target value is
// rounded to f32 (u = 2^-24 relative), T_n gathers ≤ (classes − 1)·u·T_n of rounding (non-negative terms), the
// quotient, the difference and each of the classes additions one rounding each, so
//   |δ_f32 − δ| ≤ (3·classes + 6)·u        (e.g. 3.6e-6 for 100 classes, 4.6e-5 for 256)
// — a bound, not a measurement; counts above 2^24 are rounded on the way in, which the bound includes.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform   Params (see below)
//   @binding(1) counts   storage r  array<u32>: rows × classes counts, row-major; f32 bit patterns, or u32 integers
//                        when COUNTS_U32 = 1 (converted here: exact below 2^24)
//   @binding(2) targetDist storage r  array<f32>: classes values
//   @binding(3) totals   storage r  array<f32>: one total per row when useTotals = 1, else a 4-byte dummy
//   @binding(4) out      storage rw array<f32>: one distance per row
//
// Preconditions: counts ≥ 0 and finite (the host checks float64 counts when it rounds them); classes ≥ 1; totals > 0;
// the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) with at least `rows` invocations.

override WORKGROUP_SIZE: u32 = 64u;
override COUNTS_U32: u32 = 0u;

struct Params {
  rows: u32,
  classes: u32,
  useTotals: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read> targetDist: array<f32>;
@group(0) @binding(3) var<storage, read> totals: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn count_at(i: u32) -> f32 {
  if (COUNTS_U32 == 1u) {
    return f32(counts[i]);
  }
  return bitcast<f32>(counts[i]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let n = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (n >= params.rows) {
    return;
  }
  let classes = params.classes;
  let base = n * classes;
  var total = 0.0;
  if (params.useTotals == 1u) {
    total = totals[n];
  } else {
    for (var c = 0u; c < classes; c++) {
      total += count_at(base + c);
    }
  }
  if (total == 0.0) {
    out[n] = -1.0;
    return;
  }
  let inv = 1.0 / total;
  var acc = 0.0;
  for (var c = 0u; c < classes; c++) {
    acc += abs(count_at(base + c) * inv - targetDist[c]);
  }
  out[n] = acc;
}
