/** The median and trimmed-mean kernels on the native addon; the addon returns its non-finite count (0: none). */
import type { CocogenAddon } from '../../../../bindings/addon.js';

export async function coordinateMedianNative(
  addon: CocogenAddon,
  updates: readonly Float32Array[],
  scales: Float32Array | undefined,
  out: Float32Array,
): Promise<boolean> {
  return (await addon.coordinateMedian(updates as Float32Array[], scales ?? null, out)) !== 0;
}

export async function trimmedMeanNative(
  addon: CocogenAddon,
  updates: readonly Float32Array[],
  trimCount: number,
  scales: Float32Array | undefined,
  out: Float32Array,
): Promise<boolean> {
  return (await addon.trimmedMean(updates as Float32Array[], trimCount, scales ?? null, out)) !== 0;
}
