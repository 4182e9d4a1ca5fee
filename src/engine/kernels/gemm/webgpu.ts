/**
 * GemmProgram (kernels/gemm.wgsl) and the programs of the other dense-training kernels (kernels/dense-bias-grad.wgsl,
 * kernels/softmax-cross-entropy.wgsl, kernels/sgd-momentum.wgsl) declared as data, with their uniforms and dispatch
 * sizes; and DenseGpuKernels, the GEMM and dense-training kernels on one WebGPU device: each call is one kernel
 * declaration (denseCall) that uploads its operands into pooled storage buffers, runs one or more programs in one
 * error scope of the runner, and reads its outputs back. Operands are bound whole, so each must fit the device's
 * binding limit (INVALID_ARGUMENT otherwise). Training runs the backend-generic loop of gemm-contract.ts over these
 * kernels (a round trip per kernel: correct everywhere, fast on no device; the native addon is the fast path).
 */
import { WGSL } from '../../../../bindings/wgsl.generated.js';
import { CocogenError } from '../../../core/errors.js';
import { packUniforms, type DispatchSize } from '../../gpu/dispatch.js';
import { runBoundCall, type Binding, type Pass } from '../../gpu/bound-call.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram, type GpuProgram } from '../../gpu/program.js';
import { denseTrainStepsWith, type DenseKernels } from './reference.js';
import {
  type DenseBackwardInput,
  type DenseForwardInput,
  type DenseGradients,
  type DenseTrainInput,
  type GemmInput,
  type SgdMomentumInput,
  type SoftmaxCrossEntropyInput,
  type SoftmaxCrossEntropyOutput,
} from './contract.js';

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

export class DenseGpuKernels implements DenseKernels {
  private readonly gemmProgram = new GemmProgram();
  private readonly biasGrad = new BuiltinProgram('dense-bias-grad', 64);
  private readonly softmax = new BuiltinProgram('softmax-cross-entropy', 64);
  private readonly sgd = new BuiltinProgram('sgd-momentum', 256);

  constructor(private readonly ctx: GpuContext) {}

  async gemm(input: GemmInput): Promise<Float32Array> {
    const { m, n, k, a, b, transA, transB, alpha, beta } = input;
    const c = input.c ?? new Float32Array(m * n);
    if (m === 0 || n === 0) return c;
    const flags =
      (transA ? GEMM_FLAGS.TRANS_A : 0) | (transB ? GEMM_FLAGS.TRANS_B : 0) | (beta !== 0 ? GEMM_FLAGS.BETA : 0);
    const [out] = await this.execute(
      'gemm',
      [
        { name: 'a', data: a },
        { name: 'b', data: b },
        { name: 'c', ...(beta !== 0 ? { data: c } : { bytes: m * n * 4 }), read: true },
      ],
      [this.gemmPass(m, n, k, flags, alpha, beta, [0, 1, -1, -1, 2])],
    );
    c.set(new Float32Array(out!));
    return c;
  }

  async denseForward(input: DenseForwardInput): Promise<Float32Array> {
    const { x, w, bias, batch, inputs, outputs, relu } = input;
    if (batch === 0 || outputs === 0) return new Float32Array(batch * outputs);
    const flags = GEMM_FLAGS.BIAS | (relu ? GEMM_FLAGS.RELU : 0);
    const [y] = await this.execute(
      'gemm',
      [
        { name: 'x', data: x },
        { name: 'w', data: w },
        { name: 'bias', data: bias },
        { name: 'y', bytes: batch * outputs * 4, read: true },
      ],
      [this.gemmPass(batch, outputs, inputs, flags, 1, 0, [0, 1, 2, -1, 3])],
    );
    return new Float32Array(y!);
  }

  async denseBackward(input: DenseBackwardInput): Promise<DenseGradients> {
    const { x, w, dy, batch, inputs, outputs, reluMask, needDx } = input;
    if (inputs === 0 || outputs === 0 || batch === 0) {
      return {
        dw: new Float32Array(inputs * outputs),
        db: new Float32Array(outputs),
        dx: needDx ? new Float32Array(batch * inputs) : null,
      };
    }
    const bindings: Binding[] = [
      { name: 'x', data: x },
      { name: 'w', data: w },
      { name: 'dy', data: dy },
      { name: 'dw', bytes: inputs * outputs * 4, read: true },
      { name: 'db', bytes: outputs * 4, read: true },
    ];
    const passes: Pass[] = [
      // dw = xᵀ·dy
      this.gemmPass(inputs, outputs, batch, GEMM_FLAGS.TRANS_A, 1, 0, [0, 2, -1, -1, 3]),
      {
        program: this.biasGrad,
        uniforms: denseBiasGradUniforms(batch, outputs),
        bind: [2, 4],
        size: this.biasGrad.dispatch(outputs, this.ctx.maxPerDimension),
      },
    ];
    if (needDx) {
      bindings.push({ name: 'dx', bytes: batch * inputs * 4, read: true });
      // dx = dy·wᵀ, masked by x > 0
      const flags = GEMM_FLAGS.TRANS_B | (reluMask ? GEMM_FLAGS.MASK : 0);
      passes.push(this.gemmPass(batch, inputs, outputs, flags, 1, 0, [2, 1, -1, reluMask ? 0 : -1, 5]));
    }
    const [dw, db, dx] = await this.execute('gemm', bindings, passes);
    return {
      dw: new Float32Array(dw!),
      db: new Float32Array(db!),
      dx: dx ? new Float32Array(dx) : null,
    };
  }

  async softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput> {
    const { logits, labels, batch, classes } = input;
    if (batch === 0) return { loss: 0, dLogits: new Float32Array(0) };
    const program = this.softmax;
    const [d, rowLosses] = await this.execute(
      program.name,
      [
        { name: 'logits', data: logits },
        { name: 'labels', data: labels },
        { name: 'dLogits', bytes: batch * classes * 4, read: true },
        { name: 'losses', bytes: batch * 4, read: true },
      ],
      [
        {
          program,
          uniforms: softmaxCrossEntropyUniforms(batch, classes),
          bind: [0, 1, 2, 3],
          size: program.dispatch(batch, this.ctx.maxPerDimension),
        },
      ],
    );
    let total = 0;
    for (const l of new Float32Array(rowLosses!)) total += l;
    return { loss: total / batch, dLogits: new Float32Array(d!) };
  }

  async sgdMomentum(input: SgdMomentumInput): Promise<void> {
    const { params, grad, velocity, learningRate, momentum, weightDecay } = input;
    const count = params.length;
    if (count === 0) return;
    const program = this.sgd;
    const [p, v] = await this.execute(
      program.name,
      [
        { name: 'grad', data: grad },
        { name: 'params', data: params, read: true },
        { name: 'velocity', data: velocity, read: true },
      ],
      [
        {
          program,
          uniforms: sgdMomentumUniforms(count, learningRate, momentum, weightDecay),
          bind: [0, 1, 2],
          size: program.dispatch(count, this.ctx.maxPerDimension),
        },
      ],
    );
    params.set(new Float32Array(p!));
    velocity.set(new Float32Array(v!));
  }

  denseTrainSteps(input: DenseTrainInput): Promise<Float64Array> {
    return denseTrainStepsWith(this, input);
  }

  /** A gemm pass; bind lists the call's bindings for (a, b, bias, mask, c), −1 for an unused one (a dummy). */
  private gemmPass(m: number, n: number, k: number, flags: number, alpha: number, beta: number, bind: number[]): Pass {
    const program = this.gemmProgram;
    return {
      program,
      uniforms: program.uniforms(m, n, k, flags, alpha, beta),
      bind,
      size: program.dispatch(m, n, this.ctx.maxPerDimension),
    };
  }

  /** Run the passes over the bindings in one submission (src/engine/gpu/bound-call.ts). */
  private execute(kernel: string, bindings: Binding[], passes: Pass[]): Promise<ArrayBuffer[]> {
    return runBoundCall(this.ctx, kernel, bindings, passes);
  }
}
