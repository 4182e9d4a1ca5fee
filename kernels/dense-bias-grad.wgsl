// dense-bias-grad — the bias gradient of a dense layer: db[j] = Σ_i dy[i·n + j], the column sums of dy (rows×n).
//
// Algorithm. One invocation per column walks the rows in order, float32 sums (error ≤ rows·2^-24·Σ_i |dy_ij|;
// rows is a minibatch, small). Reads of one row are coalesced across the invocations of a workgroup.
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (see below)
//   @binding(1) dy      storage r  array<f32>, rows × n
//   @binding(2) db      storage rw array<f32>, n
//
// Preconditions: 1 ≤ n; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering n.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  rows: u32,
  n: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let j = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (j >= params.n) {
    return;
  }
  var s = 0.0f;
  for (var i = 0u; i < params.rows; i++) {
    s += dy[i * params.n + j];
  }
  db[j] = s;
}
