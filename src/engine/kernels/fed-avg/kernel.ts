/** The FedAvg kernel: resolves to whether `out` now holds a non-finite value (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { FedAvgInput } from './contract.js';
import { fedAvgNative } from './native.js';
import { fedAvgReference } from './reference.js';
import { FedAvgProgram, fedAvgOnGpu } from './webgpu.js';

/** FedAvg with a given WebGPU program (tests: a deliberately broken shader must surface as GPU_ERROR). */
export function fedAvgKernelWith(program: FedAvgProgram) {
  return defineKernel<FedAvgInput, boolean>({
    name: 'fedAvg',
    js: ({ updates, weights, out }) => fedAvgReference(updates, weights, out),
    native: (addon, { updates, weights, out }) => fedAvgNative(addon, updates, weights, out),
    webgpu: (gpu, { updates, weights, out }) => fedAvgOnGpu(gpu, program, updates, weights, out),
  });
}

export const fedAvgKernel = fedAvgKernelWith(new FedAvgProgram());
