/** The fused CNN kernels (contract.ts): one native call each; kernel by kernel on js and WebGPU. */
import { defineKernel } from '../kernel.js';
import type { CnnLogitsInput, CnnTrainInput } from './contract.js';
import { cnnLogitsNative, cnnTrainStepsNative } from './native.js';
import { cnnLogitsWith, cnnTrainStepsWith, JS_CNN_KERNELS } from './reference.js';
import { cnnLogitsWebGpu, cnnTrainStepsWebGpu } from './webgpu.js';

export const cnnTrainStepsKernel = defineKernel<CnnTrainInput, Float64Array>({
  name: 'trainCnn',
  js: (input) => cnnTrainStepsWith(JS_CNN_KERNELS, input),
  native: cnnTrainStepsNative,
  webgpu: cnnTrainStepsWebGpu,
});

export const cnnLogitsKernel = defineKernel<CnnLogitsInput, Float32Array>({
  name: 'cnnLogits',
  js: (input) => cnnLogitsWith(JS_CNN_KERNELS, input),
  native: cnnLogitsNative,
  webgpu: cnnLogitsWebGpu,
});
