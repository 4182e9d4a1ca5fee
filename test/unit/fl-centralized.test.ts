import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { trainCentralized, type CentralizedEpoch } from '../../src/fl/centralized.js';
import { loadDataset, splitPublic, SUBSET_PUBLIC_COUNT } from '../../src/fl/datasets.js';
import { createModel } from '../../src/fl/models.js';
import { samplesOf, selectSamples } from '../../src/fl/samples.js';
import { deriveSeed, evaluate, trainLocal } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';

const { owned } = splitPublic(loadDataset('mnist', 'train'), SUBSET_PUBLIC_COUNT);
const train = selectSamples(
  samplesOf(owned),
  Int32Array.from({ length: 800 }, (_, i) => i * 5),
);
const test = samplesOf(loadDataset('mnist', 'test'));
const softmax = createModel({ kind: 'softmax', inputs: 784, classes: 10 });
const recipe = { model: softmax, epochs: 3, batchSize: 32, learningRate: 0.01, momentum: 0.9, seed: 4 };

describe('trainCentralized', () => {
  it('is one seeded trainLocal per epoch from the seeded initial parameters, tested after each', async () => {
    const engine = await createEngine({ backend: 'js' });
    const seen: CentralizedEpoch[] = [];
    const r = await trainCentralized(train, test, { ...recipe, engine, onEpoch: (e) => seen.push(e) });
    // By hand: the velocity restarts each epoch, each epoch's order has its own seed.
    let params = softmax.init(new Random(deriveSeed(4, 0)));
    for (let epoch = 1; epoch <= 3; epoch++) {
      const step = trainLocal(params, train, { ...recipe, epochs: 1, seed: deriveSeed(4, 1, epoch) });
      params = step.params;
      const ev = evaluate(softmax, params, test);
      expect(r.epochs[epoch - 1]).toMatchObject({
        epoch,
        trainLoss: step.loss,
        testAccuracy: ev.accuracy,
        testLoss: ev.loss,
      });
    }
    expect(r.params).toEqual(params);
    expect(seen).toEqual(r.epochs);
    expect(r.trainCount).toBe(800);
    expect(r.testCount).toBe(1000);
    engine.dispose();
  });

  it('learns MNIST digits: the test loss falls every epoch and the accuracy passes 80 % on 800 images', async () => {
    const engine = await createEngine({ backend: 'native' });
    const r = await trainCentralized(train, test, { ...recipe, engine });
    const losses = r.epochs.map((e) => e.testLoss);
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(losses[2]).toBeLessThan(losses[1]!);
    expect(r.epochs[2]!.testAccuracy).toBeGreaterThan(0.8);
    for (const e of r.epochs) expect(e.seconds).toBeGreaterThan(0);
    engine.dispose();
  });

  it('refuses bad options by name, before any training', async () => {
    const engine = await createEngine({ backend: 'js' });
    const run = (o: object) => trainCentralized(train, test, { ...recipe, engine, ...o } as never);
    await expect(run({ epochs: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /options\.epochs/ });
    await expect(run({ epochs: 1.5 })).rejects.toMatchObject({ message: /options\.epochs/ });
    await expect(run({ seed: 0.5 })).rejects.toMatchObject({ message: /options\.seed/ });
    await expect(run({ model: {} })).rejects.toMatchObject({ message: /options\.model/ });
    await expect(run({ onEpoch: 3 })).rejects.toMatchObject({ message: /options\.onEpoch/ });
    await expect(run({ learningRate: -1 })).rejects.toMatchObject({ message: /options\.learningRate/ });
    await expect(run({ epoch: 3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /epoch/ });
    await expect(trainCentralized(train, test, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    engine.dispose();
  });
});
