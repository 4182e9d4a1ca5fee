import { describe, expect, it } from 'vitest';
import { partitionFederation, withSynthetic } from '../../src/fl/federation.js';
import type { Generator } from '../../src/fl/generator.js';
import { partitionByLabelCounts } from '../../src/fl/partition.js';
import { labelHistogram, type LabeledSamples } from '../../src/fl/samples.js';
import { Random } from '../../src/util/random.js';

/** 1,000 samples of 3 features, 100 per class, features = the label. */
const pool: LabeledSamples = {
  y: Uint8Array.from({ length: 1000 }, (_, i) => i % 10),
  x: Float32Array.from({ length: 3000 }, (_, k) => Math.floor(k / 3) % 10),
};

/** A generator whose sample of class c is the constant image c/10 (so the wiring is checkable). */
const constantGenerator: Generator = {
  name: 'constant',
  features: 3,
  classes: 10,
  costPerSample: 3,
  async generate(counts) {
    const total = counts.reduce((a, b) => a + b, 0);
    const y = new Uint8Array(total);
    let at = 0;
    counts.forEach((n, c) => y.fill(c, at, (at += n)));
    return { x: Float32Array.from({ length: total * 3 }, (_, k) => y[Math.floor(k / 3)]! / 10), y };
  },
};

function allDistinct(parts: Int32Array[]): boolean {
  const seen = new Set<number>();
  for (const p of parts) for (const i of p) if (seen.has(i) || !seen.add(i)) return false;
  return true;
}

describe('partitionByLabelCounts', () => {
  it('gives each organization exactly its counts when the pool has them, without repeats', () => {
    const counts = [
      [10, 0, 5, 0, 0, 0, 0, 0, 0, 1],
      [0, 100, 5, 0, 0, 0, 0, 0, 0, 0],
    ];
    const parts = partitionByLabelCounts(pool.y, 10, counts, 3);
    expect(
      parts.map((p) =>
        labelHistogram(
          Array.from(p, (i) => pool.y[i]!),
          10,
        ),
      ),
    ).toEqual(counts);
    expect(allDistinct(parts)).toBe(true);
    expect(partitionByLabelCounts(pool.y, 10, counts, 3)).toEqual(parts);
  });

  it('scales an oversubscribed class down proportionally', () => {
    const counts = [
      [150, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [50, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    const parts = partitionByLabelCounts(pool.y, 10, counts, 1);
    expect(parts.map((p) => p.length)).toEqual([75, 25]);
    expect(allDistinct(parts)).toBe(true);
  });

  it('checks its arguments', () => {
    expect(() => partitionByLabelCounts(pool.y, 10, [[1, 2]], 1)).toThrow(/counts\[0\]/);
    expect(() => partitionByLabelCounts(pool.y, 10, [new Array(10).fill(-1)], 1)).toThrow(/counts\[0\]\[0\]/);
  });
});

describe('partitionFederation', () => {
  it('deals the whole pool out with the Dirichlet split and reports label counts', () => {
    const fed = partitionFederation(pool, { organizations: 4, alpha: 0.5, seed: 9 });
    expect(fed.organizations.length).toBe(4);
    expect(fed.indices.reduce((n, p) => n + p.length, 0)).toBe(1000);
    expect(allDistinct(fed.indices)).toBe(true);
    fed.organizations.forEach((o, n) => {
      expect(labelHistogram(o.real.y, 10)).toEqual(fed.labelCounts[n]);
      expect(o.real.x[0]).toBe(o.real.y[0]); // rows travel with their labels
    });
    expect(partitionFederation(pool, { organizations: 4, alpha: 0.5, seed: 9 }).labelCounts).toEqual(fed.labelCounts);
  });

  it('gives power-law sizes when asked', () => {
    const fed = partitionFederation(pool, {
      organizations: 5,
      alpha: 100,
      seed: 2,
      powerLaw: { exponent: 1.5, total: 500 },
    });
    const sizes = fed.indices.map((p) => p.length).sort((a, b) => b - a);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(500);
    expect(sizes[0]).toBeGreaterThan(4 * sizes[4]!); // 1 : 5^-1.5 ≈ 11 : 1 before rounding
    expect(allDistinct(fed.indices)).toBe(true);
  });
});

describe('withSynthetic', () => {
  it('adds generated samples whose classes fill the organization’s largest deficits', async () => {
    const fed = partitionFederation(pool, { organizations: 3, alpha: 0.1, seed: 4 });
    const org = fed.organizations[0]!;
    const uniform = new Array(10).fill(0.1);
    const out = await withSynthetic(org, constantGenerator, 200, uniform, new Random(1));
    expect(out.real).toBe(org.real);
    expect(out.synthetic.y.length).toBe(200);
    expect(labelHistogram(out.synthetic.y, 10)).toEqual(out.syntheticCounts);
    const skew = (h: number[]) => {
      const t = h.reduce((a, b) => a + b, 0);
      return h.reduce((s, v) => s + Math.abs(v / t - 0.1), 0);
    };
    const before = fed.labelCounts[0]!;
    expect(skew(before.map((v, c) => v + out.syntheticCounts[c]!))).toBeLessThan(skew(before));
    expect(out.synthetic.x[0]).toBeCloseTo(out.synthetic.y[0]! / 10, 6);
  });

  it('rejects a generator that returns the wrong amount', async () => {
    const short: Generator = {
      ...constantGenerator,
      generate: async () => ({ x: new Float32Array(0), y: new Uint8Array(0) }),
    };
    const org = { real: pool };
    await expect(withSynthetic(org, short, 5, new Array(10).fill(0.1), new Random(1))).rejects.toThrow(
      /5 samples for generator output/,
    );
  });
});
