/** The squared-norms kernel on the native addon (float64 accumulation, multithreaded). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import { squaredNormsOutput } from './contract.js';

export async function squaredNormsNative(addon: CocogenAddon, updates: readonly Float32Array[]): Promise<Float64Array> {
  const out = squaredNormsOutput(updates);
  await addon.squaredNorms(updates as Float32Array[], out);
  return out;
}
