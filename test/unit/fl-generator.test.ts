import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { SUBSET_PUBLIC_COUNT, loadFashionMnist, shippedSubsetDir, splitPublic } from '../../src/fl/fashion-mnist.js';
import { PpcaGenerator, generatorQuality, syntheticClassCounts } from '../../src/fl/generator.js';
import { symmetricEigen } from '../../src/numeric/linalg.js';
import { labelHistogram, samplesOf, type LabeledSamples } from '../../src/fl/samples.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

/** Two classes drawn from known PPCA models in d = 12 (values near 0.5, so that nothing is clamped). */
function knownPpca(n: number, seed: number): LabeledSamples {
  const d = 12;
  const rng = new Random(seed);
  const x = new Float32Array(2 * n * d);
  const y = new Uint8Array(2 * n);
  for (let i = 0; i < 2 * n; i++) {
    const c = i < n ? 0 : 1;
    y[i] = c;
    const z0 = rng.normal();
    const z1 = rng.normal();
    for (let j = 0; j < d; j++) {
      // class 0: directions e_0 (scale 0.09) and e_1 (0.06); class 1: (e_2 + e_3)/√2 (0.08)
      const w =
        c === 0 ? (j === 0 ? 0.09 * z0 : j === 1 ? 0.06 * z1 : 0) : j === 2 || j === 3 ? (0.08 * z0) / Math.SQRT2 : 0;
      x[i * d + j] = 0.5 + (c === 0 ? 0 : 0.1) + w + 0.01 * rng.normal();
    }
  }
  return { x, y };
}

/** The class's sample covariance in float64, d×d. */
function covariance(data: LabeledSamples, c: number, d: number): Float64Array {
  const rows = Array.from(data.y.keys()).filter((i) => data.y[i] === c);
  const mean = new Float64Array(d);
  for (const i of rows) for (let j = 0; j < d; j++) mean[j]! += data.x[i * d + j]! / rows.length;
  const S = new Float64Array(d * d);
  for (const i of rows)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        S[a * d + b]! += ((data.x[i * d + a]! - mean[a]!) * (data.x[i * d + b]! - mean[b]!)) / rows.length;
  return S;
}

describe('PpcaGenerator.fit', () => {
  const data = knownPpca(3000, 1);
  const gen = PpcaGenerator.fit(data, 2, { components: 2, iterations: 30 });

  it('finds the top eigenvalues of each class covariance and the ML noise variance', () => {
    for (const c of [0, 1]) {
      const { values } = symmetricEigen(covariance(data, c, 12), 12);
      const k = gen.perClass[c]!;
      // class 1's second eigenvalue sits at the noise level (no gap), so it converges slowest
      expectClose(k.eigenvalues, values.subarray(0, 2), { rtol: 1e-4 });
      const rest = values.subarray(2).reduce((a, b) => a + b, 0) / 10;
      expect(k.noiseVariance).toBeCloseTo(rest, 9);
    }
  });

  it('recovers the generating model', () => {
    const k0 = gen.perClass[0]!;
    expectClose(k0.eigenvalues, [0.09 ** 2 + 1e-4, 0.06 ** 2 + 1e-4], { rtol: 0.1 });
    expect(k0.noiseVariance).toBeCloseTo(1e-4, 5);
    expectClose(k0.mean, new Float32Array(12).fill(0.5), { atol: 0.01 });
    expectClose(gen.perClass[1]!.eigenvalues.subarray(0, 1), [0.08 ** 2 + 1e-4], { rtol: 0.1 });
    expect(gen.costPerSample).toBe(2 * 12 * 2 + 4 * 12);
  });

  it('rejects too few samples of a class and bad options', () => {
    const tiny: LabeledSamples = { x: new Float32Array(3 * 4), y: Uint8Array.of(0, 0, 1) };
    expect(() => PpcaGenerator.fit(tiny, 2, { components: 1 })).toThrow(
      /more than 1 samples \(components\) of class 1/,
    );
    expect(() => PpcaGenerator.fit(data, 2, { components: 12 })).toThrow(/options\.components/);
    expect(() => PpcaGenerator.fit({ x: new Float32Array(5), y: Uint8Array.of(0, 1) }, 2)).toThrow(CocogenError);
  });
});

describe('PpcaGenerator.generate', () => {
  const gen = PpcaGenerator.fit(knownPpca(2000, 2), 2, { components: 2 });

  it('returns the requested counts grouped by class, clamped to [0, 1], reproducibly', () => {
    const a = gen.generate([3, 5], new Random(9));
    expect(a.x.length).toBe(8 * 12);
    expect(Array.from(a.y)).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(a.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(gen.generate([3, 5], new Random(9))).toEqual(a);
    expect(gen.generate([3, 5], new Random(10)).x).not.toEqual(a.x);
    expect(gen.generate([0, 0], new Random(9)).y.length).toBe(0);
  });

  it('samples the fitted distribution: mean μ and variance λ₁ along the top direction', () => {
    const n = 4000;
    const { x } = gen.generate([n, 0], new Random(3));
    const k = gen.perClass[0]!;
    const mean = new Float64Array(12);
    for (let i = 0; i < n; i++) for (let j = 0; j < 12; j++) mean[j]! += x[i * 12 + j]! / n;
    expectClose(mean, k.mean, { atol: 0.005 });
    // the top loading column is ∝ e_0: the variance of coordinate 0 is λ₁ (W's part plus the noise)
    let v0 = 0;
    for (let i = 0; i < n; i++) v0 += (x[i * 12]! - mean[0]!) ** 2 / n;
    expect(v0).toBeCloseTo(k.eigenvalues[0]!, 3);
  });

  it('checks its class counts', () => {
    expect(() => gen.generate([1], new Random(1))).toThrow(/an array of 2 counts/);
    expect(() => gen.generate([1, -1], new Random(1))).toThrow(/classCounts\[1\]/);
  });
});

describe('generator quality on the shipped subset', () => {
  it('train-on-synthetic / test-on-real accuracy is far above chance', async () => {
    const dir = shippedSubsetDir();
    const { public: pub } = splitPublic(loadFashionMnist(dir, 'train'), SUBSET_PUBLIC_COUNT);
    const test = samplesOf(loadFashionMnist(dir, 'test'));
    const gen = PpcaGenerator.fit(samplesOf(pub), 10);
    const q = await generatorQuality(gen, test, { samplesPerClass: 200, epochs: 3, seed: 1 });
    expect(q.synthetic.trainSamples).toBe(2000);
    expect(q.synthetic.count).toBe(1000);
    expect(q.synthetic.accuracy).toBeGreaterThan(0.7); // 0.77 with the defaults (500 per class, 10 epochs)
    expect(q.real).toBeUndefined();
  });
});

describe('syntheticClassCounts', () => {
  const uniform = new Array(4).fill(0.25);

  it('fills the largest deficits first and sums exactly', () => {
    expect(syntheticClassCounts([50, 0, 0], [1 / 3, 1 / 3, 1 / 3], 40)).toEqual([0, 20, 20]);
    // desired 6.5 each: deficits [0, 0.5, 6.5, 2.5] → level 1.5 → [0, 0, 5, 1]
    expect(syntheticClassCounts([10, 6, 0, 4], uniform, 6)).toEqual([0, 0, 5, 1]);
    // desired 8 each: deficits [0, 2, 8, 4] → level 2/3 → [0, 4/3, 22/3, 10/3] → largest remainder
    expect(syntheticClassCounts([10, 6, 0, 4], uniform, 12)).toEqual([0, 2, 7, 3]);
    expect(syntheticClassCounts([3, 3, 3, 3], uniform, 0)).toEqual([0, 0, 0, 0]);
  });

  it('moves every organization toward p*, for random mixes and amounts', () => {
    const rng = new Random(5);
    for (let t = 0; t < 200; t++) {
      const h = Array.from(rng.dirichlet(0.3, 10), (p) => Math.round(p * 500));
      const target = Array.from(rng.dirichlet(5, 10));
      const amount = Math.floor(rng.next() * 1000);
      const x = syntheticClassCounts(h, target, amount);
      expect(x.reduce((a, b) => a + b, 0)).toBe(amount);
      expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      const l1 = (counts: number[]) => {
        const total = counts.reduce((a, b) => a + b, 0);
        return counts.reduce((s, v, c) => s + Math.abs(v / total - target[c]!), 0);
      };
      const after = h.map((v, c) => v + x[c]!);
      if (h.some((v) => v > 0)) expect(l1(after)).toBeLessThanOrEqual(l1(h) + 1e-9);
    }
  });

  it('reaches p* exactly when the amount covers every deficit', () => {
    expect(syntheticClassCounts([30, 0, 10, 0], uniform, 80)).toEqual([0, 30, 20, 30]);
  });

  it('rejects bad arguments', () => {
    expect(() => syntheticClassCounts([1, 2], [1], 3)).toThrow(/target/);
    expect(() => syntheticClassCounts([1, 2], [0, 0], 3)).toThrow(/positive sum/);
    expect(() => syntheticClassCounts([1, 2], [0.5, 0.5], 1.5)).toThrow(/amount/);
    expect(() => syntheticClassCounts([1, -2], [0.5, 0.5], 1)).toThrow(/labelCounts\[1\]/);
  });
});

describe('label histogram of generated data', () => {
  it('matches the requested counts', () => {
    const gen = PpcaGenerator.fit(knownPpca(100, 3), 2, { components: 1 });
    expect(labelHistogram(gen.generate([4, 7], new Random(1)).y, 2)).toEqual([4, 7]);
  });
});

describe('PpcaGenerator.generate(counts, rng, { engine })', () => {
  it('samples through the engine GEMM with the same draws as the reference path', async () => {
    const { createEngine } = await import('../../src/engine/engine.js');
    const gen = PpcaGenerator.fit(samplesOf(loadFashionMnist(shippedSubsetDir(), 'train')), 10, {
      components: 8,
      iterations: 5,
    });
    const counts = [3, 0, 5, 0, 0, 0, 0, 0, 0, 2];
    const reference = gen.generate(counts, new Random(11));
    for (const backend of ['js', 'native'] as const) {
      const engine = await createEngine({ backend });
      try {
        const fast = await gen.generate(counts, new Random(11), { engine });
        expect(Array.from(fast.y)).toEqual(Array.from(reference.y));
        // float32 accumulation on native: within a few ulp of the pixel scale
        expectClose(fast.x, reference.x, { rtol: 1e-5, atol: 1e-5 });
      } finally {
        engine.dispose();
      }
    }
  });
});
