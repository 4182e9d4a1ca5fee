/** The L1-distance kernel: δ_n = Σ_c |x_nc/T_n − p*_c| per row and the first bad count (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { L1DistancesInput, L1DistancesOutput } from './contract.js';
import { l1DistancesNative } from './native.js';
import { l1DistancesReference } from './reference.js';
import { l1DistancesOnGpu } from './webgpu.js';

export const l1DistancesKernel = defineKernel<L1DistancesInput, L1DistancesOutput>({
  name: 'l1Distances',
  js: l1DistancesReference,
  native: l1DistancesNative,
  webgpu: l1DistancesOnGpu,
});
