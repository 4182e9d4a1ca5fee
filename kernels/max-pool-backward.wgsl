// max-pool-backward — dx[plane, q] = Σ dy[i] over the windows i of the plane whose argmax indices[i] is q; NCHW.
//
// Algorithm. One invocation per input element gathers the windows that cover it, (oh, ow) in row-major order (the
// order in which the reference scatters them), so no atomics are needed: windows covering (h, w) have
// oh in [⌈(h − kernel + 1) / stride⌉, ⌊h / stride⌋] ∩ [0, outH), ow likewise. float32 sums of at most
// ⌈kernel/stride⌉² terms; exact when windows do not overlap (stride ≥ kernel).
//
// Buffer layout (group 0):
//   @binding(0) params   uniform    Params (as kernels/max-pool.wgsl)
//   @binding(1) dy       storage r  array<f32>, planes × outH × outW
//   @binding(2) indices  storage r  array<i32>, planes × outH × outW, each inside its window (checked by the caller)
//   @binding(3) dx       storage rw array<f32>, planes × height × width
//
// Preconditions: as kernels/max-pool.wgsl; the dispatch covers dx.

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
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

// The first window index (along one axis) that covers position v.
fn firstWindow(v: u32) -> u32 {
  if (v + 1u < params.kernel) {
    return 0u;
  }
  return (v + 1u - params.kernel + params.stride - 1u) / params.stride;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = params;
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= p.planes * p.height * p.width) {
    return;
  }
  let q = i % (p.height * p.width);
  let plane = i / (p.height * p.width);
  let h = q / p.width;
  let w = q % p.width;
  let ohEnd = min(h / p.stride + 1u, p.outH);
  let owEnd = min(w / p.stride + 1u, p.outW);
  var acc = 0.0f;
  for (var oh = firstWindow(h); oh < ohEnd; oh++) {
    for (var ow = firstWindow(w); ow < owEnd; ow++) {
      let at = (plane * p.outH + oh) * p.outW + ow;
      if (indices[at] == i32(q)) {
        acc += dy[at];
      }
    }
  }
  dx[i] = acc;
}
