/** Max pooling on the native addon: planes spread over the thread pool. */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { MaxPoolBackwardInput, MaxPoolForwardInput, MaxPoolOutput, MaxPoolShape } from './contract.js';

/** The addon's sizes array: [planes, height, width, kernel, stride]. */
function poolSizes(s: MaxPoolShape): Int32Array {
  return Int32Array.of(s.batch * s.channels, s.height, s.width, s.kernel, s.stride);
}

export async function maxPoolForwardNative(addon: CocogenAddon, input: MaxPoolForwardInput): Promise<MaxPoolOutput> {
  const count = input.batch * input.channels * input.outHeight * input.outWidth;
  const y = new Float32Array(count);
  const indices = new Int32Array(count);
  await addon.maxPoolForward(poolSizes(input), input.x, y, indices);
  return { y, indices };
}

export async function maxPoolBackwardNative(addon: CocogenAddon, input: MaxPoolBackwardInput): Promise<Float32Array> {
  const dx = new Float32Array(input.batch * input.channels * input.height * input.width);
  await addon.maxPoolBackward(poolSizes(input), input.dy, input.indices, dx);
  return dx;
}
