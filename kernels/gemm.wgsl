// gemm — C ← epilogue(α·op(A)·op(B) + β·C) in float32, row-major: op(A) is m×k, op(B) is k×n, C is m×n.
//
// Algorithm. Each workgroup of 16×16 invocations owns a TILE×TILE = 64×64 block of C; each invocation holds a 4×4
// register block of it (rows ty + 16·i, columns tx + 16·j). The k extent is walked in steps of KT = 16: the
// workgroup loads a 64×16 tile of op(A) and a 16×64 tile of op(B) into workgroup memory (4 elements each per
// invocation, zero outside the matrices, transposes absorbed by the indexing), synchronizes, and every invocation
// adds its 4×4 outer products. Accumulation is float32 in k order (a compiler may fuse the multiply-adds): per
// element the error is at most about k·2^-24·Σ_p |op(A)_ip·op(B)_pj|.
// Epilogue, in this order, per element: v = α·acc; + β·C (FLAG_BETA; otherwise C is never read); + bias[col]
// (FLAG_BIAS); ReLU v > 0 ? v : 0 (FLAG_RELU, NaN → 0); v = mask > 0 ? v : 0 with mask at the element's index
// (FLAG_MASK: the backward of a ReLU layer, mask being its output).
// Bounds: every workgroup runs the barriers in uniform control flow, so out-of-range invocations are not
// returned early: their loads read zero and their stores are skipped (the bounds checks below).
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (see below)
//   @binding(1) a       storage r  array<f32>: A, m×k (k×m when FLAG_TRANS_A)
//   @binding(2) b       storage r  array<f32>: B, k×n (n×k when FLAG_TRANS_B)
//   @binding(3) bias    storage r  array<f32>: n values when FLAG_BIAS (else ≥ 1, unread)
//   @binding(4) mask    storage r  array<f32>: m×n values when FLAG_MASK (else ≥ 1, unread)
//   @binding(5) c       storage rw array<f32>: C, m×n
//
// Preconditions: 1 ≤ m, 1 ≤ n, 0 ≤ k; buffers at least the sizes above (A and B ≥ 1 element when k = 0); the
// dispatch is (⌈n/64⌉, ⌈m/64⌉, 1) workgroups.

const TILE: u32 = 64u;
const KT: u32 = 16u;
const THREADS: u32 = 16u;
const PER: u32 = 4u;

const FLAG_TRANS_A: u32 = 1u;
const FLAG_TRANS_B: u32 = 2u;
const FLAG_BETA: u32 = 4u;
const FLAG_BIAS: u32 = 8u;
const FLAG_RELU: u32 = 16u;
const FLAG_MASK: u32 = 32u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  // FLAG_* bits above.
  flags: u32,
  alpha: f32,
  beta: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;

var<workgroup> tileA: array<array<f32, KT>, TILE>;
var<workgroup> tileB: array<array<f32, TILE>, KT>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m = params.m;
  let n = params.n;
  let k = params.k;
  let flags = params.flags;
  let transA = (flags & FLAG_TRANS_A) != 0u;
  let transB = (flags & FLAG_TRANS_B) != 0u;
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let tx = lid.x;
  let ty = lid.y;
  let t = ty * THREADS + tx;

  var acc: array<array<f32, PER>, PER>;
  for (var i = 0u; i < PER; i++) {
    for (var j = 0u; j < PER; j++) {
      acc[i][j] = 0.0;
    }
  }

  let tiles = (k + KT - 1u) / KT;
  for (var kt = 0u; kt < tiles; kt++) {
    let k0 = kt * KT;
    for (var r = 0u; r < 4u; r++) {
      let e = t + r * THREADS * THREADS;
      // A tile: 64 rows × 16 k.
      let ar = e / KT;
      let ak = e % KT;
      let gi = row0 + ar;
      let gk = k0 + ak;
      var va = 0.0f;
      if (gi < m && gk < k) {
        if (transA) {
          va = a[gk * m + gi];
        } else {
          va = a[gi * k + gk];
        }
      }
      tileA[ar][ak] = va;
      // B tile: 16 k × 64 columns.
      let bk = e / TILE;
      let bc = e % TILE;
      let hk = k0 + bk;
      let gj = col0 + bc;
      var vb = 0.0f;
      if (hk < k && gj < n) {
        if (transB) {
          vb = b[gj * k + hk];
        } else {
          vb = b[hk * n + gj];
        }
      }
      tileB[bk][bc] = vb;
    }
    workgroupBarrier();
    for (var p = 0u; p < KT; p++) {
      var av: array<f32, PER>;
      var bv: array<f32, PER>;
      for (var i = 0u; i < PER; i++) {
        av[i] = tileA[ty + THREADS * i][p];
        bv[i] = tileB[p][tx + THREADS * i];
      }
      for (var i = 0u; i < PER; i++) {
        for (var j = 0u; j < PER; j++) {
          acc[i][j] += av[i] * bv[j];
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < PER; i++) {
    let gi = row0 + ty + THREADS * i;
    for (var j = 0u; j < PER; j++) {
      let gj = col0 + tx + THREADS * j;
      if (gi < m && gj < n) {
        let idx = gi * n + gj;
        var v = params.alpha * acc[i][j];
        if ((flags & FLAG_BETA) != 0u) {
          v += params.beta * c[idx];
        }
        if ((flags & FLAG_BIAS) != 0u) {
          v += bias[gj];
        }
        if ((flags & FLAG_RELU) != 0u) {
          v = select(0.0, v, v > 0.0);
        }
        if ((flags & FLAG_MASK) != 0u) {
          v = select(0.0, v, mask[idx] > 0.0);
        }
        c[idx] = v;
      }
    }
  }
}
