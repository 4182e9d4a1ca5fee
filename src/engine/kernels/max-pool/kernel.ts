/** 2-D max pooling, forward (with the argmax) and backward (contract.ts states each, the tie rule included). */
import type { GpuContext } from '../../gpu/program-runner.js';
import { defineKernel } from '../kernel.js';
import type { MaxPoolBackwardInput, MaxPoolForwardInput, MaxPoolOutput } from './contract.js';
import { maxPoolBackwardNative, maxPoolForwardNative } from './native.js';
import { maxPoolBackwardJs, maxPoolForwardJs } from './reference.js';
import { MaxPoolGpuKernels } from './webgpu.js';

const onDevice = new WeakMap<GpuContext, MaxPoolGpuKernels>();

/** The kernels' programs on `gpu`'s device, created on first use. */
export function maxPoolGpuKernels(gpu: GpuContext): MaxPoolGpuKernels {
  let kernels = onDevice.get(gpu);
  if (kernels === undefined) onDevice.set(gpu, (kernels = new MaxPoolGpuKernels(gpu)));
  return kernels;
}

export const maxPoolForwardKernel = defineKernel<MaxPoolForwardInput, MaxPoolOutput>({
  name: 'maxPool2d',
  js: maxPoolForwardJs,
  native: maxPoolForwardNative,
  webgpu: (gpu, input) => maxPoolGpuKernels(gpu).forward(input),
});

export const maxPoolBackwardKernel = defineKernel<MaxPoolBackwardInput, Float32Array>({
  name: 'maxPool2dBackward',
  js: maxPoolBackwardJs,
  native: maxPoolBackwardNative,
  webgpu: (gpu, input) => maxPoolGpuKernels(gpu).backward(input),
});
