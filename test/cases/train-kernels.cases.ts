/**
 * The one table of dense-training kernel cases that every backend runs: dense forward (bias, ReLU), dense backward
 * (dw, db, ReLU-masked dx), softmax cross-entropy, SGD with momentum — each against a float64 loop here — then
 * finite-difference gradient checks through the backend's own kernels, and the training loop (engine.trainDense)
 * against the plain-JS reference path of src/fl (models.ts' lossAndGradient + sgdMomentumStep).
 *
 * Tolerances. GEMM-shaped results: per element 2·k·2^-24·Σ|terms| + 2^-23·|value| (float32 accumulation over k
 * terms, see gemm.cases.ts). Softmax cross-entropy: loss 1e-6·(1 + |loss|), gradients 2e-6/batch absolute (WGSL's
 * exp/log are a few ulp). SGD: 2^-22 relative of the magnitudes involved. Finite differences: central, ε = 1e-3
 * in float64 parameters evaluated through float32 kernels, so |fd − analytic| ≤ 2e-3 + 2e-2·|analytic|.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { denseTrainStepsWith, type DenseKernels } from '../../src/engine/kernels/gemm/reference.js';
import { CocogenError } from '../../src/core/errors.js';
import { createModel, sgdMomentumStep } from '../../src/fl/models.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';
import { uniform } from './gemm.cases.js';

const U = 2 ** -24;

interface DenseShape {
  batch: number;
  inputs: number;
  outputs: number;
}

/** float64 x·w + bias (ReLU optional) and per-element tolerance. */
function denseForward64(x: Float32Array, w: Float32Array, bias: Float32Array, s: DenseShape, relu: boolean) {
  const value = new Float64Array(s.batch * s.outputs);
  const atol = new Float64Array(value.length);
  for (let i = 0; i < s.batch; i++) {
    for (let j = 0; j < s.outputs; j++) {
      let acc = bias[j]!;
      let mag = Math.abs(bias[j]!);
      for (let p = 0; p < s.inputs; p++) {
        const t = x[i * s.inputs + p]! * w[p * s.outputs + j]!;
        acc += t;
        mag += Math.abs(t);
      }
      value[i * s.outputs + j] = relu ? Math.max(acc, 0) : acc;
      atol[i * s.outputs + j] = 2 * (s.inputs + 1) * U * mag + 1e-30;
    }
  }
  return { value, atol };
}

function denseBackward64(x: Float32Array, w: Float32Array, dy: Float32Array, s: DenseShape, reluMask: boolean) {
  const { batch, inputs, outputs } = s;
  const dw = new Float64Array(inputs * outputs);
  const dwTol = new Float64Array(dw.length);
  for (let p = 0; p < inputs; p++) {
    for (let j = 0; j < outputs; j++) {
      let acc = 0;
      let mag = 0;
      for (let i = 0; i < batch; i++) {
        const t = x[i * inputs + p]! * dy[i * outputs + j]!;
        acc += t;
        mag += Math.abs(t);
      }
      dw[p * outputs + j] = acc;
      dwTol[p * outputs + j] = 2 * batch * U * mag + 1e-30;
    }
  }
  const db = new Float64Array(outputs);
  const dbTol = new Float64Array(outputs);
  for (let j = 0; j < outputs; j++) {
    let mag = 0;
    for (let i = 0; i < batch; i++) {
      db[j]! += dy[i * outputs + j]!;
      mag += Math.abs(dy[i * outputs + j]!);
    }
    dbTol[j] = 2 * batch * U * mag + 1e-30;
  }
  const dx = new Float64Array(batch * inputs);
  const dxTol = new Float64Array(dx.length);
  for (let i = 0; i < batch; i++) {
    for (let p = 0; p < inputs; p++) {
      let acc = 0;
      let mag = 0;
      for (let j = 0; j < outputs; j++) {
        const t = dy[i * outputs + j]! * w[p * outputs + j]!;
        acc += t;
        mag += Math.abs(t);
      }
      const masked = reluMask && !(x[i * inputs + p]! > 0);
      dx[i * inputs + p] = masked ? 0 : acc;
      dxTol[i * inputs + p] = 2 * outputs * U * mag + 1e-30;
    }
  }
  return { dw, dwTol, db, dbTol, dx, dxTol };
}

function softmax64(logits: Float32Array, labels: Int32Array, batch: number, classes: number) {
  let total = 0;
  const d = new Float64Array(batch * classes);
  for (let i = 0; i < batch; i++) {
    const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
    const max = Math.max(...row);
    const sum = row.reduce((s, z) => s + Math.exp(z - max), 0);
    total += Math.log(sum) + max - row[labels[i]!]!;
    row.forEach((z, c) => (d[i * classes + c] = (Math.exp(z - max) / sum - (c === labels[i] ? 1 : 0)) / batch));
  }
  return { loss: batch > 0 ? total / batch : 0, d };
}

function labels(seed: number, batch: number, classes: number): Int32Array {
  const rng = new Random(seed);
  return Int32Array.from({ length: batch }, () => Math.floor(rng.next() * classes));
}

/** Kernels of an engine, as the backend-generic training loop wants them. */
function kernelsOf(engine: Engine): DenseKernels {
  return {
    denseForward: (i) => engine.denseForward(i),
    denseBackward: (i) => engine.denseBackward(i),
    softmaxCrossEntropy: (i) => engine.softmaxCrossEntropy(i),
    sgdMomentum: (i) => engine.sgdMomentum(i),
  };
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

const DENSE_SHAPES: (DenseShape & { name: string })[] = [
  { name: '1×1 → 1', batch: 1, inputs: 1, outputs: 1 },
  { name: 'odd 5×7 → 3', batch: 5, inputs: 7, outputs: 3 },
  { name: 'k not a multiple of the tile: 9×70 → 17', batch: 9, inputs: 70, outputs: 17 },
  { name: 'MLP layer 32×784 → 64', batch: 32, inputs: 784, outputs: 64 },
  { name: 'empty batch 0×6 → 4', batch: 0, inputs: 6, outputs: 4 },
];

export function runTrainKernelTable(backend: 'js' | 'native' | 'webgpu', open: () => Promise<Engine>): void {
  describe(`dense-training kernels shared table on ${backend}`, () => {
    let engine: Promise<Engine> | undefined;
    const get = () => (engine ??= open());
    afterAll(async () => (await engine)?.dispose());

    for (const s of DENSE_SHAPES) {
      for (const relu of [false, true]) {
        it(`denseForward ${s.name}${relu ? ' + ReLU' : ''}`, async () => {
          const x = uniform(11 + s.inputs, s.batch * s.inputs);
          const w = uniform(12 + s.outputs, s.inputs * s.outputs, -0.5, 0.5);
          const bias = uniform(13, s.outputs, -0.2, 0.2);
          const y = await (await get()).denseForward({ x, w, bias, ...s, relu });
          const e = denseForward64(x, w, bias, s, relu);
          expectClose(y, e.value, { rtol: 0, atol: e.atol });
        });
      }
      it(`denseBackward ${s.name} (dx ReLU-masked)`, async () => {
        const x = uniform(21 + s.inputs, s.batch * s.inputs); // about half ≤ 0: the mask matters
        const w = uniform(22, s.inputs * s.outputs, -0.5, 0.5);
        const dy = uniform(23, s.batch * s.outputs, -0.1, 0.1);
        const g = await (await get()).denseBackward({ x, w, dy, ...s, reluMask: true });
        const e = denseBackward64(x, w, dy, s, true);
        expectClose(g.dw, e.dw, { rtol: 0, atol: e.dwTol });
        expectClose(g.db, e.db, { rtol: 0, atol: e.dbTol });
        expect(g.dx).not.toBeNull();
        expectClose(g.dx!, e.dx, { rtol: 0, atol: e.dxTol });
      });
    }

    it('denseBackward without dx and without the mask', async () => {
      const s = { batch: 6, inputs: 10, outputs: 3 };
      const x = uniform(31, 60);
      const w = uniform(32, 30);
      const dy = uniform(33, 18);
      const g = await (await get()).denseBackward({ x, w, dy, ...s, reluMask: false, needDx: false });
      expect(g.dx).toBeNull();
      const e = denseBackward64(x, w, dy, s, false);
      expectClose(g.dw, e.dw, { rtol: 0, atol: e.dwTol });
    });

    for (const [name, batch, classes, scale] of [
      ['1 row, 2 classes', 1, 2, 1],
      ['7 rows, 10 classes', 7, 10, 3],
      ['33 rows, 10 classes, logits ±1000 (stability)', 33, 10, 1000],
    ] as const) {
      it(`softmaxCrossEntropy ${name}`, async () => {
        const logits = uniform(41 + batch, batch * classes, -scale, scale);
        const y = labels(42 + batch, batch, classes);
        const out = await (await get()).softmaxCrossEntropy({ logits, labels: y, batch, classes });
        const e = softmax64(logits, y, batch, classes);
        expect(Number.isFinite(out.loss)).toBe(true);
        expect(Math.abs(out.loss - e.loss)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(e.loss)) + 2 * U * scale);
        expectClose(out.dLogits, e.d, { rtol: 0, atol: 2e-6 / batch });
      });
    }

    it('softmaxCrossEntropy takes Uint8Array labels (as the data sets store them)', async () => {
      const logits = uniform(51, 12);
      const out = await (
        await get()
      ).softmaxCrossEntropy({ logits, labels: Uint8Array.of(0, 2, 1), batch: 3, classes: 4 });
      const e = softmax64(logits, Int32Array.of(0, 2, 1), 3, 4);
      expect(Math.abs(out.loss - e.loss)).toBeLessThan(1e-6 * (1 + e.loss));
    });

    it('softmaxCrossEntropy rejects a label out of range', async () => {
      const e = await get();
      await expectError(
        () => e.softmaxCrossEntropy({ logits: new Float32Array(6), labels: Int32Array.of(0, 3), batch: 2, classes: 3 }),
        /class in \[0, 3\) for input\.labels\[1\] but received 3/,
      );
    });

    for (const [name, n, momentum, weightDecay] of [
      ['1 parameter, no momentum', 1, 0, 0],
      ['1000 parameters, μ = 0.9, λ = 1e-4', 1000, 0.9, 1e-4],
      ['50890 parameters (MLP 784-64-10), μ = 0.5', 50890, 0.5, 0],
    ] as const) {
      it(`sgdMomentum ${name}`, async () => {
        const params = uniform(61, n);
        const grad = uniform(62, n, -0.1, 0.1);
        const velocity = uniform(63, n, -0.05, 0.05);
        const p64 = Float64Array.from(params);
        const v64 = Float64Array.from(velocity);
        const lr = 0.05;
        const tolV = new Float64Array(n);
        const tolP = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const g = grad[i]! + weightDecay * p64[i]!;
          v64[i] = momentum * v64[i]! + g;
          tolV[i] = 4 * U * (Math.abs(momentum * velocity[i]!) + Math.abs(grad[i]!) + Math.abs(weightDecay * p64[i]!));
          tolP[i] = 4 * U * (Math.abs(p64[i]!) + Math.abs(lr * v64[i]!)) + lr * tolV[i]!;
          p64[i] = p64[i]! - lr * v64[i]!;
        }
        await (await get()).sgdMomentum({ params, grad, velocity, learningRate: lr, momentum, weightDecay });
        expectClose(velocity, v64, { rtol: 0, atol: tolV });
        expectClose(params, p64, { rtol: 0, atol: tolP });
      });
    }

    it('sgdMomentum rejects momentum ≥ 1 and mismatched lengths', async () => {
      const e = await get();
      const p = new Float32Array(4);
      await expectError(
        () =>
          e.sgdMomentum({
            params: p,
            grad: new Float32Array(4),
            velocity: new Float32Array(4),
            learningRate: 0.1,
            momentum: 1,
          }),
        /number in \[0, 1\) for input\.momentum but received 1/,
      );
      await expectError(
        () => e.sgdMomentum({ params: p, grad: new Float32Array(3), velocity: new Float32Array(4), learningRate: 0.1 }),
        /Float32Array of length 4 \(one per parameter\) for input\.grad/,
      );
    });

    it('denseForward rejects weights of the wrong shape', async () => {
      const e = await get();
      await expectError(
        () =>
          e.denseForward({
            x: new Float32Array(6),
            w: new Float32Array(5),
            bias: new Float32Array(2),
            batch: 2,
            inputs: 3,
            outputs: 2,
            relu: false,
          }),
        /Float32Array of length 6 \(3×2\) for input\.w but received a Float32Array of length 5/,
      );
    });

    // Finite differences through the kernels: the loss L(θ) = mean CE(softmax(f_θ(x))) of a 2-layer ReLU network is
    // evaluated with this backend's denseForward + softmaxCrossEntropy, and its gradient with denseBackward.
    for (const [name, dims, batch] of [
      ['softmax regression 6 → 4', [6, 4], 3],
      ['MLP 6 → 5 → 4 (ReLU)', [6, 5, 4], 3],
      ['MLP 13 → 9 → 3, batch 1', [13, 9, 3], 1],
    ] as const) {
      it(`finite-difference gradient check: ${name}`, async () => {
        const e = await get();
        const x = uniform(71, batch * dims[0]!);
        const y = labels(72, batch, dims[dims.length - 1]!);
        const count = dims.slice(1).reduce((s, d, l) => s + dims[l]! * d + d, 0);
        const params = uniform(73, count, -0.6, 0.6);
        const offsets: number[] = [];
        for (let l = 0, at = 0; l + 1 < dims.length; l++) {
          offsets.push(at);
          at += dims[l]! * dims[l + 1]! + dims[l + 1]!;
        }
        const layer = (p: Float32Array, l: number) => {
          const [din, dout] = [dims[l]!, dims[l + 1]!];
          return {
            w: p.subarray(offsets[l]!, offsets[l]! + din * dout),
            bias: p.subarray(offsets[l]! + din * dout, offsets[l]! + din * dout + dout),
          };
        };
        const forward = async (p: Float32Array) => {
          const acts = [x];
          for (let l = 0; l + 1 < dims.length; l++) {
            const { w, bias } = layer(p, l);
            acts.push(
              await e.denseForward({
                x: acts[l]!,
                w,
                bias,
                batch,
                inputs: dims[l]!,
                outputs: dims[l + 1]!,
                relu: l + 2 < dims.length,
              }),
            );
          }
          return acts;
        };
        // analytic gradient through the kernels
        const acts = await forward(params);
        const sce = await e.softmaxCrossEntropy({
          logits: acts[acts.length - 1]!,
          labels: y,
          batch,
          classes: dims[dims.length - 1]!,
        });
        const grad = new Float64Array(count);
        let delta = sce.dLogits;
        for (let l = dims.length - 2; l >= 0; l--) {
          const { w } = layer(params, l);
          const g = await e.denseBackward({
            x: acts[l]!,
            w,
            dy: delta,
            batch,
            inputs: dims[l]!,
            outputs: dims[l + 1]!,
            reluMask: l > 0,
            needDx: l > 0,
          });
          grad.set(g.dw, offsets[l]!);
          grad.set(g.db, offsets[l]! + dims[l]! * dims[l + 1]!);
          if (g.dx) delta = g.dx;
        }
        // hidden pre-activations must stay clear of the ReLU kink for the check to mean anything
        if (dims.length > 2) {
          const pre = await e.denseForward({
            x,
            ...layer(params, 0),
            batch,
            inputs: dims[0]!,
            outputs: dims[1]!,
            relu: false,
          });
          expect(Math.min(...Array.from(pre, Math.abs))).toBeGreaterThan(5e-3);
        }
        const eps = 1e-3;
        const loss = async (p: Float32Array) => {
          const a = await forward(p);
          return (
            await e.softmaxCrossEntropy({ logits: a[a.length - 1]!, labels: y, batch, classes: dims[dims.length - 1]! })
          ).loss;
        };
        const fd = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          const plus = params.slice();
          const minus = params.slice();
          plus[i] = params[i]! + eps;
          minus[i] = params[i]! - eps;
          fd[i] = ((await loss(plus)) - (await loss(minus))) / (plus[i]! - minus[i]!);
        }
        expectClose(grad, fd, { rtol: 2e-2, atol: 2e-3 });
      });
    }

    it('trainDense (3 epochs, MLP 20 → 8 → 3, batch 4 of 10 samples) matches the plain-JS reference path', async () => {
      const e = await get();
      const dims = [20, 8, 3];
      const model = createModel({ kind: 'mlp', inputs: 20, hidden: 8, classes: 3 });
      const initial = model.init(new Random(5));
      const n = 10;
      const x = uniform(81, n * 20, 0, 1);
      const y = labels(82, n, 3);
      const rng = new Random(83);
      const order = new Int32Array(3 * n);
      for (let ep = 0; ep < 3; ep++) {
        const perm = Int32Array.from({ length: n }, (_, i) => i);
        rng.shuffle(perm);
        order.set(perm, ep * n);
      }
      const sgd = { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 };
      // reference: models.ts loss/gradient + sgdMomentumStep, batch by batch
      const ref = initial.slice();
      const refVelocity = new Float32Array(ref.length);
      const grad = new Float32Array(ref.length);
      const refLosses: number[] = [];
      for (let s = 0; s < order.length; s += 4) {
        const epochEnd = (Math.floor(s / n) + 1) * n;
        const rows = order.subarray(s, Math.min(s + 4, epochEnd));
        const xb = new Float32Array(rows.length * 20);
        rows.forEach((r, j) => xb.set(x.subarray(r * 20, (r + 1) * 20), j * 20));
        const yb = Int32Array.from(rows, (r) => y[r]!);
        refLosses.push(model.lossAndGradient(ref, xb, yb, rows.length, grad));
        sgdMomentumStep(ref, grad, refVelocity, sgd);
        if (s + 4 > epochEnd) s = epochEnd - 4;
      }
      const params = initial.slice();
      const { losses } = await e.trainDense({ dims, params, x, labels: y, order, epochRows: n, batchSize: 4, ...sgd });
      expect(losses.length).toBe(refLosses.length); // 3 epochs × ⌈10/4⌉ batches
      expectClose(losses, refLosses, { rtol: 1e-4, atol: 1e-5 });
      expectClose(params, ref, { rtol: 1e-3, atol: 1e-5 });
      if (backend === 'js') expect(Array.from(params)).toEqual(Array.from(ref)); // the same loops, bit for bit

      // and engine.trainDense equals the same kernels called one by one (one native call runs the same sequence)
      const again = initial.slice();
      const stepwise = await denseTrainStepsWith(kernelsOf(e), {
        dims,
        params: again,
        velocity: new Float32Array(again.length),
        x,
        labels: y,
        order,
        epochRows: n,
        batchSize: 4,
        ...sgd,
      });
      if (backend === 'webgpu') {
        expectClose(again, params, { rtol: 1e-5, atol: 1e-6 });
      } else {
        expect(Array.from(again)).toEqual(Array.from(params));
        expect(Array.from(stepwise)).toEqual(Array.from(losses));
      }
    });

    it('trainDense rejects an out-of-range sample index and bad dims', async () => {
      const e = await get();
      const base = {
        params: new Float32Array(15),
        x: new Float32Array(8),
        labels: Int32Array.of(0, 1),
        batchSize: 2,
        learningRate: 0.1,
      };
      await expectError(
        () => e.trainDense({ ...base, dims: [4, 3], order: Int32Array.of(0, 2) }),
        /index in \[0, 2\) for input\.order\[1\] but received 2/,
      );
      await expectError(
        () => e.trainDense({ ...base, dims: [4], order: Int32Array.of(0) }),
        /array of ≥ 2 layer widths for input\.dims/,
      );
    });
  });
}
