// conv2d-backward-input — dx = the transposed convolution of g with w, where g = dy, masked to y > 0 when
// params.relu (the forward's fused ReLU); NCHW.
//
// Algorithm. One invocation per input element (n, c, ih, iw) gathers every output position whose window covers it:
// for o, kh, kw in order, oh = (ih + padding − kh) / stride when that divides exactly and lands in [0, outH), ow
// likewise. float32 sums of at most outChannels·⌈kernelH/stride⌉·⌈kernelW/stride⌉ terms (error ≤ that count·2^-24·
// Σ|terms|). Deterministic: no atomics.
//
// Buffer layout (group 0):
//   @binding(0) params  uniform    Params (kernels/lib/conv-params.wgsl)
//   @binding(1) w       storage r  array<f32>, outChannels × channels × kernelH × kernelW
//   @binding(2) dy      storage r  array<f32>, batch × outChannels × outH × outW
//   @binding(3) y       storage r  array<f32>, as dy (read only when params.relu; a dummy otherwise)
//   @binding(4) dx      storage rw array<f32>, batch × channels × height × width
//
// Preconditions: as conv2d-forward; the dispatch covers dx.

override WORKGROUP_SIZE: u32 = 64u;

// #include conv-params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = params;
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= p.batch * p.channels * p.height * p.width) {
    return;
  }
  let iw = i % p.width;
  let ih = (i / p.width) % p.height;
  let c = (i / (p.width * p.height)) % p.channels;
  let n = i / (p.width * p.height * p.channels);
  var acc = 0.0f;
  for (var o = 0u; o < p.outChannels; o++) {
    for (var kh = 0u; kh < p.kernelH; kh++) {
      let th = i32(ih + p.padding) - i32(kh);
      if (th < 0 || u32(th) % p.stride != 0u || u32(th) / p.stride >= p.outH) {
        continue;
      }
      let oh = u32(th) / p.stride;
      for (var kw = 0u; kw < p.kernelW; kw++) {
        let tw = i32(iw + p.padding) - i32(kw);
        if (tw < 0 || u32(tw) % p.stride != 0u || u32(tw) / p.stride >= p.outW) {
          continue;
        }
        let at = ((n * p.outChannels + o) * p.outH + oh) * p.outW + u32(tw) / p.stride;
        var g = dy[at];
        if (p.relu != 0u && !(y[at] > 0.0f)) {
          g = 0.0f;
        }
        acc += g * w[((o * p.channels + c) * p.kernelH + kh) * p.kernelW + kw];
      }
    }
  }
  dx[i] = acc;
}
