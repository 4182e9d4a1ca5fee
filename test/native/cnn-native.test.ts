/**
 * The fused CNN training loop's portable path: under COCOGEN_NATIVE_ISA=scalar (a child process, the variable is
 * read once) the addon trains the model's network (16 and 32 channels, the AVX-512 kernels' shape elsewhere) with
 * its scalar loops, and lands within float32 accumulation of the reference loop.
 */
import { describe, expect, it } from 'vitest';
import { cnnTrainStepsWith, JS_CNN_KERNELS } from '../../src/engine/kernels/cnn/reference.js';
import { CNN_TOLERANCE } from '../support/cnn.js';
import { expectClose } from '../support/expect-close.js';
import { addon, runInChild } from './native-addon.js';

// 8×8 images, 3 classes, the src/fl CNN's layers: 24 rows in batches of 10 (a short last batch).
const SETUP = `
  const network = Int32Array.of(8, 5, 2, 2, 3, 16, 32);
  const count = 400 + 16 + 12800 + 32 + 128 * 3 + 3;
  let s = 7;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const params = Float32Array.from({ length: count }, (_, i) => (next() - 0.5) * (i < 416 ? 0.6 : 0.15));
  const x = Float32Array.from({ length: 24 * 64 }, next);
  const labels = Int32Array.from({ length: 24 }, (_, i) => i % 3);
  const order = Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 24);
`;

describe.skipIf(addon === undefined)('the fused CNN training loop without SIMD', () => {
  it('trains within float32 accumulation of the reference under COCOGEN_NATIVE_ISA=scalar (child process)', async () => {
    const result = runInChild(
      `${SETUP}
      const velocity = new Float32Array(count);
      const losses = new Float64Array(3);
      const init = params.slice();
      await addon.cnnTrainSteps(network, params, velocity, x, labels, order, 24, 10, 0.05, 0.9, 1e-4, losses);
      console.log(JSON.stringify({ simd: addon.buildInfo().simd, init: Array.from(init), x: Array.from(x),
        params: Array.from(params), losses: Array.from(losses) }));
    `,
      { COCOGEN_NATIVE_ISA: 'scalar' },
    ) as { simd: string[]; init: number[]; x: number[]; params: number[]; losses: number[] };
    expect(result.simd).toEqual(['scalar']);
    const params = Float32Array.from(result.init);
    const velocity = new Float32Array(params.length);
    const losses = await cnnTrainStepsWith(JS_CNN_KERNELS, {
      network: { side: 8, channels: [16, 32], kernel: 5, padding: 2, pool: 2, classes: 3 },
      params,
      velocity,
      x: Float32Array.from(result.x),
      labels: Int32Array.from({ length: 24 }, (_, i) => i % 3),
      order: Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 24),
      epochRows: 24,
      batchSize: 10,
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 1e-4,
    });
    expectClose(result.params, params, CNN_TOLERANCE);
    expectClose(result.losses, losses, { rtol: 1e-5, atol: 1e-6 });
  });
});
