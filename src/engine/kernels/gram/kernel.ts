/** Krum's Gram matrix u_i·u_j (K×K float64), as GEMMs on native and WebGPU (contract.ts). */
import { denseGpuKernels } from '../gemm/kernel.js';
import { defineKernel } from '../kernel.js';
import { gramNative } from './native.js';
import { gramReference } from './reference.js';
import { gramOnGpu } from './webgpu.js';

export const gramKernel = defineKernel<readonly Float32Array[], Float64Array>({
  name: 'gram',
  js: gramReference,
  native: gramNative,
  webgpu: (gpu, updates) => gramOnGpu((input) => denseGpuKernels(gpu).gemm(input), updates, gpu.bindingBytes),
});
