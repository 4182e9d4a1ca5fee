/** The coalition-value kernel: v(S) for a list or range of masks, NaN where not concave (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './contract.js';
import { coalitionValuesNative } from './native.js';
import { coalitionValuesReference } from './reference.js';
import { coalitionValuesOnGpu } from './webgpu.js';

export const coalitionValuesKernel = defineKernel<CoalitionValuesInput, CoalitionValuesOutput>({
  name: 'coalitionValues',
  js: coalitionValuesReference,
  native: coalitionValuesNative,
  webgpu: coalitionValuesOnGpu,
});
