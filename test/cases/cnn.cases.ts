/**
 * The one table of the fused CNN kernels that every backend runs. engine.trainCnn: each case trains from
 * seeded parameters over a seeded order and is compared with the reference loop (cnnTrainStepsWith on the reference
 * kernels, run here): bit-identical on js, within CNN_TOLERANCE (float32 accumulation over a few momentum steps,
 * test/support/cnn.ts) on native and WebGPU. The cases cover batch 1, a short last batch, several epochs, channel
 * counts that are and are not multiples of 16 (native's vector and scalar paths), odd map sides (floor-mode pools)
 * and three conv layers. engine.cnnLogits: the logits of 300 images (past one 256-image forward) against the
 * reference loop, within the forward's float32 bound (2⁻¹⁵ relative: L ≤ 400 products per conv output, three layers).
 * Then the argument checks, and on native the same bits on 1 and 3 threads.
 */
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import type { Engine } from '../../src/engine/engine.js';
import { cnnLayers, type CnnNetwork } from '../../src/engine/kernels/cnn/contract.js';
import { cnnLogitsWith, cnnTrainStepsWith, JS_CNN_KERNELS } from '../../src/engine/kernels/cnn/reference.js';
import { cnnGeometry, createModel } from '../../src/fl/models.js';
import { Random } from '../../src/util/random.js';
import { CNN_TOLERANCE } from '../support/cnn.js';
import { expectClose } from '../support/expect-close.js';
import type { OpenEngine } from './tables.js';

interface CnnCase {
  name: string;
  network: CnnNetwork;
  samples: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

const MODEL_NET = { channels: [16, 32], kernel: 5, padding: 2, pool: 2 } as const;

const CASES: CnnCase[] = [
  {
    name: "the model's network on 8×8, 2 epochs of 40 rows in batches of 16 (a short last batch)",
    network: { side: 8, classes: 3, ...MODEL_NET },
    samples: 40,
    epochs: 2,
    batchSize: 16,
    seed: 1,
  },
  {
    name: 'batch 1 (every step one sample), 6 rows',
    network: { side: 8, classes: 3, ...MODEL_NET },
    samples: 6,
    epochs: 1,
    batchSize: 1,
    seed: 2,
  },
  {
    name: 'channels 3 and 5 (not multiples of 16), 3×3 kernel, odd sides 9 → 4 → 2, batch 7 of 10',
    network: { side: 9, channels: [3, 5], kernel: 3, padding: 1, pool: 2, classes: 4 },
    samples: 10,
    epochs: 1,
    batchSize: 7,
    seed: 3,
  },
  {
    name: 'three conv layers [16, 16, 32], 2×2 kernels, no padding, 16 → 7 → 3 → 1, batch 5 of 9',
    network: { side: 16, channels: [16, 16, 32], kernel: 2, padding: 0, pool: 2, classes: 2 },
    samples: 9,
    epochs: 1,
    batchSize: 5,
    seed: 4,
  },
  {
    name: 'one conv layer of 32 channels, pool 3 on 11×11 (11 → 3), batch 4 of 12',
    network: { side: 11, channels: [32], kernel: 5, padding: 2, pool: 3, classes: 5 },
    samples: 12,
    epochs: 1,
    batchSize: 4,
    seed: 5,
  },
];

/** Seeded He-normal weights (biases small and non-zero), images, labels and a shuffled order per epoch. */
function problem(c: CnnCase) {
  const rng = new Random(c.seed);
  const net = cnnLayers(c.network, 1);
  const params = new Float32Array(net.end);
  for (const layer of net.layers) {
    const fanIn = layer.conv.channels * c.network.kernel * c.network.kernel;
    for (let i = layer.w; i < layer.b; i++) params[i] = rng.normal() * Math.sqrt(2 / fanIn);
    for (let i = layer.b; i < layer.b + layer.conv.outChannels; i++) params[i] = 0.05 * rng.normal();
  }
  for (let i = net.w; i < net.end; i++) params[i] = rng.normal() * Math.sqrt(1 / net.flat);
  const d = c.network.side * c.network.side;
  const labels = Int32Array.from({ length: c.samples }, (_, i) => i % c.network.classes);
  // Each class lights its own band of rows, plus noise: a problem the steps make progress on.
  const x = new Float32Array(c.samples * d);
  for (let i = 0; i < c.samples; i++) {
    for (let p = 0; p < d; p++) {
      const band = Math.floor((Math.floor(p / c.network.side) * c.network.classes) / c.network.side);
      x[i * d + p] = (band === labels[i] ? 1 : 0) + 0.3 * rng.normal();
    }
  }
  const perm = Int32Array.from({ length: c.samples }, (_, i) => i);
  const order = new Int32Array(c.epochs * c.samples);
  for (let e = 0; e < c.epochs; e++) {
    rng.shuffle(perm);
    order.set(perm, e * c.samples);
  }
  const sgd = { learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4 };
  return { params, x, labels, order, epochRows: c.samples, batchSize: c.batchSize, ...sgd };
}

async function reference(c: CnnCase) {
  const p = problem(c);
  const params = p.params.slice();
  const velocity = new Float32Array(params.length);
  const losses = await cnnTrainStepsWith(JS_CNN_KERNELS, { network: c.network, ...p, params, velocity });
  return { params, velocity, losses };
}

async function expectError(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CocogenError);
  expect((caught as CocogenError).code).toBe('INVALID_ARGUMENT');
  expect((caught as CocogenError).message).toMatch(message);
}

export function runCnnTrainTable(backend: 'js' | 'native' | 'webgpu', open: () => Promise<Engine>): void {
  describe(`CNN training loop shared table on ${backend}`, () => {
    let engine: Promise<Engine> | undefined;
    const get = () => (engine ??= open());
    afterAll(async () => (await engine)?.dispose());

    for (const c of CASES) {
      it(`trainCnn — ${c.name}`, async () => {
        const e = await get();
        const p = problem(c);
        const x = p.x.slice();
        const velocity = new Float32Array(p.params.length);
        const { losses } = await e.trainCnn({ network: c.network, ...p, velocity });
        const truth = await reference(c);
        const steps = c.epochs * Math.ceil(c.samples / c.batchSize);
        expect(losses).toHaveLength(steps);
        if (backend === 'js') {
          expect(p.params).toEqual(truth.params);
          expect(velocity).toEqual(truth.velocity);
          expect(losses).toEqual(truth.losses);
        } else {
          expectClose(p.params, truth.params, CNN_TOLERANCE);
          expectClose(velocity, truth.velocity, { rtol: 1e-4, atol: 1e-4 });
          expectClose(losses, truth.losses, { rtol: 1e-5, atol: 1e-6 });
        }
        expect(p.x).toEqual(x); // the images untouched
        expect(p.params.every(Number.isFinite)).toBe(true);
      });
    }

    for (const c of [CASES[0]!, CASES[2]!, CASES[3]!]) {
      it(`cnnLogits — 300 images, ${c.name.split(',')[0]}`, async () => {
        const e = await get();
        const p = problem({ ...c, samples: 300 });
        const logits = await e.cnnLogits({ network: c.network, params: p.params, x: p.x });
        const truth = await cnnLogitsWith(JS_CNN_KERNELS, { network: c.network, params: p.params, x: p.x });
        expect(logits).toHaveLength(300 * c.network.classes);
        if (backend === 'js') expect(logits).toEqual(truth);
        else expectClose(logits, truth, { rtol: 2 ** -15, atol: 1e-5 });
        // Each image's logits are its own: the first image alone gives the same.
        const d = c.network.side * c.network.side;
        const one = await e.cnnLogits({ network: c.network, params: p.params, x: p.x.subarray(0, d) });
        expect(one).toEqual(logits.subarray(0, c.network.classes));
      });
    }

    it('cnnLogits of no images is empty, and bad input is INVALID_ARGUMENT naming the argument', async () => {
      const e = await get();
      const c = CASES[0]!;
      const p = problem(c);
      expect(await e.cnnLogits({ network: c.network, params: p.params, x: new Float32Array(0) })).toEqual(
        new Float32Array(0),
      );
      await expectError(
        () => e.cnnLogits({ network: c.network, params: p.params, x: new Float32Array(63) }),
        /input\.x/,
      );
      await expectError(
        () => e.cnnLogits({ network: c.network, params: new Float32Array(1), x: p.x }),
        /input\.params/,
      );
      await expectError(
        () => e.cnnLogits({ network: { ...c.network, kernel: 20 }, params: p.params, x: p.x }),
        /input\.network/,
      );
      await expectError(() => e.cnnLogits({ network: c.network, params: p.params, x: p.x, y: 1 } as never), /input\.y/);
    });

    it("trainCnn on the src/fl CNN's network takes its parameter layout", async () => {
      const model = createModel({ kind: 'cnn', inputs: 784, classes: 10 });
      const { network, layout } = cnnGeometry(model);
      const net = cnnLayers(network, 1);
      expect([net.layers[0]!.w, net.layers[0]!.b, net.layers[1]!.w, net.layers[1]!.b, net.w, net.b, net.end]).toEqual([
        layout.w1,
        layout.b1,
        layout.w2,
        layout.b2,
        layout.w3,
        layout.b3,
        layout.end,
      ]);
      expect(net.end).toBe(model.parameterCount);
      // Defaults: velocity zeros, epochRows the whole order, momentum and weightDecay 0.
      const e = await get();
      const c = CASES[1]!;
      const p = problem(c);
      const { losses } = await e.trainCnn({
        network: c.network,
        params: p.params,
        x: p.x,
        labels: Uint8Array.from(p.labels),
        order: p.order,
        batchSize: 2,
        learningRate: 0.05,
      });
      expect(losses).toHaveLength(3);
    });

    it('trainCnn refuses bad input with INVALID_ARGUMENT naming the argument', async () => {
      const e = await get();
      const c = CASES[0]!;
      const p = problem(c);
      const base = { network: c.network, ...p };
      await expectError(() => e.trainCnn({ ...base, extra: 1 } as never), /input\.extra/);
      await expectError(
        () => e.trainCnn({ ...base, network: { ...c.network, padding: 5 } }),
        /input\.network\.padding/,
      );
      await expectError(() => e.trainCnn({ ...base, network: { ...c.network, pool: 9 } }), /input\.network\.pool/);
      await expectError(
        () => e.trainCnn({ ...base, network: { ...c.network, channels: [] } }),
        /input\.network\.channels/,
      );
      await expectError(
        () => e.trainCnn({ ...base, network: { ...c.network, channels: [16, 0] } }),
        /input\.network\.channels\[1\]/,
      );
      await expectError(
        () => e.trainCnn({ ...base, network: { ...c.network, depth: 2 } as never }),
        /input\.network\.depth/,
      );
      await expectError(() => e.trainCnn({ ...base, params: new Float32Array(3) }), /input\.params/);
      await expectError(() => e.trainCnn({ ...base, velocity: p.params }), /input\.velocity/);
      await expectError(() => e.trainCnn({ ...base, x: new Float32Array(65) }), /input\.x/);
      await expectError(
        () => e.trainCnn({ ...base, labels: Int32Array.from(p.labels, () => 3) }),
        /input\.labels\[0\]/,
      );
      await expectError(() => e.trainCnn({ ...base, order: Int32Array.of(0, 40) }), /input\.order\[1\]/);
      await expectError(() => e.trainCnn({ ...base, batchSize: 0 }), /input\.batchSize/);
      await expectError(() => e.trainCnn({ ...base, learningRate: NaN }), /input\.learningRate/);
      await expectError(() => e.trainCnn({ ...base, momentum: 1 }), /input\.momentum/);
      expect(p.params).toEqual(problem(c).params); // nothing trained on refused input
    });
  });
}

/** Native only: the fused loop gives the same bits on 1 and 3 threads. */
export function runCnnTrainNativeChecks(open: OpenEngine): void {
  describe('CNN training loop on native: bit-identical for any thread count', () => {
    afterAll(async () => (await open({ threads: availableParallelism() })).dispose());

    it('trainCnn and cnnLogits give the same bits on 1 and 3 threads', async () => {
      const runs: Float32Array[] = [];
      const losses: Float64Array[] = [];
      const logits: Float32Array[] = [];
      for (const threads of [1, 3]) {
        const e = await open({ threads });
        for (const c of [CASES[0]!, CASES[3]!]) {
          const p = problem(c);
          losses.push((await e.trainCnn({ network: c.network, ...p })).losses);
          runs.push(p.params);
          logits.push(await e.cnnLogits({ network: c.network, params: p.params, x: p.x }));
        }
        e.dispose();
      }
      expect(logits[2]).toEqual(logits[0]);
      expect(logits[3]).toEqual(logits[1]);
      expect(runs[2]).toEqual(runs[0]);
      expect(runs[3]).toEqual(runs[1]);
      expect(losses[2]).toEqual(losses[0]);
      expect(losses[3]).toEqual(losses[1]);
    });
  });
}
