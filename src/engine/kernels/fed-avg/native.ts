/** The FedAvg kernel on the native addon (`fedAvg` in bindings/addon.ts): one call; the flag comes from its stores. */
import type { CocogenAddon } from '../../../../bindings/addon.js';

export function fedAvgNative(
  addon: CocogenAddon,
  updates: readonly Float32Array[],
  weights: Float64Array,
  out: Float32Array,
): Promise<boolean> {
  return addon.fedAvg(updates as Float32Array[], weights, out);
}
