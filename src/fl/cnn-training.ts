/**
 * Minibatch SGD with momentum of the CNN (src/fl/models.ts) on an engine's kernels: per step conv2d → maxPool2d →
 * conv2d → maxPool2d → denseForward → softmaxCrossEntropy, their backwards in reverse, and sgdMomentum, over the
 * order trainLocal walks. The kernels keep their single homes; this loop only chains them. On the `js` engine every
 * step is the reference's arithmetic, so the result is bit-identical to `trainLocal` without an engine; native and
 * WebGPU differ by their kernels' float32 accumulation.
 */
import type { Engine } from '../engine/engine.js';
import { cnnGeometry, cnnShapes, type Model } from './models.js';
import type { LabeledSamples } from './samples.js';

export interface CnnTrainInput {
  model: Model;
  /** updated in place */
  params: Float32Array;
  data: LabeledSamples;
  /** sample indices, epochs after one another */
  order: Int32Array;
  /** rows per epoch: batches never straddle two epochs */
  epochRows: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** The steps' mean losses, one per step. */
export async function cnnTrainSteps(engine: Engine, input: CnnTrainInput): Promise<Float64Array> {
  const { model, params, data, order, epochRows, batchSize } = input;
  const { side, layout: at } = cnnGeometry(model);
  const d = model.inputs;
  const c = model.classes;
  const view = (from: number, to: number) => params.subarray(from, to);
  const w1 = view(at.w1, at.b1);
  const b1 = view(at.b1, at.w2);
  const w2 = view(at.w2, at.b2);
  const b2 = view(at.b2, at.w3);
  const w3 = view(at.w3, at.b3);
  const b3 = view(at.b3, at.end);
  const grad = new Float32Array(params.length);
  const velocity = new Float32Array(params.length);
  const epochs = order.length / epochRows;
  const losses = new Float64Array(epochs * Math.ceil(epochRows / batchSize));
  const xb = new Float32Array(Math.min(batchSize, epochRows) * d);
  const yb = new Int32Array(Math.min(batchSize, epochRows));
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < epochRows; start += batchSize) {
      const batch = Math.min(batchSize, epochRows - start);
      for (let j = 0; j < batch; j++) {
        const i = order[epoch * epochRows + start + j]!;
        xb.set(data.x.subarray(i * d, (i + 1) * d), j * d);
        yb[j] = data.y[i]!;
      }
      const x = xb.subarray(0, batch * d);
      const labels = yb.subarray(0, batch);
      const s = cnnShapes(side, batch);
      const conv = (l: typeof s.conv1) => ({
        batch,
        channels: l.channels,
        height: l.height,
        width: l.width,
        outChannels: l.outChannels,
        kernelHeight: l.kernelHeight,
        kernelWidth: l.kernelWidth,
        padding: l.padding,
      });
      const pool = (l: typeof s.pool1) => ({
        batch,
        channels: l.channels,
        height: l.height,
        width: l.width,
        kernel: l.kernel,
      });
      const a1 = await engine.conv2d({ ...conv(s.conv1), x, w: w1, bias: b1, relu: true });
      const p1 = await engine.maxPool2d({ ...pool(s.pool1), x: a1 });
      const a2 = await engine.conv2d({ ...conv(s.conv2), x: p1.y, w: w2, bias: b2, relu: true });
      const p2 = await engine.maxPool2d({ ...pool(s.pool2), x: a2 });
      const dense = { batch, inputs: s.flat, outputs: c };
      const z = await engine.denseForward({ ...dense, x: p2.y, w: w3, bias: b3, relu: false });
      const { loss, dLogits } = await engine.softmaxCrossEntropy({ logits: z, labels, batch, classes: c });
      const g3 = await engine.denseBackward({ ...dense, x: p2.y, w: w3, dy: dLogits, reluMask: false, needDx: true });
      const dp2 = await engine.maxPool2dBackward({ ...pool(s.pool2), dy: g3.dx!, indices: p2.indices });
      const g2 = await engine.conv2dBackward({ ...conv(s.conv2), x: p1.y, w: w2, dy: dp2, y: a2, relu: true });
      const dp1 = await engine.maxPool2dBackward({ ...pool(s.pool1), dy: g2.dx!, indices: p1.indices });
      const g1 = await engine.conv2dBackward({
        ...conv(s.conv1),
        x,
        w: w1,
        dy: dp1,
        y: a1,
        relu: true,
        needDx: false,
      });
      grad.set(g1.dw, at.w1);
      grad.set(g1.db, at.b1);
      grad.set(g2.dw, at.w2);
      grad.set(g2.db, at.b2);
      grad.set(g3.dw, at.w3);
      grad.set(g3.db, at.b3);
      await engine.sgdMomentum({
        params,
        grad,
        velocity,
        learningRate: input.learningRate,
        momentum: input.momentum,
        weightDecay: input.weightDecay,
      });
      losses[step++] = loss;
    }
  }
  return losses;
}
