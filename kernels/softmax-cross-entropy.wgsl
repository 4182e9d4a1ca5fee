// softmax-cross-entropy — per row i of the logits (rows×classes): loss_i = logsumexp(z_i) − z_i[y_i], computed
// stably (the row's max is subtracted before exp), and dLogits_i = (softmax(z_i) − onehot(y_i)) / rows.
//
// Algorithm. One invocation per row: max, Σ exp(z − max), then the row's loss and gradient. float32 with WGSL's
// exp and log (a few ulp; log near 1 to an absolute 2^-21), so a loss is accurate to ~1e-6 absolute and each
// gradient entry to ~1e-6 relative of 1/rows. The host adds the per-row losses in float64 and divides by rows.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform    Params (see below)
//   @binding(1) logits   storage r  array<f32>, rows × classes
//   @binding(2) labels   storage r  array<u32>, rows (each < classes; checked by the host)
//   @binding(3) dlogits  storage rw array<f32>, rows × classes
//   @binding(4) losses   storage rw array<f32>, rows
//
// Preconditions: 1 ≤ rows, 1 ≤ classes; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest)
// covering rows.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  rows: u32,
  classes: u32,
  // 1 / rows, the mean's factor.
  invRows: f32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= params.rows) {
    return;
  }
  let C = params.classes;
  let base = i * C;
  let y = labels[i];
  var zmax = logits[base];
  for (var c = 1u; c < C; c++) {
    zmax = max(zmax, logits[base + c]);
  }
  var sum = 0.0f;
  for (var c = 0u; c < C; c++) {
    sum += exp(logits[base + c] - zmax);
  }
  losses[i] = log(sum) + (zmax - logits[base + y]);
  let inv = 1.0 / sum;
  for (var c = 0u; c < C; c++) {
    let p = exp(logits[base + c] - zmax) * inv;
    dlogits[base + c] = (p - select(0.0, 1.0, c == y)) * params.invRows;
  }
}
