import { describe, expect, it } from 'vitest';
import {
  dirichletPartition,
  labelCountsFromDirichlet,
  powerLawSizes,
  roundPreservingSum,
} from '../../src/fl/partition.js';
import { Random } from '../../src/util/random.js';
import { CocogenError } from '../../src/core/errors.js';

const labels = Uint8Array.from({ length: 5000 }, (_, i) => i % 10);

/** Mean L1 distance of each organization's label mix from uniform: the skew the game sees as δ⁰. */
function meanSkew(parts: Int32Array[]): number {
  let total = 0;
  for (const p of parts) {
    const h = new Array(10).fill(0);
    for (const i of p) h[labels[i]!]++;
    total += h.reduce((s, c) => s + Math.abs(c / p.length - 0.1), 0);
  }
  return total / parts.length;
}

describe('Dirichlet partition', () => {
  it('assigns every sample exactly once and is reproducible from its seed', () => {
    const a = dirichletPartition(labels, 10, 8, 0.5, 3);
    const b = dirichletPartition(labels, 10, 8, 0.5, 3);
    expect(a).toEqual(b);
    const all = a.flatMap((p) => Array.from(p)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(dirichletPartition(labels, 10, 8, 0.5, 4)).not.toEqual(a);
  });
  it('is more skewed for smaller alpha', () => {
    expect(meanSkew(dirichletPartition(labels, 10, 10, 0.1, 1))).toBeGreaterThan(
      meanSkew(dirichletPartition(labels, 10, 10, 100, 1)) + 0.5,
    );
  });
  it('rejects bad arguments with typed errors', () => {
    expect(() => dirichletPartition(labels, 10, 4, 0, 1)).toThrow(
      /Expected a finite number > 0 for alpha but received 0/,
    );
    expect(() => dirichletPartition(labels, 10, 0, 1, 1)).toThrow(CocogenError);
    expect(() => dirichletPartition([0, 11], 10, 1, 1, 1)).toThrow(/labels\[1\]/);
  });
});

describe('sizes and label counts', () => {
  it('rounds preserving the sum', () => {
    expect(roundPreservingSum([0.5, 0.5, 1], 2)).toEqual([1, 0, 1]);
    expect(roundPreservingSum([3.3, 3.3, 3.4], 10).reduce((a, b) => a + b)).toBe(10);
  });
  it('draws power-law sizes that sum to the total with the minimum respected', () => {
    const s = powerLawSizes(20, 60_000, 1.2, 9, 100);
    expect(s.reduce((a, b) => a + b)).toBe(60_000);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...s)).toBeGreaterThan(5 * Math.min(...s));
  });
  it('gives label counts summing to each size', () => {
    const sizes = [100, 2500, 7, 0];
    const counts = labelCountsFromDirichlet(sizes, 10, 0.3, 5);
    counts.forEach((c, n) => {
      expect(c).toHaveLength(10);
      expect(c.reduce((a, b) => a + b)).toBe(sizes[n]);
    });
  });
  it('draws Dirichlet vectors on the simplex, even for tiny alpha', () => {
    const r = new Random(1);
    for (const a of [1e-4, 0.1, 1, 50]) {
      const p = r.dirichlet(a, 10);
      expect(p.reduce((x, y) => x + y)).toBeCloseTo(1, 12);
    }
  });
});
