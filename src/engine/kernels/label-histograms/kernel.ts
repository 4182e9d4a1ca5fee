/** The label-histogram kernel: groups × classes counts and the first bad label or owner (contract.ts). */
import { defineKernel } from '../kernel.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './contract.js';
import { labelHistogramsNative } from './native.js';
import { labelHistogramsReference } from './reference.js';
import { labelHistogramsOnGpu } from './webgpu.js';

export const labelHistogramsKernel = defineKernel<LabelHistogramsInput, LabelHistogramsOutput>({
  name: 'labelHistograms',
  js: labelHistogramsReference,
  native: labelHistogramsNative,
  webgpu: labelHistogramsOnGpu,
});
