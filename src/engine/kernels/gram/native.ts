/** The Gram kernel on the native addon (float32 GEMM per column block, blocks added in float64). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import { gramOutput } from './contract.js';

export async function gramNative(addon: CocogenAddon, updates: readonly Float32Array[]): Promise<Float64Array> {
  const out = gramOutput(updates);
  await addon.gram(updates as Float32Array[], out);
  return out;
}
