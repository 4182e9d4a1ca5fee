/** Student-t intervals and quantiles, against published values and a hand computation. */
import { describe, expect, it } from 'vitest';
import { meanInterval, quantile, studentTCdf, studentTQuantile } from '../../src/numeric/statistics.js';

describe('Student t', () => {
  it('gives the tabulated two-sided 95 % quantiles', () => {
    // scipy.stats.t.ppf(0.975, df)
    const table: [number, number][] = [
      [1, 12.706204736174698],
      [2, 4.302652729749464],
      [3, 3.182446305284263],
      [4, 2.7764451051977987],
      [9, 2.2621571628540993],
      [29, 2.045229642132703],
      [100, 1.983971518523552],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 9);
    // Towards the normal quantile 1.959963984540054 as df grows, by (z³ + z)/(4·df) to first order.
    expect(studentTQuantile(0.975, 1e7) - 1.959963984540054).toBeCloseTo(
      ((1.959963984540054 ** 3 + 1.959963984540054) / 4) * 1e-7,
      9,
    );
    expect(studentTQuantile(0.995, 4)).toBeCloseTo(4.604094871415897, 9);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764451051977987, 9);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('has the CDF of t with 1 and 2 degrees of freedom in closed form', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 50]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('refuses what has no quantile', () => {
    for (const [p, df] of [
      [0, 3],
      [1, 3],
      [0.5, 0],
      [NaN, 3],
    ])
      expect(studentTQuantile(p!, df!)).toBeNaN();
  });
});

describe('meanInterval', () => {
  it('matches a hand computation', () => {
    // mean 3, sd √2.5, half-width t(0.975, 4)·√2.5/√5 = 2.7764451051977987·0.7071067811865476
    const r = meanInterval([1, 2, 3, 4, 5])!;
    expect(r.mean).toBe(3);
    expect(r.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(r.low).toBeCloseTo(3 - 2.7764451051977987 * Math.sqrt(0.5), 12);
    expect(r.high).toBeCloseTo(3 + 2.7764451051977987 * Math.sqrt(0.5), 12);
    expect(r.n).toBe(5);
  });

  it('has no interval for one value and nothing for none; a level other than 95 %', () => {
    expect(meanInterval([]) ?? null).toBeNull();
    expect(meanInterval([4])).toEqual({ mean: 4, low: null, high: null, sd: null, n: 1 });
    const r = meanInterval([0, 2], 0.9)!; // t(0.95, 1) = 6.313751514675043, sd √2, /√2 → 6.3137…
    expect(r.high).toBeCloseTo(1 + 6.313751514675043, 9);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics as numpy does', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 14);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
