// server-optimizer — one step of FedAvgM / FedAdam / FedYogi (Reddi et al. 2021) in place, element-wise in f32,
// the same expressions in the same order as native/kernels/optimizer.cc (StepScalar) and serverOptimizerStepReference:
//   FedAvgM (kind 0): m ← β1·m + Δ;                    x ← x + η·m
//   FedAdam (kind 1): m ← β1·m + (1−β1)·Δ;  v ← β2·v + (1−β2)·Δ²
//   FedYogi (kind 2): m as FedAdam;         v ← v − (1−β2)·Δ²·sign(v − Δ²)
//   Adam / Yogi:      x ← x + η·m / (√v + τ)
// (1−β1) and (1−β2) are rounded to f32 on the host, as the native kernel rounds them. Multiplies, adds and the
// sign are exact-order IEEE f32 operations; sqrt and division carry WGSL's looser f32 accuracy (division 2.5 ULP,
// sqrt as 1/inverseSqrt), so x may differ from the reference by ~1e-6 of the step η·m/(√v + τ).
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (see below)
//   @binding(1) delta   storage r  array<f32>, count: the pseudo-gradient Δ of this chunk (uploaded each step)
//   @binding(2) x       storage rw array<f32>, count: the global model (uploaded each step, read back)
//   @binding(3) m       storage rw array<f32>, count: first moment, the chunk's resident state buffer
//   @binding(4) v       storage rw array<f32>, count: second moment, resident (kind 0: untouched, may be 4 bytes)
// m and v stay on the device across steps (GpuOptimizerState, src/engine/kernels/server-optimizer/webgpu.ts).
//
// Preconditions: 1 ≤ count; kind ∈ {0, 1, 2}; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups
// (x fastest) covering at least `count` invocations.

override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  // 0 FedAvgM, 1 FedAdam, 2 FedYogi.
  kind: u32,
  beta1: f32,
  beta2: f32,
  eta: f32,
  tau: f32,
  // f32(1 − β1), f32(1 − β2), rounded on the host.
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
}

const KIND_AVGM: u32 = 0u;
const KIND_ADAM: u32 = 1u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

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
  let d = delta[i];
  if (params.kind == KIND_AVGM) {
    let mi = params.beta1 * m[i] + d;
    m[i] = mi;
    x[i] = x[i] + params.eta * mi;
    return;
  }
  let mi = params.beta1 * m[i] + params.oneMinusBeta1 * d;
  let d2 = d * d;
  let v0 = v[i];
  var vi: f32;
  if (params.kind == KIND_ADAM) {
    vi = params.beta2 * v0 + params.oneMinusBeta2 * d2;
  } else {
    let diff = v0 - d2;
    // sign(diff) as +1, −1 or 0 (NaN → 0), as the native comparisons give.
    let s = select(0.0f, 1.0f, diff > 0.0f) - select(0.0f, 1.0f, diff < 0.0f);
    vi = v0 - (params.oneMinusBeta2 * d2) * s;
  }
  m[i] = mi;
  v[i] = vi;
  x[i] = x[i] + (params.eta * mi) / (sqrt(vi) + params.tau);
}
