/** The coalition-value kernel on the native addon (float64 to the input's KKT tolerance, multithreaded). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './contract.js';

export async function coalitionValuesNative(
  addon: CocogenAddon,
  input: CoalitionValuesInput,
): Promise<CoalitionValuesOutput> {
  const { curve } = input;
  const values = new Float64Array(input.count);
  const stats = new Float64Array(5);
  await addon.coalitionValues(
    input.members,
    input.pairWeights,
    Float64Array.of(curve.base, curve.scale, curve.exponent, curve.heterogeneity),
    input.tolerance,
    input.masks,
    input.first,
    values,
    stats,
  );
  const [solves, passes, notConverged, nonConcave, worstKkt] = stats;
  return { values, stats: { solves, passes, notConverged, nonConcave, worstKkt } };
}
