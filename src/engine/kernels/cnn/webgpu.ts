/**
 * The CNN kernels on WebGPU: the loops of reference.ts over the device's conv, pool and dense kernels. Not one
 * fused shader: a step's layers are separate dispatches with different workgroup shapes anyway, and each kernel keeps
 * its one WGSL home (kernels/conv2d.wgsl, max-pool.wgsl, gemm.wgsl).
 */
import type { GpuContext } from '../../gpu/program-runner.js';
import { conv2dGpuKernels } from '../conv2d/kernel.js';
import { denseGpuKernels } from '../gemm/kernel.js';
import { maxPoolGpuKernels } from '../max-pool/kernel.js';
import type { CnnLogitsInput, CnnTrainInput } from './contract.js';
import { cnnLogitsWith, cnnTrainStepsWith, type CnnKernels } from './reference.js';

function kernelsOn(gpu: GpuContext): CnnKernels {
  const conv = conv2dGpuKernels(gpu);
  const pool = maxPoolGpuKernels(gpu);
  const dense = denseGpuKernels(gpu);
  return {
    conv2d: (i) => conv.forward(i),
    conv2dBackward: (i) => conv.backward(i),
    maxPool2d: (i) => pool.forward(i),
    maxPool2dBackward: (i) => pool.backward(i),
    denseForward: (i) => dense.denseForward(i),
    denseBackward: (i) => dense.denseBackward(i),
    softmaxCrossEntropy: (i) => dense.softmaxCrossEntropy(i),
    sgdMomentum: (i) => dense.sgdMomentum(i),
  };
}

export function cnnTrainStepsWebGpu(gpu: GpuContext, input: CnnTrainInput): Promise<Float64Array> {
  return cnnTrainStepsWith(kernelsOn(gpu), input);
}

export function cnnLogitsWebGpu(gpu: GpuContext, input: CnnLogitsInput): Promise<Float32Array> {
  return cnnLogitsWith(kernelsOn(gpu), input);
}
