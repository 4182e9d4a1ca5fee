/** The 2-D convolution kernels, forward and backward (contract.ts states each). */
import type { GpuContext } from '../../gpu/program-runner.js';
import { defineKernel } from '../kernel.js';
import type { Conv2dBackwardInput, Conv2dForwardInput, Conv2dGradients } from './contract.js';
import { conv2dBackwardNative, conv2dForwardNative } from './native.js';
import { conv2dBackwardJs, conv2dForwardJs } from './reference.js';
import { Conv2dGpuKernels } from './webgpu.js';

/** One set of programs per device (pipelines are cached by the device's runner). */
const onDevice = new WeakMap<GpuContext, Conv2dGpuKernels>();

/** The kernels' programs on `gpu`'s device, created on first use. */
export function conv2dGpuKernels(gpu: GpuContext): Conv2dGpuKernels {
  let kernels = onDevice.get(gpu);
  if (kernels === undefined) onDevice.set(gpu, (kernels = new Conv2dGpuKernels(gpu)));
  return kernels;
}

export const conv2dForwardKernel = defineKernel<Conv2dForwardInput, Float32Array>({
  name: 'conv2d',
  js: conv2dForwardJs,
  native: conv2dForwardNative,
  webgpu: (gpu, input) => conv2dGpuKernels(gpu).forward(input),
});

export const conv2dBackwardKernel = defineKernel<Conv2dBackwardInput, Conv2dGradients>({
  name: 'conv2dBackward',
  js: conv2dBackwardJs,
  native: conv2dBackwardNative,
  webgpu: (gpu, input) => conv2dGpuKernels(gpu).backward(input),
});
