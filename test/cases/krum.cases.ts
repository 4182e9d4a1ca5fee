/**
 * The Krum and multi-Krum cases of the robust-rules table (robust-rules.cases.ts runs them with the others, against
 * scores computed there from direct float64 distances): planted outliers are never selected, the smallest legal K,
 * weights, clipping, NaN and an average beyond float32.
 */
import { Random } from '../../src/util/random.js';
import { randomUpdates } from '../support/updates.js';
import type { RobustCase } from './robust-rules.cases.js';

const invalid = (message: RegExp) => ({ code: 'INVALID_ARGUMENT', message });

/**
 * Honest updates around a common centre with distinct spreads (so Krum's scores are well apart), and `outliers`
 * replaced by far-away updates.
 */
function plantedUpdates(seed: number, k: number, p: number, outliers: number[]): Float32Array[] {
  const rng = new Random(seed);
  const centre = rng.fillNormal(new Float32Array(p));
  return Array.from({ length: k }, (_, j) => {
    const u = new Float32Array(p);
    const far = outliers.includes(j);
    const sd = far ? 1 : 0.05 * (1 + j);
    for (let i = 0; i < p; i++) u[i] = centre[i]! + (far ? 20 + 5 * j : 0) + sd * rng.normal();
    return u;
  });
}

export const KRUM_CASES: RobustCase[] = [
  {
    name: 'krum: K = 7, f = 2, two planted outliers are not selected',
    outliers: [1, 4],
    make: () => ({ updates: plantedUpdates(30, 7, 1000, [1, 4]), options: { rule: 'krum', f: 2 } }),
  },
  {
    name: 'krum: the smallest legal K (K = 3, f = 0)',
    make: () => ({ updates: plantedUpdates(31, 3, 65, []), options: { rule: 'krum' } }),
  },
  {
    name: 'multi-krum: K = 10, f = 3, m = 4, three planted outliers',
    outliers: [0, 5, 9],
    make: () => ({ updates: plantedUpdates(32, 10, 777, [0, 5, 9]), options: { rule: 'multi-krum', f: 3, m: 4 } }),
  },
  {
    name: 'multi-krum: weighted, default m = K − f',
    outliers: [2],
    make: () => ({
      updates: plantedUpdates(33, 6, 300, [2]),
      options: { rule: 'multi-krum', f: 1, weights: [5, 1, 2, 7, 3, 4] },
    }),
  },
  {
    name: 'krum with clipping: outliers clipped are still not selected',
    outliers: [3],
    make: () => ({ updates: plantedUpdates(34, 5, 400, [3]), options: { rule: 'krum', f: 1, clip: 30 } }),
  },
  {
    name: 'multi-krum: a NaN update is never selected (propagate)',
    outliers: [2],
    make: () => {
      const u = plantedUpdates(35, 6, 100, []);
      u[2]![50] = NaN;
      return { updates: u, options: { rule: 'multi-krum', f: 1, nonFinite: 'propagate' } };
    },
  },
  {
    name: 'krum: NaN is an error by default',
    make: () => {
      const u = plantedUpdates(36, 5, 100, []);
      u[4]![42] = NaN;
      return { updates: u, options: { rule: 'krum', f: 1 } };
    },
    error: invalid(/finite values for updates\[4\] but received NaN at index 42/),
  },
  {
    name: 'multi-krum: an average beyond the float32 range (scales) is an error by default',
    make: () => {
      const u = randomUpdates(37, 5, 40, 0, 1e-3);
      for (const x of u) x[13] = 2;
      return { updates: u, options: { rule: 'multi-krum', f: 1, scales: [3e38, 3e38, 3e38, 3e38, 3e38] } };
    },
    error: invalid(/fits in float32 for updates but received an overflow to Infinity at index 13$/),
  },
];
