// conv2d-backward-weights — dw = Σ g ⋆ x and db = Σ g over the batch and the output positions, where g = dy,
// masked to y > 0 when params.relu (the forward's fused ReLU); NCHW.
//
// Algorithm. One invocation per weight (o, c, kh, kw), then one per bias o (invocations O·C·KH·KW onwards), each
// walking n, oh, ow in order with float32 sums of batch·outH·outW terms (error ≤ that count·2^-24·Σ|terms|).
// Few, long invocations: correct on every device, fast on none (the native addon is the fast path on a CPU).
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (kernels/lib/conv-params.wgsl)
//   @binding(1) x       storage r  array<f32>, batch × channels × height × width
//   @binding(2) dy      storage r  array<f32>, batch × outChannels × outH × outW
//   @binding(3) y       storage r  array<f32>, as dy (read only when params.relu; a dummy otherwise)
//   @binding(4) dw      storage rw array<f32>, outChannels × channels × kernelH × kernelW
//   @binding(5) db      storage rw array<f32>, outChannels
//
// Preconditions: as conv2d-forward; the dispatch covers dw and db.

override WORKGROUP_SIZE: u32 = 64u;

// #include conv-params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dw: array<f32>;
@group(0) @binding(5) var<storage, read_write> db: array<f32>;

fn gradient(at: u32) -> f32 {
  if (params.relu != 0u && !(y[at] > 0.0f)) {
    return 0.0f;
  }
  return dy[at];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = params;
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  let weights = p.outChannels * p.channels * p.kernelH * p.kernelW;
  if (i >= weights + p.outChannels) {
    return;
  }
  let positions = p.outH * p.outW;
  if (i >= weights) {
    let o = i - weights;
    var s = 0.0f;
    for (var n = 0u; n < p.batch; n++) {
      let base = (n * p.outChannels + o) * positions;
      for (var q = 0u; q < positions; q++) {
        s += gradient(base + q);
      }
    }
    db[o] = s;
    return;
  }
  let kw = i % p.kernelW;
  let kh = (i / p.kernelW) % p.kernelH;
  let c = (i / (p.kernelW * p.kernelH)) % p.channels;
  let o = i / (p.kernelW * p.kernelH * p.channels);
  var acc = 0.0f;
  for (var n = 0u; n < p.batch; n++) {
    for (var oh = 0u; oh < p.outH; oh++) {
      let ih = i32(oh * p.stride + kh) - i32(p.padding);
      if (ih < 0 || ih >= i32(p.height)) {
        continue;
      }
      let xRow = ((n * p.channels + c) * p.height + u32(ih)) * p.width;
      let gRow = ((n * p.outChannels + o) * p.outH + oh) * p.outW;
      for (var ow = 0u; ow < p.outW; ow++) {
        let iw = i32(ow * p.stride + kw) - i32(p.padding);
        if (iw < 0 || iw >= i32(p.width)) {
          continue;
        }
        acc += gradient(gRow + ow) * x[xRow + u32(iw)];
      }
    }
  }
  dw[i] = acc;
}
