import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { evaluateOnEngine } from '../../src/fl/engine-evaluation.js';
import { createModel } from '../../src/fl/models.js';
import { evaluate, trainLocal } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { cnnBlobs } from '../support/cnn.js';

const cnn = createModel({ kind: 'cnn', inputs: 64, classes: 3 });
const data = cnnBlobs(120, 3);
const test = cnnBlobs(203, 4);
// Trained a little, so that the logits are not all alike and the accuracy means something.
const params = trainLocal(cnn.init(new Random(2)), data, {
  model: cnn,
  epochs: 1,
  batchSize: 16,
  learningRate: 0.05,
  seed: 5,
}).params;
const reference = evaluate(cnn, params, test, 50);

describe('evaluateOnEngine', () => {
  it.each(['js', 'native'] as const)('tests the CNN on the %s engine as the reference does, to float32', async (b) => {
    const engine = await createEngine({ backend: b });
    // A batch that does not divide the rows: the last one is short.
    const ev = await evaluateOnEngine(engine, cnn, params, test, 50);
    expect(reference.accuracy).toBeGreaterThan(0.5);
    expect(ev.count).toBe(203);
    expect(Math.abs(ev.loss - reference.loss)).toBeLessThan(1e-5 * (1 + reference.loss));
    expect(Math.abs(ev.lossStandardError - reference.lossStandardError)).toBeLessThan(1e-5);
    // float32 logits may flip a near tie, no more.
    expect(Math.abs(ev.accuracy - reference.accuracy)).toBeLessThanOrEqual(1 / 203);
    expect(await evaluateOnEngine(engine, cnn, params, test)).toEqual(
      await evaluateOnEngine(engine, cnn, params, test),
    );
    engine.dispose();
  });

  it('leaves the dense models to the reference, bit for bit', async () => {
    const engine = await createEngine({ backend: 'native' });
    const mlp = createModel({ kind: 'mlp', inputs: 64, hidden: 8, classes: 3 });
    const p = mlp.init(new Random(1));
    expect(await evaluateOnEngine(engine, mlp, p, test)).toEqual(evaluate(mlp, p, test));
    engine.dispose();
  });

  it('refuses bad arguments by name', async () => {
    const engine = await createEngine({ backend: 'js' });
    await expect(evaluateOnEngine(engine, cnn, params.subarray(1), test)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /params/,
    });
    await expect(evaluateOnEngine(engine, cnn, params, test, 0)).rejects.toMatchObject({ message: /batchSize/ });
    await expect(evaluateOnEngine(engine, cnn, params, { x: test.x, y: test.y.subarray(1) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(evaluateOnEngine(engine, {} as never, params, test)).rejects.toMatchObject({ message: /model/ });
    engine.dispose();
  });
});
