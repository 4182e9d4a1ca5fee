/**
 * Local training through an engine (trainLocal with { engine }, federatedRound's trainOnEngine) against the plain-JS reference
 * path: bit-identical on the js engine, within float32 accumulation on native (and reaching the same accuracy).
 */
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { createEngine } from '../../src/engine/engine.js';
import { SUBSET_PUBLIC_COUNT, loadFashionMnist, shippedSubsetDir, splitPublic } from '../../src/fl/fashion-mnist.js';
import { createModel } from '../../src/fl/models.js';
import { dirichletPartition } from '../../src/fl/partition.js';
import { samplesOf, selectSamples, type LabeledSamples } from '../../src/fl/samples.js';
import { evaluate, federatedRound, trainLocal, type Organization } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

const dir = shippedSubsetDir();
const { owned } = splitPublic(loadFashionMnist(dir, 'train'), SUBSET_PUBLIC_COUNT);
const test = samplesOf(loadFashionMnist(dir, 'test'));
const pool = samplesOf(owned);
const hasAddon = loadAddon().ok;

function blobs(n: number, seed: number): LabeledSamples {
  const rng = new Random(seed);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 3);
  const x = Float32Array.from({ length: n * 6 }, (_, k) => y[Math.floor(k / 6)]! - 1 + 0.4 * rng.normal());
  return { x, y };
}

describe('trainLocal(initial, data, { engine })', () => {
  const mlp = createModel({ kind: 'mlp', inputs: 6, hidden: 7, classes: 3 });
  const data = blobs(90, 2);
  const options = { model: mlp, epochs: 3, batchSize: 16, learningRate: 0.05, weightDecay: 1e-4, seed: 4 };

  it('is bit-identical to trainLocal on the js engine (MLP, 3 epochs, a short last batch)', async () => {
    const engine = await createEngine({ backend: 'js' });
    const init = mlp.init(new Random(1));
    const a = trainLocal(init, data, options);
    const b = await trainLocal(init, data, { ...options, engine });
    expect(b.params).toEqual(a.params);
    expect(b.loss).toBe(a.loss);
    expect(b.steps).toBe(a.steps);
    expect(b.samples).toBe(90);
    engine.dispose();
  });

  it.skipIf(!hasAddon)('agrees with trainLocal on the native engine (softmax and MLP)', async () => {
    const engine = await createEngine({ backend: 'native' });
    for (const model of [mlp, createModel({ kind: 'softmax', inputs: 6, classes: 3 })]) {
      const init = model.init(new Random(1));
      const a = trainLocal(init, data, { ...options, model });
      const b = await trainLocal(init, data, { ...options, model, engine });
      expectClose(b.params, a.params, { rtol: 1e-4, atol: 1e-5 });
      expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-5);
    }
    engine.dispose();
  });

  it('returns the initial parameters (a copy) with no data or no epochs', async () => {
    const engine = await createEngine({ backend: 'js' });
    const init = mlp.init(new Random(1));
    const empty = await trainLocal(init, { x: new Float32Array(0), y: new Uint8Array(0) }, { ...options, engine });
    expect(empty.params).toEqual(init);
    expect(empty.params).not.toBe(init);
    expect(Number.isNaN(empty.loss)).toBe(true);
    const none = await trainLocal(init, data, { ...options, epochs: 0, engine });
    expect(none.steps).toBe(0);
    engine.dispose();
  });
});

describe('federatedRound with trainOnEngine (shipped subset, 5 organizations, softmax regression)', () => {
  const softmax = createModel({ kind: 'softmax', inputs: 784, classes: 10 });
  const recipe = { model: softmax, epochs: 1, batchSize: 32, learningRate: 0.02, momentum: 0.9 };
  const parts = dirichletPartition(owned.labels, 10, 5, 0.5, 42);
  const orgs: Organization[] = parts.map((p) => ({ real: selectSamples(pool, p) }));

  async function run(backend: 'js' | 'native', trainOnEngine: boolean) {
    const engine = await createEngine({ backend });
    try {
      let params = softmax.init(new Random(1));
      for (let round = 0; round < 2; round++) {
        ({ params } = await federatedRound(params, orgs, { ...recipe, seed: 7, round, trainOnEngine, engine }));
      }
      return { params, accuracy: evaluate(softmax, params, test).accuracy };
    } finally {
      engine.dispose();
    }
  }

  const reference = run('js', false);

  it('is bit-identical to the reference path on the js engine', async () => {
    const [a, b] = [await reference, await run('js', true)];
    expect(b.params).toEqual(a.params);
  });

  it.skipIf(!hasAddon)('agrees with the reference path on the native engine', async () => {
    const [a, b] = [await reference, await run('native', true)];
    expectClose(b.params, a.params, { rtol: 1e-4, atol: 1e-5 });
    expect(Math.abs(b.accuracy - a.accuracy)).toBeLessThanOrEqual(0.005);
  });
});
