// conv2d-forward — y = conv(x, w) + bias, then ReLU (y > 0 ? y : 0) when params.relu; NCHW.
//
// Algorithm. One invocation per output element (n, o, oh, ow) walks c, kh, kw in order and accumulates in float32
// from the bias, skipping taps in the zero padding: error ≤ (C·KH·KW + 1)·2^-24·Σ|terms| (direct loops; the native
// addon is the fast path on a CPU).
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (kernels/lib/conv-params.wgsl)
//   @binding(1) x       storage r  array<f32>, batch × channels × height × width
//   @binding(2) w       storage r  array<f32>, outChannels × channels × kernelH × kernelW
//   @binding(3) bias    storage r  array<f32>, outChannels
//   @binding(4) y       storage rw array<f32>, batch × outChannels × outH × outW
//
// Preconditions: the sizes of src/engine/kernels/conv2d/contract.ts (padding < the kernel, an output ≥ 1×1); the
// dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering y.

override WORKGROUP_SIZE: u32 = 64u;

// #include conv-params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = params;
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= p.batch * p.outChannels * p.outH * p.outW) {
    return;
  }
  let ow = i % p.outW;
  let oh = (i / p.outW) % p.outH;
  let o = (i / (p.outW * p.outH)) % p.outChannels;
  let n = i / (p.outW * p.outH * p.outChannels);
  var acc = bias[o];
  for (var c = 0u; c < p.channels; c++) {
    for (var kh = 0u; kh < p.kernelH; kh++) {
      // ih = oh·stride + kh − padding, below 0 inside the top padding
      let ih = i32(oh * p.stride + kh) - i32(p.padding);
      if (ih < 0 || ih >= i32(p.height)) {
        continue;
      }
      let xRow = ((n * p.channels + c) * p.height + u32(ih)) * p.width;
      let wRow = ((o * p.channels + c) * p.kernelH + kh) * p.kernelW;
      for (var kw = 0u; kw < p.kernelW; kw++) {
        let iw = i32(ow * p.stride + kw) - i32(p.padding);
        if (iw < 0 || iw >= i32(p.width)) {
          continue;
        }
        acc += x[xRow + u32(iw)] * w[wRow + kw];
      }
    }
  }
  if (p.relu != 0u && !(acc > 0.0f)) {
    acc = 0.0f;
  }
  y[i] = acc;
}
