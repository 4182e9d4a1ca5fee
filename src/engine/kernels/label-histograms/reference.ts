/** Plain-TypeScript reference of the label-histogram kernel (contract.ts states it): exact counts. */
import type { LabelHistogramsInput, LabelHistogramsOutput } from './contract.js';

/** The reference: one pass, counting and checking. */
export function labelHistogramsReference(input: LabelHistogramsInput): LabelHistogramsOutput {
  const { labels, owners, offsets, groups, classes } = input;
  const counts = new Uint32Array(groups * classes);
  let badLabel = -1;
  let badOwner = -1;
  const n = labels.length;
  if (owners) {
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      const g = owners[i]!;
      const labelOk = c >= 0 && c < classes;
      const ownerOk = g >= 0 && g < groups;
      if (labelOk && ownerOk) {
        counts[g * classes + c]!++;
        continue;
      }
      if (!labelOk && badLabel < 0) badLabel = i;
      if (!ownerOk && badOwner < 0) badOwner = i;
      if (badLabel >= 0 && badOwner >= 0) break;
    }
  } else {
    for (let g = 0; g < (offsets ? groups : 1); g++) {
      const begin = offsets ? offsets[g]! : 0;
      const end = offsets ? offsets[g + 1]! : n;
      const row = g * classes;
      for (let i = begin; i < end; i++) {
        const c = labels[i]!;
        if (c >= 0 && c < classes) counts[row + c]!++;
        else if (badLabel < 0) badLabel = i;
      }
    }
  }
  return { counts, badLabel, badOwner };
}
