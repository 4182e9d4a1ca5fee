// sgd-momentum — one SGD-with-momentum step in place (PyTorch's convention), element-wise in float32:
//   g = grad + λ·p;  v ← μ·v + g;  p ← p − η·v (the stored v).
//
// Buffer layout (group 0):
//   @binding(0) params    uniform    Params (see below)
//   @binding(1) grad      storage r  array<f32>, count
//   @binding(2) weights   storage rw array<f32>, count: the parameters p
//   @binding(3) velocity  storage rw array<f32>, count
//
// Preconditions: 1 ≤ count; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering count.

override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  count: u32,
  learningRate: f32,
  momentum: f32,
  weightDecay: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;

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
  let p = weights[i];
  let g = grad[i] + params.weightDecay * p;
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  weights[i] = p - params.learningRate * v;
}
