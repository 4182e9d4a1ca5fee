/**
 * The GEMM and dense-training kernels on the native addon: float32 with FMA (tiled, packed, multithreaded); the
 * training steps run as one native call.
 */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import {
  denseTrainStepCount,
  type DenseBackwardInput,
  type DenseForwardInput,
  type DenseGradients,
  type DenseTrainInput,
  type GemmInput,
  type SgdMomentumInput,
  type SoftmaxCrossEntropyInput,
  type SoftmaxCrossEntropyOutput,
} from './contract.js';

export async function gemmNative(addon: CocogenAddon, input: GemmInput): Promise<Float32Array> {
  const { m, n, k } = input;
  const c = input.c ?? new Float32Array(m * n);
  await addon.gemm(m, n, k, input.a, input.b, c, input.transA, input.transB, input.alpha, input.beta);
  return c;
}

export async function denseForwardNative(addon: CocogenAddon, input: DenseForwardInput): Promise<Float32Array> {
  const { x, w, bias, batch, inputs, outputs, relu } = input;
  const y = new Float32Array(batch * outputs);
  await addon.denseForward(x, w, bias, batch, inputs, outputs, relu, y);
  return y;
}

export async function denseBackwardNative(addon: CocogenAddon, input: DenseBackwardInput): Promise<DenseGradients> {
  const { x, w, dy, batch, inputs, outputs, reluMask, needDx } = input;
  const dw = new Float32Array(inputs * outputs);
  const db = new Float32Array(outputs);
  const dx = needDx ? new Float32Array(batch * inputs) : null;
  await addon.denseBackward(x, w, dy, batch, inputs, outputs, reluMask, dw, db, dx);
  return { dw, db, dx };
}

export async function softmaxCrossEntropyNative(
  addon: CocogenAddon,
  input: SoftmaxCrossEntropyInput,
): Promise<SoftmaxCrossEntropyOutput> {
  const { logits, labels, batch, classes } = input;
  const dLogits = new Float32Array(batch * classes);
  const loss = await addon.softmaxCrossEntropy(logits, labels, batch, classes, dLogits);
  return { loss, dLogits };
}

export async function sgdMomentumNative(addon: CocogenAddon, input: SgdMomentumInput): Promise<void> {
  const { params, grad, velocity, learningRate, momentum, weightDecay } = input;
  await addon.sgdMomentum(params, grad, velocity, learningRate, momentum, weightDecay);
}

export async function denseTrainStepsNative(addon: CocogenAddon, input: DenseTrainInput): Promise<Float64Array> {
  const losses = new Float64Array(denseTrainStepCount(input.order.length, input.epochRows, input.batchSize));
  await addon.denseTrainSteps(
    Int32Array.from(input.dims),
    input.params,
    input.velocity,
    input.x,
    input.labels,
    input.order,
    input.epochRows,
    input.batchSize,
    input.learningRate,
    input.momentum,
    input.weightDecay,
    losses,
  );
  return losses;
}
