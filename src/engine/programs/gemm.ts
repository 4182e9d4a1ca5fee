/**
 * GemmProgram (kernels/gemm.wgsl) and the programs of the other dense-training kernels (kernels/dense-bias-grad.wgsl,
 * kernels/softmax-cross-entropy.wgsl, kernels/sgd-momentum.wgsl) declared as data, with their uniforms and dispatch
 * sizes. The host code that runs them is in dense-gpu-kernels.ts.
 */
import { WGSL } from '../../../bindings/wgsl.generated.js';
import { CocogenError } from '../../errors.js';
import { dispatch1d, packUniforms, type DispatchSize } from './dispatch.js';
import type { GpuProgram } from './program.js';

/** Uniform flag bits of kernels/gemm.wgsl. */
export const GEMM_FLAGS = { TRANS_A: 1, TRANS_B: 2, BETA: 4, BIAS: 8, RELU: 16, MASK: 32 } as const;

/** Rows and columns of C per workgroup (the shader's TILE). */
export const GEMM_TILE = 64;

export class GemmProgram implements GpuProgram {
  readonly name = 'gemm';
  readonly cacheKey = 'gemm;builtin;tile=64x64;kt=16;wg=16x16';
  readonly shaderSource = WGSL['gemm'];
  readonly entryPoint = 'main';
  readonly constants = {};
  readonly workgroupSize = 256;

  /** (⌈n/64⌉, ⌈m/64⌉, 1) workgroups; INVALID_ARGUMENT when a dimension needs more than the device allows. */
  dispatch(m: number, n: number, maxPerDimension: number): DispatchSize {
    const x = Math.ceil(n / GEMM_TILE);
    const y = Math.ceil(m / GEMM_TILE);
    if (x > maxPerDimension || y > maxPerDimension) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected m and n of at most ${maxPerDimension * GEMM_TILE} for gemm on this device but received ${m}×${n}`,
      );
    }
    return [Math.max(1, x), Math.max(1, y), 1];
  }

  /** Params { m, n, k, flags, alpha, beta, _pad0, _pad1 }. */
  uniforms(m: number, n: number, k: number, flags: number, alpha: number, beta: number): ArrayBuffer {
    return packUniforms([
      { name: 'm', type: 'u32', value: m },
      { name: 'n', type: 'u32', value: n },
      { name: 'k', type: 'u32', value: k },
      { name: 'flags', type: 'u32', value: flags },
      { name: 'alpha', type: 'f32', value: alpha },
      { name: 'beta', type: 'f32', value: beta },
      { name: '_pad0', type: 'u32', value: 0 },
      { name: '_pad1', type: 'u32', value: 0 },
    ]);
  }
}

/** A 1-D element-wise (or row-wise) program whose workgroup size is an override constant. */
export class ElementwiseProgram implements GpuProgram {
  readonly cacheKey: string;
  readonly shaderSource: string;
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;

  constructor(
    readonly name: 'dense-bias-grad' | 'softmax-cross-entropy' | 'sgd-momentum',
    readonly workgroupSize: number,
  ) {
    this.shaderSource = WGSL[name];
    this.constants = { WORKGROUP_SIZE: workgroupSize };
    this.cacheKey = `${name};builtin;wg=${workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }
}

/** Params of dense-bias-grad: { rows, n, _pad0, _pad1 }. */
export function denseBiasGradUniforms(rows: number, n: number): ArrayBuffer {
  return packUniforms([
    { name: 'rows', type: 'u32', value: rows },
    { name: 'n', type: 'u32', value: n },
    { name: '_pad0', type: 'u32', value: 0 },
    { name: '_pad1', type: 'u32', value: 0 },
  ]);
}

/** Params of softmax-cross-entropy: { rows, classes, invRows, _pad0 }. */
export function softmaxCrossEntropyUniforms(rows: number, classes: number): ArrayBuffer {
  return packUniforms([
    { name: 'rows', type: 'u32', value: rows },
    { name: 'classes', type: 'u32', value: classes },
    { name: 'invRows', type: 'f32', value: 1 / rows },
    { name: '_pad0', type: 'u32', value: 0 },
  ]);
}

/** Params of sgd-momentum: { count, learningRate, momentum, weightDecay }. */
export function sgdMomentumUniforms(count: number, lr: number, momentum: number, weightDecay: number): ArrayBuffer {
  return packUniforms([
    { name: 'count', type: 'u32', value: count },
    { name: 'learningRate', type: 'f32', value: lr },
    { name: 'momentum', type: 'f32', value: momentum },
    { name: 'weightDecay', type: 'f32', value: weightDecay },
  ]);
}
