/**
 * The CNN model (src/fl/models.ts): its layout, a finite-difference check of its float64 reference gradient, and
 * local training on the engines' conv, pool and dense kernels against the reference path: bit-identical on js,
 * within float32 accumulation on native (the WebGPU tier is test/gpu/cnn-training-webgpu.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { CocogenError } from '../../src/core/errors.js';
import { createEngine } from '../../src/engine/engine.js';
import { cnnGeometry, createModel } from '../../src/fl/models.js';
import { evaluate, trainLocal } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';
import { cnnBlobs, CNN_TOLERANCE } from '../support/cnn.js';

const hasAddon = loadAddon().ok;
// An 8×8 image: 8→4→2, dense 32·2·2 → 3.
const cnn = createModel({ kind: 'cnn', inputs: 64, classes: 3 });

describe('the cnn model', () => {
  it('lays its parameters out as W1 | b1 | W2 | b2 | W3 | b3', () => {
    expect(cnnGeometry(cnn).layout).toEqual({ w1: 0, b1: 400, w2: 416, b2: 13216, w3: 13248, b3: 13632, end: 13635 });
    expect(cnn.parameterCount).toBe(13635);
    expect(cnn.hidden).toBe(0);
    expect(createModel({ kind: 'cnn', inputs: 784, classes: 10 }).parameterCount).toBe(416 + 12832 + 1568 * 10 + 10);
  });

  it('starts at seeded He-normal weights and zero biases', () => {
    const a = cnn.init(new Random(3));
    expect(cnn.init(new Random(3))).toEqual(a);
    const { layout: at } = cnnGeometry(cnn);
    expect(a.subarray(at.b1, at.w2).every((v) => v === 0)).toBe(true);
    expect(a.subarray(at.b3).every((v) => v === 0)).toBe(true);
    const w2 = a.subarray(at.w2, at.b2);
    const sd = Math.sqrt(w2.reduce((s, v) => s + v * v, 0) / w2.length);
    expect(Math.abs(sd / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.05);
  });

  it('has a float64 gradient that matches central finite differences (60 seeded parameters, every block)', () => {
    const rng = new Random(11);
    const batch = 3;
    const params = Float64Array.from(cnn.init(new Random(5)));
    // Non-zero biases, so that the bias gradients are exercised away from the init.
    for (let i = 0; i < params.length; i++) params[i]! += 0.05 * rng.normal();
    const x = Float64Array.from({ length: batch * 64 }, () => rng.next());
    const y = Uint8Array.of(0, 2, 1);
    const grad = new Float64Array(params.length);
    cnn.lossAndGradient(params, x, y, batch, grad);
    const { layout: at } = cnnGeometry(cnn);
    const picks: number[] = [];
    const blocks = [at.w1, at.b1, at.w2, at.b2, at.w3, at.b3, at.end];
    for (let k = 0; k < 6; k++) {
      for (let j = 0; j < 10; j++) picks.push(blocks[k]! + Math.floor(rng.next() * (blocks[k + 1]! - blocks[k]!)));
    }
    const scratch = new Float64Array(params.length);
    const h = 1e-6;
    const numeric = picks.map((i) => {
      const save = params[i]!;
      params[i] = save + h;
      const up = cnn.lossAndGradient(params, x, y, batch, scratch);
      params[i] = save - h;
      const down = cnn.lossAndGradient(params, x, y, batch, scratch);
      params[i] = save;
      return (up - down) / (2 * h);
    });
    expectClose(
      picks.map((i) => grad[i]!),
      numeric,
      { rtol: 1e-5, atol: 1e-8 },
    );
    expect(numeric.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });

  it('gives float32 logits close to its float64 logits', () => {
    const p = cnn.init(new Random(2));
    const x = cnnBlobs(4, 1).x;
    expectClose(cnn.logits(p, x, 4), cnn.logits(Float64Array.from(p), Float64Array.from(x), 4), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    expect(cnn.logits(p, new Float32Array(0), 0)).toEqual(new Float32Array(0));
  });

  it('refuses a non-square input, a side under 4 and a hidden size, naming the field', () => {
    const bad = (spec: object, field: string) => {
      expect(() => createModel(spec as never)).toThrow(CocogenError);
      expect(() => createModel(spec as never)).toThrow(field);
    };
    bad({ kind: 'cnn', inputs: 63, classes: 3 }, 'spec.inputs');
    bad({ kind: 'cnn', inputs: 9, classes: 3 }, 'spec.inputs');
    bad({ kind: 'cnn', inputs: 64, classes: 3, hidden: 8 }, 'spec.hidden');
    bad({ kind: 'softmax', inputs: 64, classes: 3, hidden: 8 }, 'spec.hidden');
    bad({ kind: 'cnnx', inputs: 64, classes: 3 }, "'softmax', 'mlp' or 'cnn'");
    expect(() => cnnGeometry(createModel({ kind: 'softmax', inputs: 4, classes: 2 }))).toThrow('model');
    expect(() =>
      cnn.lossAndGradient(cnn.init(new Random(1)), new Float32Array(64), [0], 1, new Float32Array(3)),
    ).toThrow('grad');
  });
});

describe('trainLocal of the cnn on an engine', () => {
  const data = cnnBlobs(40, 7);
  const options = { model: cnn, epochs: 2, batchSize: 16, learningRate: 0.05, weightDecay: 1e-4, seed: 9 };

  it('is bit-identical to the reference trainLocal on the js engine (2 epochs, a short last batch)', async () => {
    const engine = await createEngine({ backend: 'js' });
    const init = cnn.init(new Random(1));
    const a = trainLocal(init, data, options);
    const b = await trainLocal(init, data, { ...options, engine });
    expect(b.params).toEqual(a.params);
    expect(b.loss).toBe(a.loss);
    expect([a.steps, b.steps]).toEqual([6, 6]);
    // It learned something: the loss went down from ln 3.
    expect(a.loss).toBeLessThan(Math.log(3));
    engine.dispose();
  });

  it('is reproducible from the seed, and the seed matters', () => {
    const init = cnn.init(new Random(1));
    const a = trainLocal(init, data, options);
    expect(trainLocal(init, data, options).params).toEqual(a.params);
    expect(trainLocal(init, data, { ...options, seed: 10 }).params).not.toEqual(a.params);
  });

  it.skipIf(!hasAddon)('agrees with the reference on the native engine, reproducibly', async () => {
    const engine = await createEngine({ backend: 'native' });
    const init = cnn.init(new Random(1));
    const a = trainLocal(init, data, options);
    const b = await trainLocal(init, data, { ...options, engine });
    expectClose(b.params, a.params, CNN_TOLERANCE);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-4);
    expect((await trainLocal(init, data, { ...options, engine })).params).toEqual(b.params);
    engine.dispose();
  });
});

describe('evaluate on an engine', () => {
  const data = cnnBlobs(700, 3); // past one 500-row batch and one 256-image forward
  const mlp = createModel({ kind: 'mlp', inputs: 64, hidden: 7, classes: 3 });

  it('equals the reference evaluate on the js engine (cnn and mlp), and refuses unknown options', async () => {
    const engine = await createEngine({ backend: 'js' });
    for (const model of [cnn, mlp]) {
      const params = model.init(new Random(4));
      expect(await evaluate(model, params, data, { engine })).toEqual(evaluate(model, params, data));
      expect(await evaluate(model, params, data, { engine, batchSize: 64 })).toEqual(evaluate(model, params, data, 64));
    }
    expect(() => evaluate(cnn, cnn.init(new Random(4)), data, { engine, batch: 3 } as never)).toThrow('options.batch');
    engine.dispose();
  });

  it.skipIf(!hasAddon)('agrees with the reference evaluate on the native engine', async () => {
    const engine = await createEngine({ backend: 'native' });
    const init = cnn.init(new Random(1));
    const { params } = trainLocal(init, data, { model: cnn, epochs: 1, batchSize: 32, learningRate: 0.05, seed: 2 });
    for (const model of [cnn, mlp]) {
      const p = model === cnn ? params : mlp.init(new Random(4));
      const a = evaluate(model, p, data);
      const b = await evaluate(model, p, data, { engine });
      expect(b.count).toBe(700);
      expect(Math.abs(b.accuracy - a.accuracy)).toBeLessThanOrEqual(2 / 700); // a near-tie may flip
      expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-5 * (1 + a.loss));
    }
    engine.dispose();
  });
});
