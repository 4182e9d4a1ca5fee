/**
 * The contracts of 2-D max pooling (forward with the argmax, and backward), and their argument checks.
 *
 * Layout: NCHW (src/engine/kernels/conv2d/contract.ts): x is batch × channels × height × width, y and the indices
 * batch × channels × outHeight × outWidth with outHeight = ⌊(height − kernel) / stride⌋ + 1 (no padding; rows and
 * columns past the last whole window are dropped, PyTorch's floor mode), outWidth likewise. A square kernel × kernel
 * window; stride defaults to kernel.
 *
 * The argmax: indices[i] is the position h·width + w of the window's maximum inside its (sample, channel) plane.
 * Tie rule, the same on every backend: the first maximum in row-major window order wins (a later equal value never
 * replaces it; −0 and +0 are equal). A NaN wins over every number (the first NaN in row-major order), so NaN
 * propagates as in PyTorch.
 *
 * Backward: dx[plane, indices[i]] accumulates dy[i] (windows overlap when stride < kernel); every index must lie in
 * its own window. Exact when windows do not overlap; otherwise a sum of at most ⌈kernel/stride⌉² terms per element,
 * float64 on js and native and float32 on WebGPU (within that count·2^-24·Σ|terms|). The forward is exact everywhere.
 */
import { invalidArgument } from '../../../core/errors.js';
import { optionsRecord } from '../../../util/options.js';
import { dim, floats } from '../conv2d/contract.js';

export interface MaxPoolShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  outHeight: number;
  outWidth: number;
}

export interface MaxPoolForwardInput extends MaxPoolShape {
  x: Float32Array;
}

export interface MaxPoolOutput {
  y: Float32Array;
  /** the argmax of each window, h·width + w inside its plane */
  indices: Int32Array;
}

export interface MaxPoolBackwardInput extends MaxPoolShape {
  dy: Float32Array;
  indices: Int32Array;
}

export interface MaxPoolSizes {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernel: number;
  /** default kernel (windows side by side) */
  stride?: number;
}

export interface MaxPoolForwardOptions extends MaxPoolSizes {
  x: Float32Array;
}

export interface MaxPoolBackwardOptions extends MaxPoolSizes {
  dy: Float32Array;
  /** the forward's indices */
  indices: Int32Array;
}

const SIZE_KEYS = ['batch', 'channels', 'height', 'width', 'kernel', 'stride'] as const;

export function maxPoolShape(o: Record<string, unknown>): MaxPoolShape {
  const batch = dim('input.batch', o.batch, 1);
  const channels = dim('input.channels', o.channels, 1);
  const height = dim('input.height', o.height, 1);
  const width = dim('input.width', o.width, 1);
  const kernel = dim('input.kernel', o.kernel, 1);
  const stride = o.stride === undefined ? kernel : dim('input.stride', o.stride, 1);
  if (kernel > Math.min(height, width)) {
    throw invalidArgument(
      'input.kernel',
      `at most min(height, width) = ${Math.min(height, width)} (an output size ≥ 1)`,
      kernel,
    );
  }
  const outHeight = Math.floor((height - kernel) / stride) + 1;
  const outWidth = Math.floor((width - kernel) / stride) + 1;
  if (batch * channels * height * width > 2 ** 32 - 1) {
    throw invalidArgument('input.x', 'at most 2^32 − 1 elements', batch * channels * height * width);
  }
  return { batch, channels, height, width, kernel, stride, outHeight, outWidth };
}

function record(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  return optionsRecord(input, allowed, 'input');
}

export function validateMaxPoolForward(input: MaxPoolForwardOptions): MaxPoolForwardInput {
  const o = record(input, [...SIZE_KEYS, 'x']);
  const s = maxPoolShape(o);
  const { batch, channels, height, width } = s;
  return {
    ...s,
    x: floats('input.x', o.x, batch * channels * height * width, [batch, channels, height, width].join('×')),
  };
}

export function validateMaxPoolBackward(input: MaxPoolBackwardOptions): MaxPoolBackwardInput {
  const o = record(input, [...SIZE_KEYS, 'dy', 'indices']);
  const s = maxPoolShape(o);
  const { batch, channels, width, kernel, stride, outHeight, outWidth } = s;
  const count = batch * channels * outHeight * outWidth;
  const shape = [batch, channels, outHeight, outWidth].join('×');
  const dy = floats('input.dy', o.dy, count, shape);
  const indices = o.indices;
  if (!(indices instanceof Int32Array) || indices.length !== count) {
    throw invalidArgument('input.indices', `an Int32Array of length ${count} (${shape})`, indices);
  }
  // Each index inside its window: the backward gathers per window, so an index elsewhere would be silently dropped.
  for (let plane = 0, i = 0; plane < batch * channels; plane++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, i++) {
        const v = indices[i]!;
        const h = Math.floor(v / width);
        const w = v - h * width;
        if (!(v >= 0 && h >= oh * stride && h < oh * stride + kernel && w >= ow * stride && w < ow * stride + kernel)) {
          const [h0, w0] = [oh * stride, ow * stride];
          const rule = `h in [${h0}, ${h0 + kernel}), w in [${w0}, ${w0 + kernel})`;
          throw invalidArgument(
            `input.indices[${i}]`,
            `a position h·width + w inside window (${oh}, ${ow}): ${rule}`,
            v,
          );
        }
      }
    }
  }
  return { ...s, dy, indices };
}
