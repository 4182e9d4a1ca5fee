// max-pool — y = the maximum of each kernel × kernel window (stride params.stride, no padding), indices = its
// position h·width + w in the (sample, channel) plane; NCHW.
//
// Tie rule, as the JS reference and the native addon: row-major window order, strictly greater replaces (the first
// maximum wins), and the first NaN wins over every number and stays. NaN is tested on the bits (exponent all ones,
// mantissa not zero), which no compiler may fold away. Exact.
//
// Buffer layout (group 0):
//   @binding(0) params   uniform    Params (see below)
//   @binding(1) x        storage r  array<f32>, planes × height × width
//   @binding(2) y        storage rw array<f32>, planes × outH × outW
//   @binding(3) indices  storage rw array<i32>, planes × outH × outW
//
// Preconditions: 1 ≤ kernel ≤ min(height, width), outH = (height − kernel) / stride + 1 (outW likewise); the dispatch
// is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering y.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  planes: u32,
  height: u32,
  width: u32,
  kernel: u32,
  stride: u32,
  outH: u32,
  outW: u32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;

fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = params;
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= p.planes * p.outH * p.outW) {
    return;
  }
  let ow = i % p.outW;
  let oh = (i / p.outW) % p.outH;
  let base = (i / (p.outW * p.outH)) * p.height * p.width;
  var at = oh * p.stride * p.width + ow * p.stride;
  var best = x[base + at];
  for (var kh = 0u; kh < p.kernel; kh++) {
    for (var kw = 0u; kw < p.kernel; kw++) {
      let q = (oh * p.stride + kh) * p.width + ow * p.stride + kw;
      let v = x[base + q];
      if (!isNan(best) && (v > best || isNan(v))) {
        best = v;
        at = q;
      }
    }
  }
  y[i] = best;
  indices[i] = i32(at);
}
