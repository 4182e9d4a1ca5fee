/**
 * Local training of the CNN on the webgpu engine's conv, pool and dense kernels against the reference trainLocal:
 * within float32 accumulation, and reproducible from the seed. Never skipped in CI (a missing adapter fails).
 */
import { describe, expect, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { createEngine } from '../../src/engine/engine.js';
import { createModel } from '../../src/fl/models.js';
import { trainLocal } from '../../src/fl/train.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';
import { cnnBlobs, CNN_TOLERANCE } from '../support/cnn.js';

const probe = await probeGpu();
if (probe.available) {
  describe('trainLocal of the cnn on webgpu', () => {
    it('agrees with the reference (2 epochs, a short last batch) and is reproducible', async () => {
      const engine = await createEngine({ backend: 'webgpu' });
      const model = createModel({ kind: 'cnn', inputs: 64, classes: 3 });
      const data = cnnBlobs(40, 7);
      const options = { model, epochs: 2, batchSize: 16, learningRate: 0.05, weightDecay: 1e-4, seed: 9 };
      const init = model.init(new Random(1));
      const a = trainLocal(init, data, options);
      const b = await trainLocal(init, data, { ...options, engine });
      expectClose(b.params, a.params, CNN_TOLERANCE);
      expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-4);
      expect((await trainLocal(init, data, { ...options, engine })).params).toEqual(b.params);
      engine.dispose();
    });
  });
} else if (process.env.CI === 'true') {
  describe('trainLocal of the cnn on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`trainLocal of the cnn on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
