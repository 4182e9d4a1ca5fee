/** The fused CNN kernels on the native addon: one call each (native/kernels/cnn.h). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import { denseTrainStepCount } from '../gemm/contract.js';
import type { CnnLogitsInput, CnnNetwork, CnnTrainInput } from './contract.js';

/** The addon's network: [side, kernel, padding, pool, classes, channels...]. */
function networkSizes(n: CnnNetwork): Int32Array {
  return Int32Array.of(n.side, n.kernel, n.padding, n.pool, n.classes, ...n.channels);
}

export async function cnnTrainStepsNative(addon: CocogenAddon, input: CnnTrainInput): Promise<Float64Array> {
  const losses = new Float64Array(denseTrainStepCount(input.order.length, input.epochRows, input.batchSize));
  await addon.cnnTrainSteps(
    networkSizes(input.network),
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

export async function cnnLogitsNative(addon: CocogenAddon, input: CnnLogitsInput): Promise<Float32Array> {
  const { network } = input;
  const logits = new Float32Array((input.x.length / (network.side * network.side)) * network.classes);
  await addon.cnnLogits(networkSizes(network), input.params, input.x, logits);
  return logits;
}
