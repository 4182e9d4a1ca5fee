/** The payoff-matrix kernels: the grid of gains with each row's argmax, and dense rival sums (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './contract.js';
import { denseRowSumsNative, payoffMatrixNative } from './native.js';
import { denseRowSumsReference, payoffMatrixReference } from './reference.js';
import { denseRowSumsOnGpu, payoffMatrixOnGpu } from './webgpu.js';

export const payoffMatrixKernel = defineKernel<PayoffMatrixInput, PayoffMatrixOutput>({
  name: 'payoffMatrix',
  js: payoffMatrixReference,
  native: payoffMatrixNative,
  webgpu: payoffMatrixOnGpu,
});

export const denseRowSumsKernel = defineKernel<DenseRowSumsInput, Float64Array>({
  name: 'denseRowSums',
  js: denseRowSumsReference,
  native: denseRowSumsNative,
  webgpu: denseRowSumsOnGpu,
});
