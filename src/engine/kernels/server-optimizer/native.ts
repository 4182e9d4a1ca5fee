/** The server-optimizer step on the native addon: one fused float32 kernel over x, m and v, in place. */
import { loadAddon } from '../../../../bindings/addon.js';
import { CocogenError } from '../../../core/errors.js';
import type { ServerOptimizerKind, ServerOptimizerParams } from './contract.js';

export async function serverOptimizerStepNative(
  kind: ServerOptimizerKind,
  x: Float32Array,
  delta: Float32Array,
  m: Float32Array,
  v: Float32Array | null,
  params: ServerOptimizerParams,
): Promise<void> {
  const load = loadAddon();
  if (!load.ok) throw new CocogenError('BACKEND_UNAVAILABLE', load.reason);
  await load.addon.serverOptimizerStep(kind, x, delta, m, v, params.beta1, params.beta2, params.eta, params.tau);
}
