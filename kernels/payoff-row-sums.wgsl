// payoff-row-sums — dense row sums out[v][i] = Σ_j G[i][j]·V[v][j] for up to 4 vectors, in float32: the O(N²) part
// of the payoff path when the competition matrix is dense (a matrix–vector product; it knows nothing of games).
//
// Algorithm. One workgroup per matrix row: each invocation accumulates the columns j ≡ lid (mod WORKGROUP_SIZE) for
// every vector (a vec4 of sums), then the workgroup adds its WORKGROUP_SIZE partial sums in a tree. The row is read
// once for all vectors, in coalesced order. Error: about (N/WORKGROUP_SIZE + log2 WORKGROUP_SIZE) roundings of
// 2^-24, relative to Σ_j |G[i][j]·V[v][j]|.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform    Params (see below)
//   @binding(1) matrix   storage r  array<f32>, rowCount × n: this chunk's rows of one matrix
//   @binding(2) vectors  storage r  array<f32>: vector v of this dispatch at [vectorBase + v·n, … + n)
//   @binding(3) out      storage rw array<f32>: sum (v, row) at [vectorBase + v·n + rowStart + row]
//
// Preconditions: 1 ≤ n, 1 ≤ rowCount, 1 ≤ vectorCount ≤ 4; WORKGROUP_SIZE a power of two; the dispatch is a 2-D
// grid of workgroups (x fastest), at least one per row.

override WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Columns (the length of every vector).
  n: u32,
  // Rows in this chunk.
  rowCount: u32,
  // Index of the chunk's first row in the whole matrix.
  rowStart: u32,
  // Offset of this dispatch's first vector in `vectors` and `out`.
  vectorBase: u32,
  // Vectors in this dispatch (1 to 4).
  vectorCount: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> matrix: array<f32>;
@group(0) @binding(2) var<storage, read> vectors: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<vec4<f32>, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Uniform across the workgroup (it depends on the workgroup id only), so the barriers below stay in uniform flow.
  let row = wid.y * nwg.x + wid.x;
  if (row >= params.rowCount) {
    return;
  }
  let n = params.n;
  let count = params.vectorCount;
  let base = params.vectorBase;
  let start = row * n;
  var acc = vec4<f32>(0.0);
  for (var j = lid; j < n; j += WORKGROUP_SIZE) {
    let g = matrix[start + j];
    for (var v = 0u; v < count; v++) {
      acc[v] += g * vectors[base + v * n + j];
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = partial[0];
    for (var v = 0u; v < count; v++) {
      out[base + v * n + params.rowStart + row] = total[v];
    }
  }
}
