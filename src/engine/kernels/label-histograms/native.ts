/** The label-histogram kernel on the native addon: exact counts and the first bad label / owner (−1: none). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './contract.js';

export async function labelHistogramsNative(
  addon: CocogenAddon,
  input: LabelHistogramsInput,
): Promise<LabelHistogramsOutput> {
  const counts = new Uint32Array(input.groups * input.classes);
  const bad = new Float64Array(2);
  await addon.labelHistograms(input.labels, input.owners, input.offsets, input.groups, input.classes, counts, bad);
  return { counts, badLabel: bad[0]!, badOwner: bad[1]! };
}
