import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { createEngine } from '../../src/engine/engine.js';
import { SUBSET_PUBLIC_COUNT, loadFashionMnist, shippedSubsetDir, splitPublic } from '../../src/fl/fashion-mnist.js';
import { createModel } from '../../src/fl/models.js';
import { dirichletPartition } from '../../src/fl/partition.js';
import { samplesOf, selectSamples, type LabeledSamples } from '../../src/fl/samples.js';
import { deriveSeed, evaluate, federatedRound, trainLocal, type Organization } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

const dir = shippedSubsetDir();
const { owned } = splitPublic(loadFashionMnist(dir, 'train'), SUBSET_PUBLIC_COUNT);
const test = samplesOf(loadFashionMnist(dir, 'test'));
const pool = samplesOf(owned);
const softmax = createModel({ kind: 'softmax', inputs: 784, classes: 10 });
const recipe = { model: softmax, epochs: 1, batchSize: 32, learningRate: 0.02, momentum: 0.9 };

/** Two Gaussian blobs in 4-D, linearly separable. */
function blobs(n: number, seed: number): LabeledSamples {
  const rng = new Random(seed);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 2);
  const x = Float32Array.from({ length: n * 4 }, (_, k) => (y[Math.floor(k / 4)] ? 1 : -1) + 0.3 * rng.normal());
  return { x, y };
}

describe('deriveSeed', () => {
  it('is deterministic and separates rounds and organizations', () => {
    expect(deriveSeed(7, 1, 2)).toBe(deriveSeed(7, 1, 2));
    const seeds = new Set<number>();
    for (let r = 0; r < 20; r++) for (let k = 0; k < 20; k++) seeds.add(deriveSeed(7, r, k));
    expect(seeds.size).toBe(400);
    expect(deriveSeed(8, 1, 2)).not.toBe(deriveSeed(7, 1, 2));
  });
});

describe('trainLocal', () => {
  const model = createModel({ kind: 'mlp', inputs: 4, hidden: 8, classes: 2 });
  const data = blobs(200, 1);
  const options = { model, epochs: 5, batchSize: 16, learningRate: 0.05, seed: 3 };

  it('lowers the loss and fits separable data, without touching the initial parameters', () => {
    const init = model.init(new Random(1));
    const copy = Float32Array.from(init);
    const before = evaluate(model, init, data);
    const r = trainLocal(init, data, options);
    expect(init).toEqual(copy);
    expect(r.samples).toBe(200);
    expect(r.steps).toBe(5 * 13);
    expect(evaluate(model, r.params, data).loss).toBeLessThan(before.loss / 5);
    expect(evaluate(model, r.params, data).accuracy).toBe(1);
  });

  it('is reproducible from its seed, bit for bit', () => {
    const init = model.init(new Random(2));
    const a = trainLocal(init, data, options);
    expect(trainLocal(init, data, options).params).toEqual(a.params);
    expect(trainLocal(init, data, { ...options, seed: 4 }).params).not.toEqual(a.params);
  });

  it('returns a copy when there is no data', () => {
    const init = model.init(new Random(2));
    const r = trainLocal(init, { x: new Float32Array(0), y: new Uint8Array(0) }, options);
    expect(r).toMatchObject({ samples: 0, steps: 0 });
    expect(r.loss).toBeNaN();
    expect(r.params).toEqual(init);
    expect(r.params).not.toBe(init);
  });

  it('checks its arguments', () => {
    const init = model.init(new Random(2));
    expect(() => trainLocal(init, data, { ...options, batchSize: 0 })).toThrow(/options\.batchSize/);
    expect(() => trainLocal(new Float32Array(3), data, options)).toThrow(/Float32Array of 58 parameters for initial/);
    expect(() => trainLocal(init, { x: new Float32Array(5), y: data.y }, options)).toThrow(/data\.x/);
    expect(() => trainLocal(init, { x: data.x, y: data.y.map(() => 2) }, options)).toThrow(/data\.y\[0\]/);
  });
});

describe('evaluate', () => {
  it('counts arg-max hits and averages the cross-entropy', () => {
    const model = createModel({ kind: 'softmax', inputs: 1, classes: 2 });
    // logits = [x·w0 + b0, x·w1 + b1] with w = [1, −1], b = 0: class 0 wins for x > 0
    const params = Float32Array.of(1, -1, 0, 0);
    const e = evaluate(model, params, { x: Float32Array.of(1, -1, 2), y: Uint8Array.of(0, 0, 0) }, 2);
    expect(e.accuracy).toBeCloseTo(2 / 3, 12);
    const ce = (margin: number) => Math.log(1 + Math.exp(-margin));
    expect(e.loss).toBeCloseTo((ce(2) + ce(-2) + ce(4)) / 3, 6);
  });
});

describe('federatedRound on the shipped subset (5 organizations, Dirichlet α = 0.5, softmax regression)', () => {
  const parts = dirichletPartition(owned.labels, 10, 5, 0.5, 42);
  const orgs: Organization[] = parts.map((p) => ({ real: selectSamples(pool, p) }));

  async function run(backend: 'js' | 'native', rounds = 3) {
    const engine = await createEngine({ backend });
    try {
      let params = softmax.init(new Random(1));
      const history = [];
      for (let round = 0; round < rounds; round++) {
        const r = await federatedRound(params, orgs, { ...recipe, seed: 7, round, engine });
        params = r.params;
        history.push({ ...evaluate(softmax, params, test), organizations: r.organizations });
      }
      return { params, history };
    } finally {
      engine.dispose();
    }
  }

  const first = run('js');

  it('raises test accuracy well above chance in 3 rounds', async () => {
    const { history } = await first;
    const acc = history.map((h) => h.accuracy);
    expect(acc[2]).toBeGreaterThan(0.6); // 0.70 at this seed
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss);
    expect(history[0]!.organizations.map((o) => o.samples)).toEqual(parts.map((p) => p.length));
  });

  it('is bit-identical across two runs with the same seed on the js engine', async () => {
    const [a, b] = [await first, await run('js')];
    expect(b.params).toEqual(a.params);
    expect(b.history.map((h) => h.accuracy)).toEqual(a.history.map((h) => h.accuracy));
  });

  it.skipIf(!loadAddon().ok)('agrees with the same run on the native engine', async () => {
    const [a, b] = [await first, await run('native')];
    expectClose(b.params, a.params, { rtol: 1e-4, atol: 1e-5 });
    b.history.forEach((h, r) => expect(Math.abs(h.accuracy - a.history[r]!.accuracy)).toBeLessThanOrEqual(0.005));
  });

  it('weights organizations by real + synthetic samples and skips those without data', async () => {
    const engine = await createEngine({ backend: 'js' });
    const init = softmax.init(new Random(1));
    const real = selectSamples(pool, parts[0]!.subarray(0, 40));
    const synthetic = selectSamples(pool, parts[1]!.subarray(0, 20));
    const empty = { x: new Float32Array(0), y: new Uint8Array(0) };
    const options = { ...recipe, seed: 5, round: 2 };
    const r = await federatedRound(init, [{ real, synthetic }, { real: empty }], { ...options, engine });
    expect(r.organizations.map((o) => o.samples)).toEqual([60, 0]);
    // with one contributing organization, FedAvg returns its local model
    const alone = trainLocal(
      init,
      { x: Float32Array.of(...real.x, ...synthetic.x), y: Uint8Array.of(...real.y, ...synthetic.y) },
      { ...recipe, seed: deriveSeed(5, 2, 0) },
    );
    expect(r.params).toEqual(alone.params);
    const none = await federatedRound(init, [{ real: empty }], { ...options, engine });
    expect(none.params).toEqual(init);
    await expect(federatedRound(init, [], { ...options, engine })).rejects.toThrow(/orgs/);
    engine.dispose();
  });
});
