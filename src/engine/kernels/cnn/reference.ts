/**
 * The CNN training loop kernel by kernel (contract.ts): per step gather the batch, then conv2d → maxPool2d per conv
 * layer, denseForward, softmaxCrossEntropy, their backwards in reverse and one sgdMomentum over the whole flat
 * parameter vector. The js backend runs it on the reference kernels (src/fl's reference trainLocal is the same
 * arithmetic step for step), WebGPU on its device kernels.
 */
import type { Conv2dBackwardInput, Conv2dForwardInput, Conv2dGradients } from '../conv2d/contract.js';
import { conv2dBackwardJs, conv2dForwardJs } from '../conv2d/reference.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  SgdMomentumInput,
  SoftmaxCrossEntropyInput,
  SoftmaxCrossEntropyOutput,
} from '../gemm/contract.js';
import { denseTrainStepCount } from '../gemm/contract.js';
import { denseBackwardJs, denseForwardJs, sgdMomentumJs, softmaxCrossEntropyJs } from '../gemm/reference.js';
import type { MaxPoolBackwardInput, MaxPoolForwardInput, MaxPoolOutput } from '../max-pool/contract.js';
import { maxPoolBackwardJs, maxPoolForwardJs } from '../max-pool/reference.js';
import { cnnLayers, type CnnLogitsInput, type CnnNetwork, type CnnTrainInput } from './contract.js';

/** The kernels the loop chains, on validated inputs. */
export interface CnnKernels {
  conv2d(input: Conv2dForwardInput): Promise<Float32Array>;
  conv2dBackward(input: Conv2dBackwardInput): Promise<Conv2dGradients>;
  maxPool2d(input: MaxPoolForwardInput): Promise<MaxPoolOutput>;
  maxPool2dBackward(input: MaxPoolBackwardInput): Promise<Float32Array>;
  denseForward(input: DenseForwardInput): Promise<Float32Array>;
  denseBackward(input: DenseBackwardInput): Promise<DenseGradients>;
  softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput>;
  sgdMomentum(input: SgdMomentumInput): Promise<void>;
}

/** The reference kernels. */
export const JS_CNN_KERNELS: CnnKernels = {
  conv2d: async (input) => conv2dForwardJs(input),
  conv2dBackward: async (input) => conv2dBackwardJs(input),
  maxPool2d: async (input) => maxPoolForwardJs(input),
  maxPool2dBackward: async (input) => maxPoolBackwardJs(input),
  denseForward: async (input) => denseForwardJs(input),
  denseBackward: async (input) => denseBackwardJs(input),
  softmaxCrossEntropy: async (input) => softmaxCrossEntropyJs(input),
  sgdMomentum: async (input) => sgdMomentumJs(input),
};

/** Images per forward of cnnLogitsWith: the layers' outputs stay a few MB whatever the set's size. */
const LOGITS_CHUNK = 256;

/** The logits (samples × classes) of every image, LOGITS_CHUNK images per forward. */
export async function cnnLogitsWith(kernels: CnnKernels, input: CnnLogitsInput): Promise<Float32Array> {
  const { network, params, x } = input;
  const d = network.side * network.side;
  const samples = x.length / d;
  const logits = new Float32Array(samples * network.classes);
  for (let start = 0; start < samples; start += LOGITS_CHUNK) {
    const batch = Math.min(LOGITS_CHUNK, samples - start);
    const { features, net } = await forward(
      kernels,
      network,
      params,
      x.subarray(start * d, (start + batch) * d),
      batch,
    );
    const z = await kernels.denseForward({
      batch,
      inputs: net.flat,
      outputs: network.classes,
      x: features.inputs[features.inputs.length - 1]!,
      w: params.subarray(net.w, net.b),
      bias: params.subarray(net.b),
      relu: false,
    });
    logits.set(z, start * network.classes);
  }
  return logits;
}

/** The conv layers' forward of one batch: each layer's input (the last entry: the dense layer's), output and argmax. */
async function forward(kernels: CnnKernels, network: CnnNetwork, params: Float32Array, x: Float32Array, batch: number) {
  const net = cnnLayers(network, batch);
  const features = { inputs: [x], outputs: [] as Float32Array[], argmax: [] as Int32Array[] };
  for (const layer of net.layers) {
    const w = params.subarray(layer.w, layer.b);
    const bias = params.subarray(layer.b, layer.b + layer.conv.outChannels);
    const y = await kernels.conv2d({
      ...layer.conv,
      x: features.inputs[features.inputs.length - 1]!,
      w,
      bias,
      relu: true,
    });
    const pooled = await kernels.maxPool2d({ ...layer.pool, x: y });
    features.outputs.push(y);
    features.argmax.push(pooled.indices);
    features.inputs.push(pooled.y);
  }
  return { features, net };
}

/** The steps' mean losses, one per step; params and velocity updated in place. */
export async function cnnTrainStepsWith(kernels: CnnKernels, input: CnnTrainInput): Promise<Float64Array> {
  const { network, params, velocity, x, labels, order, epochRows, batchSize } = input;
  const d = network.side * network.side;
  const c = network.classes;
  const grad = new Float32Array(params.length);
  const losses = new Float64Array(denseTrainStepCount(order.length, epochRows, batchSize));
  const xb = new Float32Array(Math.min(batchSize, epochRows) * d);
  const yb = new Int32Array(Math.min(batchSize, epochRows));
  let step = 0;
  for (let e0 = 0; e0 < order.length; e0 += epochRows) {
    const e1 = Math.min(order.length, e0 + epochRows);
    for (let start = e0; start < e1; start += batchSize, step++) {
      const batch = Math.min(batchSize, e1 - start);
      for (let j = 0; j < batch; j++) {
        const i = order[start + j]!;
        xb.set(x.subarray(i * d, (i + 1) * d), j * d);
        yb[j] = labels[i]!;
      }
      const { features: f, net } = await forward(kernels, network, params, xb.slice(0, batch * d), batch);
      const { inputs, outputs, argmax } = f;
      const dense = { batch, inputs: net.flat, outputs: c };
      const features = inputs[inputs.length - 1]!;
      const w3 = params.subarray(net.w, net.b);
      const z = await kernels.denseForward({ ...dense, x: features, w: w3, bias: params.subarray(net.b), relu: false });
      const { loss, dLogits } = await kernels.softmaxCrossEntropy({
        logits: z,
        labels: yb.subarray(0, batch),
        batch,
        classes: c,
      });
      const g = await kernels.denseBackward({
        ...dense,
        x: features,
        w: w3,
        dy: dLogits,
        reluMask: false,
        needDx: true,
      });
      grad.set(g.dw, net.w);
      grad.set(g.db, net.b);
      let dy = g.dx!;
      for (let l = net.layers.length - 1; l >= 0; l--) {
        const layer = net.layers[l]!;
        const dConv = await kernels.maxPool2dBackward({ ...layer.pool, dy, indices: argmax[l]! });
        const gl = await kernels.conv2dBackward({
          ...layer.conv,
          x: inputs[l]!,
          w: params.subarray(layer.w, layer.b),
          dy: dConv,
          y: outputs[l]!,
          relu: true,
          needDx: l > 0,
        });
        grad.set(gl.dw, layer.w);
        grad.set(gl.db, layer.b);
        if (l > 0) dy = gl.dx!;
      }
      await kernels.sgdMomentum({ params, grad, velocity, ...sgdOf(input) });
      losses[step] = loss;
    }
  }
  return losses;
}

function sgdOf(input: CnnTrainInput) {
  return { learningRate: input.learningRate, momentum: input.momentum, weightDecay: input.weightDecay };
}
