/** The robust-rule kernels: each resolves to whether any input was non-finite (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { MedianInput, TrimmedMeanInput } from './contract.js';
import { coordinateMedianNative, trimmedMeanNative } from './native.js';
import { medianReference, trimmedMeanReference } from './reference.js';
import { coordinateMedianOnGpu, trimmedMeanOnGpu } from './webgpu.js';

export const coordinateMedianKernel = defineKernel<MedianInput, boolean>({
  name: 'coordinateMedian',
  js: ({ updates, scales, out }) => medianReference(updates, scales, out),
  native: (addon, { updates, scales, out }) => coordinateMedianNative(addon, updates, scales, out),
  webgpu: (gpu, { updates, scales, out }) => coordinateMedianOnGpu(gpu, updates, scales, out),
});

export const trimmedMeanKernel = defineKernel<TrimmedMeanInput, boolean>({
  name: 'trimmedMean',
  js: ({ updates, trimCount, scales, out }) => trimmedMeanReference(updates, trimCount, scales, out),
  native: (addon, { updates, trimCount, scales, out }) => trimmedMeanNative(addon, updates, trimCount, scales, out),
  webgpu: (gpu, { updates, trimCount, scales, out }) => trimmedMeanOnGpu(gpu, updates, trimCount, scales, out),
});
