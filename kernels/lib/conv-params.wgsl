// The uniforms of the conv2d kernels (src/engine/kernels/conv2d/webgpu.ts packs them in this order).
struct Params {
  batch: u32,
  channels: u32,
  height: u32,
  width: u32,
  outChannels: u32,
  kernelH: u32,
  kernelW: u32,
  stride: u32,
  padding: u32,
  outH: u32,
  outW: u32,
  // 1: the forward fuses a ReLU, and the backward masks dy by y > 0
  relu: u32,
}
