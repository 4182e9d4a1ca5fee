/** Plain-TypeScript reference of the L1-distance kernel (contract.ts states it), in float64. */
import type { L1DistancesInput, L1DistancesOutput } from './contract.js';

/** The reference, float64: the loop of initialSkew, checking each row's counts as it sums them. */
export function l1DistancesReference(input: L1DistancesInput): L1DistancesOutput {
  const { counts, target, totals, groups, classes } = input;
  const out = new Float64Array(groups);
  for (let n = 0; n < groups; n++) {
    const row = n * classes;
    let total = 0;
    for (let c = 0; c < classes; c++) {
      const v = counts[row + c]!;
      if (!(v >= 0 && v < Infinity)) return { distances: out, badCount: row + c };
      total += v;
    }
    if (totals) total = totals[n]!;
    if (total === 0) {
      out[n] = NaN;
      continue;
    }
    const inv = 1 / total;
    let acc = 0;
    for (let c = 0; c < classes; c++) acc += Math.abs(counts[row + c]! * inv - target[c]!);
    out[n] = acc;
  }
  return { distances: out, badCount: -1 };
}
