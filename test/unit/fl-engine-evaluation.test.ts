import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { evaluateWhereTrained } from '../../src/fl/engine-evaluation.js';
import { createModel } from '../../src/fl/models.js';
import { evaluate, trainLocal } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { cnnBlobs } from '../support/cnn.js';

const cnn = createModel({ kind: 'cnn', inputs: 64, classes: 3 });
const test = cnnBlobs(203, 4);
// Trained a little, so that the logits are not all alike and the accuracy means something.
const params = trainLocal(cnn.init(new Random(2)), cnnBlobs(120, 3), {
  model: cnn,
  epochs: 1,
  batchSize: 16,
  learningRate: 0.05,
  seed: 5,
}).params;
const reference = evaluate(cnn, params, test);

describe('evaluateWhereTrained', () => {
  it("tests the CNN on a native engine's forward, to float32 of the reference", async () => {
    const engine = await createEngine({ backend: 'native' });
    const ev = await evaluateWhereTrained(engine, cnn, params, test);
    expect(reference.accuracy).toBeGreaterThan(0.5);
    expect(ev).toEqual(await evaluate(cnn, params, test, { engine }));
    expect(ev).not.toEqual(reference); // float32 logits: the engine's, not the reference's
    expect(Math.abs(ev.loss - reference.loss)).toBeLessThan(1e-5 * (1 + reference.loss));
    expect(Math.abs(ev.accuracy - reference.accuracy)).toBeLessThanOrEqual(1 / 203);
    engine.dispose();
  });

  it('keeps the reference on the js engine, and for the dense models on any engine', async () => {
    const js = await createEngine({ backend: 'js' });
    expect(await evaluateWhereTrained(js, cnn, params, test)).toEqual(reference);
    js.dispose();
    const native = await createEngine({ backend: 'native' });
    const mlp = createModel({ kind: 'mlp', inputs: 64, hidden: 8, classes: 3 });
    const p = mlp.init(new Random(1));
    expect(await evaluateWhereTrained(native, mlp, p, test)).toEqual(evaluate(mlp, p, test));
    native.dispose();
  });

  it('refuses bad arguments by name', async () => {
    const engine = await createEngine({ backend: 'native' });
    await expect(evaluateWhereTrained(engine, cnn, params.subarray(1), test)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /params/,
    });
    await expect(evaluateWhereTrained(engine, cnn, params, { x: test.x, y: test.y.subarray(1) })).rejects.toMatchObject(
      { code: 'INVALID_ARGUMENT' },
    );
    await expect(evaluateWhereTrained(engine, {} as never, params, test)).rejects.toMatchObject({ message: /model/ });
    engine.dispose();
  });
});
