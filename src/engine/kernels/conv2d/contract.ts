/**
 * The contracts of the 2-D convolution kernels (forward, and backward for the input, the weights and the bias; every
 * backend implements them, the engine validates first), and their argument checks: one message template,
 * `Expected X for name but received Y`, unknown keys refused, then one backend call.
 *
 * Layout (row-major everywhere, NCHW as in PyTorch):
 * - x: batch × channels × height × width; y: batch × outChannels × outHeight × outWidth;
 * - w: outChannels × channels × kernelHeight × kernelWidth, then its bias (outChannels): in a network's flat parameter
 *   vector a conv layer is W | b like a dense layer (src/fl/models.ts' layout: W_0 | b_0 | W_1 | b_1 | …), and its
 *   gradients dw | db fill the same slots of the flat gradient.
 * - outHeight = ⌊(height + 2·padding − kernelHeight) / stride⌋ + 1, outWidth likewise: one stride and one zero
 *   padding for both axes.
 *
 * Rules: every size ≥ 1; 0 ≤ padding < min(kernelHeight, kernelWidth), so that every window covers at least one
 * input element (a larger padding only adds outputs that see nothing but zeros, and is refused); the padded input
 * must hold the kernel (an output size ≥ 1).
 *
 * Error bound per element, against the exact value, with L the number of products summed and Σ|terms| their
 * magnitudes (bias included): js accumulates in float64 and rounds once (≤ 2^-24·|value|); native (im2col onto the
 * float32 SGEMM) and WebGPU (direct float32 loops) meet L·2^-24·Σ|terms| + 2^-24·|value|. L is channels·kernelHeight·
 * kernelWidth + 1 for y; batch·outHeight·outWidth for dw and db (native sums blocks of 4 samples in float32 and the
 * blocks in float64, so its dw error is within 4·outHeight·outWidth·2^-24·Σ|terms| and db is float64); at most
 * outChannels·⌈kernelHeight/stride⌉·⌈kernelWidth/stride⌉ for dx.
 */
import { invalidArgument } from '../../../core/errors.js';
import { optionsRecord } from '../../../util/options.js';

/** The shape of one convolution, output sizes included. */
export interface Conv2dShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  stride: number;
  padding: number;
  outHeight: number;
  outWidth: number;
}

/** y = conv(x, w) + bias, then ReLU (y > 0 ? y : 0, so NaN → 0) when relu. */
export interface Conv2dForwardInput extends Conv2dShape {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array;
  relu: boolean;
}

/**
 * Backward of y = conv(x, w) + bias given dy = ∂L/∂y. With relu the forward was fused with a ReLU and `y` is its
 * output: the gradient first goes through the ReLU, g = y > 0 ? dy : 0. Then dw = Σ g ⋆ x, db = Σ g over the batch
 * and positions, and, when needDx, dx = the transposed convolution of g with w.
 */
export interface Conv2dBackwardInput extends Conv2dShape {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  /** the forward output (after the ReLU) when relu, else null */
  y: Float32Array | null;
  relu: boolean;
  needDx: boolean;
}

export interface Conv2dGradients {
  /** outChannels × channels × kernelHeight × kernelWidth */
  dw: Float32Array;
  /** outChannels */
  db: Float32Array;
  /** batch × channels × height × width, or null when not asked for */
  dx: Float32Array | null;
}

/** The sizes every conv2d call takes (the engine's option objects). */
export interface Conv2dSizes {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  /** default 1 */
  stride?: number;
  /** zero padding on every side, default 0 */
  padding?: number;
}

export interface Conv2dForwardOptions extends Conv2dSizes {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array;
  /** fuse a ReLU after the bias (default false) */
  relu?: boolean;
}

export interface Conv2dBackwardOptions extends Conv2dSizes {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  /** the forward output; required with relu, refused without */
  y?: Float32Array;
  /** the forward was fused with a ReLU (default false) */
  relu?: boolean;
  /** compute dx (default true; false for a network's first layer) */
  needDx?: boolean;
}

const MAX_DIM = 2 ** 31;
const SIZE_KEYS = [
  'batch',
  'channels',
  'height',
  'width',
  'outChannels',
  'kernelHeight',
  'kernelWidth',
  'stride',
  'padding',
] as const;
const FORWARD_KEYS = [...SIZE_KEYS, 'x', 'w', 'bias', 'relu'];
const BACKWARD_KEYS = [...SIZE_KEYS, 'x', 'w', 'dy', 'y', 'relu', 'needDx'];

/** An integer in [min, 2^31) named `name`. */
export function dim(name: string, v: unknown, min: number): number {
  if (!(Number.isInteger(v) && (v as number) >= min && (v as number) < MAX_DIM)) {
    throw invalidArgument(name, `an integer in [${min}, 2^31)`, v);
  }
  return v as number;
}

/** A Float32Array of exactly `length` elements (shape in words for the message). */
export function floats(name: string, v: unknown, length: number, shape: string): Float32Array {
  if (!(v instanceof Float32Array) || v.length !== length) {
    throw invalidArgument(name, `a Float32Array of length ${length} (${shape})`, v);
  }
  return v;
}

export function flag(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(name, 'a boolean', v);
  return v;
}

/** The checked sizes of a conv2d call, with the output sizes (the rules in the header). */
export function conv2dShape(o: Record<string, unknown>): Conv2dShape {
  const batch = dim('input.batch', o.batch, 1);
  const channels = dim('input.channels', o.channels, 1);
  const height = dim('input.height', o.height, 1);
  const width = dim('input.width', o.width, 1);
  const outChannels = dim('input.outChannels', o.outChannels, 1);
  const kernelHeight = dim('input.kernelHeight', o.kernelHeight, 1);
  const kernelWidth = dim('input.kernelWidth', o.kernelWidth, 1);
  const stride = o.stride === undefined ? 1 : dim('input.stride', o.stride, 1);
  const padding = o.padding === undefined ? 0 : dim('input.padding', o.padding, 0);
  const kmin = Math.min(kernelHeight, kernelWidth);
  if (padding >= kmin) {
    throw invalidArgument('input.padding', `an integer in [0, ${kmin}) (less than the kernel's smaller side)`, padding);
  }
  if (height + 2 * padding < kernelHeight) {
    throw invalidArgument(
      'input.kernelHeight',
      `at most height + 2·padding = ${height + 2 * padding} (an output height ≥ 1)`,
      kernelHeight,
    );
  }
  if (width + 2 * padding < kernelWidth) {
    throw invalidArgument(
      'input.kernelWidth',
      `at most width + 2·padding = ${width + 2 * padding} (an output width ≥ 1)`,
      kernelWidth,
    );
  }
  const outHeight = Math.floor((height + 2 * padding - kernelHeight) / stride) + 1;
  const outWidth = Math.floor((width + 2 * padding - kernelWidth) / stride) + 1;
  for (const [name, length] of [
    ['input.x', batch * channels * height * width],
    ['input.w', outChannels * channels * kernelHeight * kernelWidth],
    ['the output', batch * outChannels * outHeight * outWidth],
  ] as const) {
    if (length > 2 ** 32 - 1) throw invalidArgument(name, 'at most 2^32 − 1 elements', length);
  }
  return {
    batch,
    channels,
    height,
    width,
    outChannels,
    kernelHeight,
    kernelWidth,
    stride,
    padding,
    outHeight,
    outWidth,
  };
}

function record(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  return optionsRecord(input, allowed, 'input');
}

function shapeWords(...sizes: number[]): string {
  return sizes.join('×');
}

export function validateConv2dForward(input: Conv2dForwardOptions): Conv2dForwardInput {
  const o = record(input, FORWARD_KEYS);
  const s = conv2dShape(o);
  const { batch, channels, height, width, outChannels, kernelHeight, kernelWidth } = s;
  return {
    ...s,
    x: floats('input.x', o.x, batch * channels * height * width, shapeWords(batch, channels, height, width)),
    w: floats(
      'input.w',
      o.w,
      outChannels * channels * kernelHeight * kernelWidth,
      shapeWords(outChannels, channels, kernelHeight, kernelWidth),
    ),
    bias: floats('input.bias', o.bias, outChannels, `${outChannels}`),
    relu: flag('input.relu', o.relu, false),
  };
}

export function validateConv2dBackward(input: Conv2dBackwardOptions): Conv2dBackwardInput {
  const o = record(input, BACKWARD_KEYS);
  const s = conv2dShape(o);
  const { batch, channels, height, width, outChannels, kernelHeight, kernelWidth, outHeight, outWidth } = s;
  const relu = flag('input.relu', o.relu, false);
  const outLength = batch * outChannels * outHeight * outWidth;
  const outShape = shapeWords(batch, outChannels, outHeight, outWidth);
  const dy = floats('input.dy', o.dy, outLength, outShape);
  let y: Float32Array | null = null;
  if (relu) y = floats('input.y', o.y, outLength, `${outShape}, the forward output, needed with relu`);
  else if (o.y !== undefined) throw invalidArgument('input.y', 'undefined without relu (only the ReLU reads it)', o.y);
  return {
    ...s,
    x: floats('input.x', o.x, batch * channels * height * width, shapeWords(batch, channels, height, width)),
    w: floats(
      'input.w',
      o.w,
      outChannels * channels * kernelHeight * kernelWidth,
      shapeWords(outChannels, channels, kernelHeight, kernelWidth),
    ),
    dy,
    y,
    relu,
    needDx: flag('input.needDx', o.needDx, true),
  };
}

/** Parameters of a conv layer in the flat vector: its weights and its bias. */
export function conv2dParameterCount(outChannels: number, channels: number, kernelHeight: number, kernelWidth: number) {
  return outChannels * channels * kernelHeight * kernelWidth + outChannels;
}
