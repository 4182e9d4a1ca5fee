/** The squared-norms kernel: ‖u_k‖² per update as float64 (contract.ts). */
import { defineKernel } from '../kernel.js';
import { squaredNormsNative } from './native.js';
import { squaredNormsReference } from './reference.js';
import { squaredNormsOnGpu } from './webgpu.js';

export const squaredNormsKernel = defineKernel<readonly Float32Array[], Float64Array>({
  name: 'squaredNorms',
  js: squaredNormsReference,
  native: squaredNormsNative,
  webgpu: (gpu, updates) => squaredNormsOnGpu(gpu, updates),
});
