/** SGEMM and the dense-training kernels built on it (contract.ts states each). */
import type { GpuContext } from '../../gpu/program-runner.js';
import { defineKernel } from '../kernel.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  DenseTrainInput,
  GemmInput,
  SgdMomentumInput,
  SoftmaxCrossEntropyInput,
  SoftmaxCrossEntropyOutput,
} from './contract.js';
import {
  denseBackwardNative,
  denseForwardNative,
  denseTrainStepsNative,
  gemmNative,
  sgdMomentumNative,
  softmaxCrossEntropyNative,
} from './native.js';
import {
  denseBackwardJs,
  denseForwardJs,
  denseTrainStepsWith,
  gemmJs,
  sgdMomentumJs,
  softmaxCrossEntropyJs,
  type DenseKernels,
} from './reference.js';
import { DenseGpuKernels } from './webgpu.js';

/** The reference kernels as the training loop of denseTrainStepsWith takes them. */
const JS_DENSE: DenseKernels = {
  denseForward: async (input) => denseForwardJs(input),
  denseBackward: async (input) => denseBackwardJs(input),
  softmaxCrossEntropy: async (input) => softmaxCrossEntropyJs(input),
  sgdMomentum: async (input) => sgdMomentumJs(input),
};

/** One set of GEMM programs per device (pipelines are cached by the device's runner). */
const onDevice = new WeakMap<GpuContext, DenseGpuKernels>();

/** The GEMM and dense-training kernels on `gpu`'s device, created on first use. */
export function denseGpuKernels(gpu: GpuContext): DenseGpuKernels {
  let kernels = onDevice.get(gpu);
  if (kernels === undefined) onDevice.set(gpu, (kernels = new DenseGpuKernels(gpu)));
  return kernels;
}

export const gemmKernel = defineKernel<GemmInput, Float32Array>({
  name: 'gemm',
  js: gemmJs,
  native: gemmNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).gemm(input),
});

export const denseForwardKernel = defineKernel<DenseForwardInput, Float32Array>({
  name: 'denseForward',
  js: denseForwardJs,
  native: denseForwardNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).denseForward(input),
});

export const denseBackwardKernel = defineKernel<DenseBackwardInput, DenseGradients>({
  name: 'denseBackward',
  js: denseBackwardJs,
  native: denseBackwardNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).denseBackward(input),
});

export const softmaxCrossEntropyKernel = defineKernel<SoftmaxCrossEntropyInput, SoftmaxCrossEntropyOutput>({
  name: 'softmaxCrossEntropy',
  js: softmaxCrossEntropyJs,
  native: softmaxCrossEntropyNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).softmaxCrossEntropy(input),
});

export const sgdMomentumKernel = defineKernel<SgdMomentumInput, void>({
  name: 'sgdMomentum',
  js: sgdMomentumJs,
  native: sgdMomentumNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).sgdMomentum(input),
});

/** Minibatch SGD steps: one native call on native; kernel by kernel on js and WebGPU. */
export const denseTrainStepsKernel = defineKernel<DenseTrainInput, Float64Array>({
  name: 'denseTrainSteps',
  js: (input) => denseTrainStepsWith(JS_DENSE, input),
  native: denseTrainStepsNative,
  webgpu: (gpu, input) => denseGpuKernels(gpu).denseTrainSteps(input),
});
