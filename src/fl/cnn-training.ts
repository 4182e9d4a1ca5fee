/**
 * Minibatch SGD with momentum of the CNN (src/fl/models.ts) on an engine: `engine.trainCnn` over the order trainLocal
 * walks (one fused call into the addon on native; the conv, pool and dense kernels step by step on js and WebGPU).
 * On the `js` engine every step is the reference's arithmetic, so the result is bit-identical to `trainLocal`
 * without an engine; native and WebGPU differ by their float32 accumulation.
 */
import type { Engine } from '../engine/engine.js';
import { cnnGeometry, type Model } from './models.js';
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
  const { network } = cnnGeometry(input.model);
  const { losses } = await engine.trainCnn({
    network,
    params: input.params,
    x: input.data.x,
    labels: input.data.y,
    order: input.order,
    epochRows: input.epochRows,
    batchSize: input.batchSize,
    learningRate: input.learningRate,
    momentum: input.momentum,
    weightDecay: input.weightDecay,
  });
  return losses;
}
