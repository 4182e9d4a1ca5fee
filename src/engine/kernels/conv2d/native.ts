/**
 * The convolution kernels on the native addon: im2col onto the float32 SGEMM (tiled, packed), samples spread over the
 * thread pool.
 */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { Conv2dBackwardInput, Conv2dForwardInput, Conv2dGradients, Conv2dShape } from './contract.js';

/** The addon's sizes: [batch, channels, height, width, outChannels, kernelHeight, kernelWidth, stride, padding]. */
export function conv2dSizes(s: Conv2dShape): Int32Array {
  return Int32Array.of(
    s.batch,
    s.channels,
    s.height,
    s.width,
    s.outChannels,
    s.kernelHeight,
    s.kernelWidth,
    s.stride,
    s.padding,
  );
}

export async function conv2dForwardNative(addon: CocogenAddon, input: Conv2dForwardInput): Promise<Float32Array> {
  const y = new Float32Array(input.batch * input.outChannels * input.outHeight * input.outWidth);
  await addon.conv2dForward(conv2dSizes(input), input.x, input.w, input.bias, input.relu, y);
  return y;
}

export async function conv2dBackwardNative(addon: CocogenAddon, input: Conv2dBackwardInput): Promise<Conv2dGradients> {
  const dw = new Float32Array(input.w.length);
  const db = new Float32Array(input.outChannels);
  const dx = input.needDx ? new Float32Array(input.x.length) : null;
  await addon.conv2dBackward(conv2dSizes(input), input.x, input.w, input.dy, input.y, dw, db, dx);
  return { dw, db, dx };
}
