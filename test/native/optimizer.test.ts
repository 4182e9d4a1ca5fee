/**
 * Server optimizers: the reference vs float64 formulas, and what is native's own (threads, addon memory, the export's
 * checks). The shared table, where the fused kernel equals the plain-TS reference bit for bit, runs with the others
 * (test/native/kernels-native.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { FedAdam, FedAvgM, FedYogi, serverOptimizerStepReference } from '../../src/engine/server-optimizer.js';
import { serverOptimizerCases, type ServerOptimizerCase } from '../cases/server-optimizer.cases.js';
import { expectClose } from '../support/expect-close.js';
import { addon, expectCocogenError, native, seeded } from './native-addon.js';

const CLASSES = { FedAvgM, FedAdam, FedYogi };

async function run(c: ServerOptimizerCase, backend: 'native' | 'js'): Promise<{ x: Float32Array; m: Float32Array }> {
  const opt = new CLASSES[c.kind]({ length: c.length, backend, ...c.options });
  const x = seeded(c.length + 3, c.length);
  for (let r = 0; r < c.rounds; r++) await opt.step(x, c.delta(r));
  const m = Float32Array.from(opt.momentum);
  opt.dispose();
  return { x, m };
}

describe('server optimizer reference', () => {
  it('matches the float64 formulas of Reddi et al. for one step', () => {
    const delta = Float32Array.of(0.5, -0.25, 0, 2);
    const params = { beta1: 0.9, beta2: 0.99, eta: 0.1, tau: 1e-3 };
    for (const kind of [0, 1, 2] as const) {
      const x = Float32Array.of(1, 2, 3, 4);
      const m = Float32Array.of(0.1, 0.1, 0.1, 0.1);
      const v = Float32Array.of(0.5, 0.01, 0.2, 1);
      const expected = Array.from(x, (xi, i) => {
        const d = delta[i]!;
        if (kind === 0) return xi + params.eta * (params.beta1 * m[i]! + d);
        const mi = params.beta1 * m[i]! + (1 - params.beta1) * d;
        const vi =
          kind === 1
            ? params.beta2 * v[i]! + (1 - params.beta2) * d * d
            : v[i]! - (1 - params.beta2) * d * d * Math.sign(v[i]! - d * d);
        return xi + (params.eta * mi) / (Math.sqrt(vi) + params.tau);
      });
      serverOptimizerStepReference(kind, x, delta, m, kind === 0 ? null : v, params);
      expectClose(x, expected, { rtol: 1e-6 });
    }
  });

  it('runs without the addon on backend js and guards dispose', async () => {
    const opt = new FedYogi({ length: 4, backend: 'js' });
    await opt.step(new Float32Array(4), Float32Array.of(1, 2, 3, 4));
    expect(opt.momentum[3]).toBeCloseTo(0.4, 6);
    opt.dispose();
    opt.dispose();
    await expect(opt.step(new Float32Array(4), new Float32Array(4))).rejects.toThrow(/dispose/);
    expect(() => new FedAdam({ length: 4, beta1: 1 })).toThrow(/options\.beta1/);
    await expect(
      new FedAvgM({ length: 4, backend: 'js' }).step(new Float32Array(3), new Float32Array(4)),
    ).rejects.toThrow(/global/);
  });
});

// The shared table runs on native with the others (test/native/kernels-native.test.ts).
describe.skipIf(!addon)('native server optimizer kernel', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => native().setThreads(threads));

  it('gives the same bits on one thread as on all of them', async () => {
    const c = serverOptimizerCases.find((k) => k.kind === 'FedYogi' && k.length === 1037)!;
    const many = await run(c, 'native');
    native().setThreads(1);
    expect(Array.from((await run(c, 'native')).x)).toEqual(Array.from(many.x));
  });

  it('keeps its state in native memory and frees it on dispose, with or without an engine', async () => {
    const engine = await createEngine({ backend: 'native' });
    for (const options of [{}, { engine }]) {
      const before = native().allocatedBytes();
      const opt = new FedAdam({ length: 1000, ...options });
      expect(native().allocatedBytes() - before).toBe(8000);
      opt.dispose();
      expect(native().allocatedBytes()).toBe(before);
    }
    engine.dispose();
  });

  it('rejects overlapping or mis-sized arrays in the export', async () => {
    const a = new Float32Array(16);
    await expectCocogenError(
      () =>
        native().serverOptimizerStep(
          1,
          a.subarray(0, 8),
          a.subarray(4, 12),
          new Float32Array(8),
          new Float32Array(8),
          0.9,
          0.99,
          1,
          1e-3,
        ),
      'INVALID_ARGUMENT',
      /delta/,
    );
    await expectCocogenError(
      () =>
        native().serverOptimizerStep(
          2,
          new Float32Array(8),
          new Float32Array(7),
          new Float32Array(8),
          new Float32Array(8),
          0.9,
          0.99,
          1,
          1e-3,
        ),
      'INVALID_ARGUMENT',
      /length 8/,
    );
  });
});
