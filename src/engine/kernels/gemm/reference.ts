/**
 * The plain-TS reference of the GEMM and dense-training kernels (contract.ts states them; float64 accumulation,
 * rounded into float32 storage). It reuses src/fl's reference loops so that training through the `js` engine is
 * bit-identical to `trainLocal`'s own path. Also the backend-generic training loop that the `js` and `webgpu` backends
 * run over their kernels (the native addon runs the same sequence in one call).
 */
import { gemm as gemmReference } from '../../../numeric/linalg.js';
import { sgdMomentumStep, softmaxCrossEntropy as softmaxCrossEntropyReference } from '../../../numeric/training.js';
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

export function gemmJs(input: GemmInput): Float32Array {
  const { m, n, k, a, b, transA, transB, alpha, beta } = input;
  const c = input.c ?? new Float32Array(m * n);
  return gemmReference(m, n, k, a, b, c, { transA, transB, alpha, beta });
}

export function denseForwardJs(input: DenseForwardInput): Float32Array {
  const { x, w, bias, batch, inputs, outputs, relu } = input;
  const y = new Float32Array(batch * outputs);
  gemmReference(batch, outputs, inputs, x, w, y);
  for (let i = 0; i < batch; i++) for (let j = 0; j < outputs; j++) y[i * outputs + j]! += bias[j]!;
  if (relu) for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) y[i] = 0;
  return y;
}

export function denseBackwardJs(input: DenseBackwardInput): DenseGradients {
  const { x, w, dy, batch, inputs, outputs, reluMask, needDx } = input;
  const dw = new Float32Array(inputs * outputs);
  gemmReference(inputs, outputs, batch, x, dy, dw, { transA: true });
  const sums = new Float64Array(outputs);
  for (let i = 0; i < batch; i++) for (let j = 0; j < outputs; j++) sums[j]! += dy[i * outputs + j]!;
  const db = Float32Array.from(sums);
  let dx: Float32Array | null = null;
  if (needDx) {
    dx = new Float32Array(batch * inputs);
    gemmReference(batch, inputs, outputs, dy, w, dx, { transB: true });
    if (reluMask) for (let i = 0; i < dx.length; i++) if (!(x[i]! > 0)) dx[i] = 0;
  }
  return { dw, db, dx };
}

export function softmaxCrossEntropyJs(input: SoftmaxCrossEntropyInput): SoftmaxCrossEntropyOutput {
  const { logits, labels, batch, classes } = input;
  const dLogits = new Float32Array(batch * classes);
  const loss = softmaxCrossEntropyReference(logits, labels, batch, classes, dLogits);
  return { loss, dLogits };
}

export function sgdMomentumJs(input: SgdMomentumInput): void {
  const { params, grad, velocity, learningRate, momentum, weightDecay } = input;
  sgdMomentumStep(params, grad, velocity, { learningRate, momentum, weightDecay });
}

/** The kernels a backend-generic training loop needs. */
export interface DenseKernels {
  denseForward(input: DenseForwardInput): Promise<Float32Array>;
  denseBackward(input: DenseBackwardInput): Promise<DenseGradients>;
  softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput>;
  sgdMomentum(input: SgdMomentumInput): Promise<void>;
}

/**
 * DenseTrainInput run kernel by kernel on `kernels`: per step gather the batch, forward every layer, loss,
 * backward every layer (dx only below the first), one SGD update over the whole parameter vector.
 * Returns one mean loss per step.
 */
export async function denseTrainStepsWith(kernels: DenseKernels, input: DenseTrainInput): Promise<Float64Array> {
  const { dims, params, velocity, x, labels, order, epochRows, batchSize } = input;
  const layers = dims.length - 1;
  const d0 = dims[0]!;
  const offsets: number[] = [];
  for (let l = 0, at = 0; l < layers; l++) {
    offsets.push(at);
    at += dims[l]! * dims[l + 1]! + dims[l + 1]!;
  }
  const losses = new Float64Array(denseTrainStepCount(order.length, epochRows, batchSize));
  const grad = new Float32Array(params.length);
  const xb = new Float32Array(Math.min(batchSize, epochRows) * d0);
  const yb = new Int32Array(Math.min(batchSize, epochRows));
  let step = 0;
  for (let e0 = 0; e0 < order.length; e0 += epochRows) {
    const e1 = Math.min(order.length, e0 + epochRows);
    for (let start = e0; start < e1; start += batchSize, step++) {
      const b = Math.min(batchSize, e1 - start);
      for (let j = 0; j < b; j++) {
        const i = order[start + j]!;
        xb.set(x.subarray(i * d0, (i + 1) * d0), j * d0);
        yb[j] = labels[i]!;
      }
      const acts: Float32Array[] = [xb.slice(0, b * d0)];
      for (let l = 0; l < layers; l++) {
        const [din, dout] = [dims[l]!, dims[l + 1]!];
        const w = params.subarray(offsets[l]!, offsets[l]! + din * dout);
        const bias = params.subarray(offsets[l]! + din * dout, offsets[l]! + din * dout + dout);
        acts.push(
          await kernels.denseForward({
            x: acts[l]!,
            w,
            bias,
            batch: b,
            inputs: din,
            outputs: dout,
            relu: l + 1 < layers,
          }),
        );
      }
      const sce = await kernels.softmaxCrossEntropy({
        logits: acts[layers]!,
        labels: yb.subarray(0, b),
        batch: b,
        classes: dims[layers]!,
      });
      losses[step] = sce.loss;
      let delta = sce.dLogits;
      for (let l = layers - 1; l >= 0; l--) {
        const [din, dout] = [dims[l]!, dims[l + 1]!];
        const w = params.subarray(offsets[l]!, offsets[l]! + din * dout);
        const g = await kernels.denseBackward({
          x: acts[l]!,
          w,
          dy: delta,
          batch: b,
          inputs: din,
          outputs: dout,
          reluMask: l > 0,
          needDx: l > 0,
        });
        grad.set(g.dw, offsets[l]!);
        grad.set(g.db, offsets[l]! + din * dout);
        if (g.dx) delta = g.dx;
      }
      await kernels.sgdMomentum({ ...input, params, grad, velocity });
    }
  }
  return losses;
}
