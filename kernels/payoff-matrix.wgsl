// payoff-matrix — rows of an aggregative objective on a strategy grid, with each row's argmax, in float32.
//
// Contract (src/engine/kernels/payoff-matrix/reference.ts is the float64 reference; this kernel knows nothing of games).
// Row r of batch item b holds (d, x, X, k, w, m, c); the item holds its aggregates and curve as (D, Q/D, A·D^−β,
// β, η), the two products computed in float64 on the host. For every grid fraction t_j the row's gain of moving its
// amount from x to s = X·t_j is, with δ = s − x,
//   gain = w·(−A·D^−β·expm1(−β·log1p(δ/D)) + η·(δ/(D+δ))·(Q/D + k/((d+s)(d+x)))) + m·log1p(δ/(d+x)) − c·δ.
// Algorithm. Utilities are differences of large, similar numbers, and float32 cannot take them as differences of
// levels: every term above is a change computed directly from δ, in a form where nothing cancels (each of the two
// performance terms has the sign of δ). The remaining cancellation is the economics itself (benefit against
// cost), so a gain is accurate to ~1e-6 of |w·ΔP| + |m·Δg| + |c·δ| at the float32 amounts; the amounts x and X·t_j
// are float32, i.e. rounded by ≤ 2^-24 relative. WGSL's log and exp are only accurate to an absolute 2^-21 near 1,
// so log1p and expm1 are computed here: atanh series after exact range reduction (frexp), and a Taylor polynomial
// after reduction by ln 2 (ldexp), both to ~1 ulp.
// Each invocation owns one row, walks the grid in order, writes its gains (when FLAG_WRITE_GAINS) and its argmax:
// the first j with the largest gain, as (j, bitcast<u32>(gain)).
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (see below)
//   @binding(1) items   storage r  array<vec4<f32>>, 2 per batch item: (D, Q/D, A·D^−β, β), (η, 0, 0, 0)
//   @binding(2) rows    storage r  array<vec4<f32>>, 2 per row of this chunk: (d, x, X, k), (w, m, c, 0)
//   @binding(3) grid    storage r  array<f32>, gridSize fractions in [0, 1]
//   @binding(4) gains   storage rw array<f32>, rowCount × gridSize (row-major), when FLAG_WRITE_GAINS
//   @binding(5) best    storage rw array<vec2<u32>>, rowCount entries: (argmax j, bitcast<u32>(its gain))
//
// Preconditions: 1 ≤ rowCount, 1 ≤ gridSize; d > 0, x ≥ 0, X ≥ 0, k ≥ 0, D ≥ d + x, β > 0, all finite and below
// ~1e18 (products of two amounts must not overflow float32); the dispatch is a 2-D grid of WORKGROUP_SIZE-wide
// workgroups (x fastest) covering at least rowCount invocations.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Global index of this chunk's first row (selects the batch item: (rowStart + i) / rowsPerItem).
  rowStart: u32,
  // Rows in this chunk.
  rowCount: u32,
  // Rows per batch item (N).
  rowsPerItem: u32,
  // Grid points S (also the row stride of `gains`).
  gridSize: u32,
  // FLAG_* bits below.
  flags: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

// Write every gain, not only the argmax.
const FLAG_WRITE_GAINS: u32 = 1u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> items: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> rows: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> grid: array<f32>;
@group(0) @binding(4) var<storage, read_write> gains: array<f32>;
@group(0) @binding(5) var<storage, read_write> best: array<vec2<u32>>;

// #include f32-math

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= params.rowCount) {
    return;
  }
  let item = (params.rowStart + i) / params.rowsPerItem;
  let c0 = items[2u * item];
  let D = c0.x;
  let QD = c0.y;
  let AD = c0.z;
  let beta = c0.w;
  let eta = items[2u * item + 1u].x;
  let r0 = rows[2u * i];
  let r1 = rows[2u * i + 1u];
  let d = r0.x;
  let x = r0.y;
  let X = r0.z;
  let k = r0.w;
  let w = r1.x;
  let m = r1.y;
  let c = r1.z;
  let dx = d + x;
  let S = params.gridSize;
  let write = (params.flags & FLAG_WRITE_GAINS) != 0u;

  var bestIndex = 0u;
  var bestGain = 0.0f;
  for (var j = 0u; j < S; j++) {
    let s = X * grid[j];
    let delta = s - x;
    let pooled = -AD * expm1_f32(-beta * log1p_f32(delta / D));
    let heterogeneity = eta * (delta / (D + delta)) * (QD + (k / (d + s)) / dx);
    let gain = w * (pooled + heterogeneity) + m * log1p_f32(delta / dx) - c * delta;
    if (write) {
      gains[i * S + j] = gain;
    }
    if (j == 0u || gain > bestGain) {
      bestGain = gain;
      bestIndex = j;
    }
  }
  best[i] = vec2<u32>(bestIndex, bitcast<u32>(bestGain));
}
