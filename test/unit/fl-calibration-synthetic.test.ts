/** Calibration on federated runs that include the generator's samples (src/fl/calibration.ts, `synthetic`). */
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { calibrate, federationHeterogeneity, gameHeterogeneity } from '../../src/fl/calibration.js';
import { PpcaGenerator } from '../../src/fl/generator.js';
import { loadFederatedData } from '../../src/fl/simulation-data.js';

const data = loadFederatedData(undefined, { pool: 800, seed: 1, testCount: 300 });
const generator = PpcaGenerator.fit(data.public, 10, { components: 4, iterations: 3, seed: 7 });
const grid = { sizes: [200, 400], alphas: [0.1, 10], organizations: 2, seed: 5, recipe: { rounds: 1 } };

describe('gameHeterogeneity', () => {
  it('is the game’s H_S(x) = (1/D)·Σ d²δ⁰²/(d + x), and federationHeterogeneity at x = 0', () => {
    // org 0: d = 2, δ⁰ = 1, x = 2 → u = 4; org 1: d = 2, δ⁰ = 0 → u = 2. D = 6, Q = 4/4 = 1.
    expect(
      gameHeterogeneity(
        [
          [2, 0],
          [1, 1],
        ],
        [2, 0],
      ),
    ).toBeCloseTo(1 / 6, 15);
    const counts = [
      [5, 1, 0],
      [0, 2, 7],
      [3, 3, 3],
    ];
    expect(gameHeterogeneity(counts, [0, 0, 0])).toBeCloseTo(federationHeterogeneity(counts), 15);
  });
});

describe('calibrate with generated data', () => {
  it('adds a point per fraction, keeps the real-data points bit for bit, and counts what was generated', async () => {
    const real = await calibrate(data.owned, data.test, grid);
    const withSynthetic = await calibrate(data.owned, data.test, { ...grid, synthetic: [0, 1], generator });
    expect(withSynthetic.points).toHaveLength(2 * real.points.length);
    const at = (f: number) => withSynthetic.points.filter((p) => p.synthetic === f);
    const strip = ({ seconds: _s, ...p }: (typeof real.points)[number]) => p;
    expect(at(0).map(strip)).toEqual(
      real.points.map((p) =>
        strip({ ...p, synthetic: 0, syntheticSamples: 0, realizedHeterogeneity: p.heterogeneity }),
      ),
    );
    at(1).forEach((p, i) => {
      const base = at(0)[i]!;
      expect(p.syntheticSamples).toBe(base.size); // each organization generated its own d_n
      expect(p.size).toBe(2 * base.size);
      // Generated samples move each mix toward p*: the game's H and the realized one both fall.
      expect(p.heterogeneity).toBeLessThan(base.heterogeneity);
      expect(p.realizedHeterogeneity).toBeLessThanOrEqual(p.heterogeneity + 1e-12);
      expect(Number.isFinite(p.loss)).toBe(true);
    });
    // Deterministic in its config.
    const again = await calibrate(data.owned, data.test, { ...grid, synthetic: [0, 1], generator });
    expect(again.points.map(strip)).toEqual(withSynthetic.points.map(strip));
  });

  it('refuses bad fractions and generated data without a generator, by name', async () => {
    const cases: [object, RegExp][] = [
      [{ synthetic: [] }, /options\.synthetic/],
      [{ synthetic: [-0.5] }, /options\.synthetic\[0\]/],
      [{ synthetic: [0, NaN] }, /options\.synthetic\[1\]/],
      [{ synthetic: [0, 1] }, /options\.generator/],
    ];
    for (const [extra, message] of cases) {
      const e = await calibrate(data.owned, data.test, { ...grid, ...extra }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(CocogenError);
      expect((e as CocogenError).message).toMatch(message);
    }
  });
});
