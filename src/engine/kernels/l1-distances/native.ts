/** The L1-distance kernel on the native addon: float64, initialSkew's arithmetic, and the first bad count (−1: none). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { L1DistancesInput, L1DistancesOutput } from './contract.js';

export async function l1DistancesNative(addon: CocogenAddon, input: L1DistancesInput): Promise<L1DistancesOutput> {
  const distances = new Float64Array(input.groups);
  const bad = new Float64Array(1);
  await addon.l1Distances(input.counts, input.target, input.totals, distances, bad);
  return { distances, badCount: bad[0]! };
}
