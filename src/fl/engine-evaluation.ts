/**
 * Testing a model on an engine's kernels. The CNN's reference forward is float64 loops (about 7 s per 1,000 images on
 * one core), so a simulation of the CNN would spend most of its time testing; on an engine its forward is the same
 * conv2d → maxPool2d → conv2d → maxPool2d → denseForward chain that training runs, in float32. The dense models'
 * reference forward is one or two products and stays the reference (float64, the same on every backend).
 */
import type { Engine } from '../engine/engine.js';
import { cnnGeometry, cnnShapes, type Model } from './models.js';
import type { LabeledSamples } from './samples.js';
import { checkEvaluation, evaluate, LogitScore, type Evaluation } from './train.js';

/** Accuracy and mean loss of `params` on a labelled set: the CNN's forward on `engine`, the others' reference. */
export async function evaluateOnEngine(
  engine: Engine,
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
  batchSize = 500,
): Promise<Evaluation> {
  const n = checkEvaluation(model, params, test, batchSize);
  if (model.kind !== 'cnn') return evaluate(model, params, test, batchSize);
  const { side, layout: at } = cnnGeometry(model);
  const d = model.inputs;
  const score = new LogitScore(model.classes);
  for (let start = 0; start < n; start += batchSize) {
    const batch = Math.min(batchSize, n - start);
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
    const x = test.x.subarray(start * d, (start + batch) * d);
    const a1 = await engine.conv2d({
      ...conv(s.conv1),
      x,
      w: params.subarray(at.w1, at.b1),
      bias: params.subarray(at.b1, at.w2),
      relu: true,
    });
    const p1 = await engine.maxPool2d({ ...pool(s.pool1), x: a1 });
    const a2 = await engine.conv2d({
      ...conv(s.conv2),
      x: p1.y,
      w: params.subarray(at.w2, at.b2),
      bias: params.subarray(at.b2, at.w3),
      relu: true,
    });
    const p2 = await engine.maxPool2d({ ...pool(s.pool2), x: a2 });
    const z = await engine.denseForward({
      batch,
      inputs: s.flat,
      outputs: model.classes,
      x: p2.y,
      w: params.subarray(at.w3, at.b3),
      bias: params.subarray(at.b3, at.end),
      relu: false,
    });
    score.add(z, test.y.subarray(start, start + batch));
  }
  return score.result();
}
