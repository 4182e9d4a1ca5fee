/**
 * The contracts of the fused CNN kernels — the training loop (engine.trainCnn) and the logits of a set of images
 * (engine.cnnLogits) — and their argument checks. The network: a one-channel
 * side×side image, then for each entry of `channels` a conv kernel×kernel (stride 1, zero padding `padding`) → ReLU →
 * pool×pool max-pool (stride pool, floor mode), then one dense layer to `classes` logits and softmax cross-entropy.
 * Parameters, one flat Float32Array (src/fl/models.ts' CNN layout): per conv layer W (O×C×K×K, out-channel-major) |
 * b (O), then the dense W (F×classes, F = the last pooled map in NCHW order: channel, row, column) | b (classes).
 *
 * The loop is the one of engine.trainDense: minibatch SGD with momentum (PyTorch's convention) over the sample
 * indices in `order`, cut into epochs of `epochRows` rows (batches never straddle two) and batches of `batchSize`;
 * params and velocity are updated in place; one mean loss per step comes back.
 *
 * cnnLogits: the logits (samples × classes) of the same forward, each sample's depending on that sample alone.
 *
 * Every backend computes the sequence of the engine's conv2d, maxPool2d, denseForward, softmaxCrossEntropy, their
 * backwards and sgdMomentum (their contracts state each): js runs exactly those reference kernels (so it is
 * bit-identical to src/fl's reference trainLocal), WebGPU those kernels on the device, native one fused call
 * (native/kernels/cnn.h) whose sums are float32 (per conv output ≤ K·K·C + 1 terms; per weight gradient within
 * blocks of 4 samples, the blocks summed in float64): within the conv kernels' float32 bounds per step. Native bits
 * do not depend on the thread count.
 */
import { invalidArgument } from '../../../core/errors.js';
import { optionsRecord } from '../../../util/options.js';
import { sharesMemory } from '../../../util/views.js';
import { conv2dShape, dim, floats, type Conv2dShape } from '../conv2d/contract.js';
import { maxPoolShape, type MaxPoolShape } from '../max-pool/contract.js';
import { labelsOf, sampleOrderOf, sgdScalars } from '../gemm/contract.js';

/** The network's sizes (the header says what each is). */
export interface CnnNetwork {
  side: number;
  /** output channels of each conv layer, ≥ 1 layer */
  channels: readonly number[];
  kernel: number;
  padding: number;
  pool: number;
  classes: number;
}

export interface CnnTrainInput {
  network: CnnNetwork;
  params: Float32Array;
  velocity: Float32Array;
  /** samples × side² */
  x: Float32Array;
  labels: Int32Array;
  order: Int32Array;
  epochRows: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** Engine input of trainCnn: velocity defaults to zeros, epochRows to the whole order, momentum 0, weightDecay 0. */
export interface TrainCnnOptions {
  network: CnnNetwork;
  params: Float32Array;
  velocity?: Float32Array;
  x: Float32Array;
  labels: Int32Array | Uint8Array | Uint16Array | Uint32Array;
  order: Int32Array;
  epochRows?: number;
  batchSize: number;
  learningRate: number;
  momentum?: number;
  weightDecay?: number;
}

/** One conv layer of the network at a batch size: its conv and pool shapes, and its W and b offsets. */
export interface CnnLayer {
  conv: Conv2dShape;
  pool: MaxPoolShape;
  w: number;
  b: number;
}

/** The network's layers at `batch` rows, the dense layer's inputs and offsets, and the parameter count. */
export interface CnnLayers {
  layers: CnnLayer[];
  /** the dense layer's inputs: the last pooled map's channels × rows × columns */
  flat: number;
  w: number;
  b: number;
  end: number;
}

/** The shapes and offsets of `network` at `batch` rows; INVALID_ARGUMENT naming the size that does not fit. */
export function cnnLayers(network: CnnNetwork, batch: number): CnnLayers {
  const layers: CnnLayer[] = [];
  let channels = 1;
  let size = network.side;
  let at = 0;
  if (network.padding >= network.kernel) {
    throw invalidArgument(
      'input.network.padding',
      `an integer in [0, ${network.kernel}) (less than the kernel)`,
      network.padding,
    );
  }
  for (const [l, outChannels] of network.channels.entries()) {
    if (size + 2 * network.padding < network.kernel) {
      throw invalidArgument(
        'input.network.kernel',
        `at most conv layer ${l}'s padded input side ${size + 2 * network.padding}`,
        network.kernel,
      );
    }
    const conv = conv2dShape({
      batch,
      channels,
      height: size,
      width: size,
      outChannels,
      kernelHeight: network.kernel,
      kernelWidth: network.kernel,
      padding: network.padding,
    });
    if (conv.outHeight < network.pool) {
      throw invalidArgument(
        'input.network.pool',
        `at most conv layer ${l}'s output side ${conv.outHeight} (a pooled map ≥ 1)`,
        network.pool,
      );
    }
    const pool = maxPoolShape({
      batch,
      channels: outChannels,
      height: conv.outHeight,
      width: conv.outWidth,
      kernel: network.pool,
    });
    const w = at;
    const b = w + outChannels * channels * network.kernel * network.kernel;
    at = b + outChannels;
    layers.push({ conv, pool, w, b });
    channels = outChannels;
    size = pool.outHeight;
  }
  const flat = channels * size * size;
  const w = at;
  const b = w + flat * network.classes;
  return { layers, flat, w, b, end: b + network.classes };
}

/** The checked network (a copy). */
export function validateCnnNetwork(v: unknown): CnnNetwork {
  if (v === null || typeof v !== 'object') throw invalidArgument('input.network', 'an object', v);
  const o = optionsRecord(v, ['side', 'channels', 'kernel', 'padding', 'pool', 'classes'], 'input.network');
  const channels = o.channels;
  if (!Array.isArray(channels) || channels.length === 0)
    throw invalidArgument('input.network.channels', 'a non-empty array of output channels', channels);
  const network: CnnNetwork = {
    side: dim('input.network.side', o.side, 1),
    channels: channels.map((c, l) => dim(`input.network.channels[${l}]`, c, 1)),
    kernel: dim('input.network.kernel', o.kernel, 1),
    padding: dim('input.network.padding', o.padding, 0),
    pool: dim('input.network.pool', o.pool, 1),
    classes: dim('input.network.classes', o.classes, 1),
  };
  cnnLayers(network, 1); // every layer fits
  return network;
}

const KEYS = [
  'network',
  'params',
  'velocity',
  'x',
  'labels',
  'order',
  'epochRows',
  'batchSize',
  'learningRate',
  'momentum',
  'weightDecay',
];

export function validateTrainCnn(input: TrainCnnOptions): CnnTrainInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  optionsRecord(input, KEYS, 'input');
  const network = validateCnnNetwork(input.network);
  const count = cnnLayers(network, 1).end;
  const params = floats('input.params', input.params, count, 'the network’s parameters');
  const velocity =
    input.velocity === undefined
      ? new Float32Array(count)
      : floats('input.velocity', input.velocity, count, 'one per parameter');
  const d0 = network.side * network.side;
  if (!(input.x instanceof Float32Array) || input.x.length % d0 !== 0) {
    throw invalidArgument('input.x', `a Float32Array of rows of ${d0} pixels (side²)`, input.x);
  }
  const samples = input.x.length / d0;
  const labels = labelsOf('input.labels', input.labels, samples, network.classes);
  const order = sampleOrderOf('input.order', input.order, samples);
  const batchSize = dim('input.batchSize', input.batchSize, 1);
  const epochRows =
    input.epochRows === undefined ? Math.max(1, order.length) : dim('input.epochRows', input.epochRows, 1);
  if (sharesMemory(params, velocity)) throw invalidArgument('input.velocity', 'an array apart from params', velocity);
  return {
    network,
    params,
    velocity,
    x: input.x,
    labels,
    order,
    epochRows,
    batchSize,
    ...sgdScalars(input, 'input'),
  };
}

export interface CnnLogitsInput {
  network: CnnNetwork;
  params: Float32Array;
  /** samples × side² */
  x: Float32Array;
}

export function validateCnnLogits(input: CnnLogitsInput): CnnLogitsInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  optionsRecord(input, ['network', 'params', 'x'], 'input');
  const network = validateCnnNetwork(input.network);
  const params = floats('input.params', input.params, cnnLayers(network, 1).end, 'the network’s parameters');
  const d0 = network.side * network.side;
  if (!(input.x instanceof Float32Array) || input.x.length % d0 !== 0) {
    throw invalidArgument('input.x', `a Float32Array of rows of ${d0} pixels (side²)`, input.x);
  }
  return { network, params, x: input.x };
}
