/**
 * Server optimizers on WebGPU (kernels/server-optimizer.wgsl): the shared table that js and native run
 * (test/cases/server-optimizer.cases.ts) on a WebGPU engine, then what is WebGPU's own: m and v resident in the
 * device's buffers for the optimizer's life (counted by the buffer pool, freed by dispose), and a device the optimizer
 * opens itself without an engine.
 */
import { describe, expect, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { createEngine, engineBackend } from '../../src/engine/engine.js';
import { FedAdam, FedAvgM, FedYogi, serverOptimizerStepReference } from '../../src/engine/server-optimizer.js';
import type { WebGpuBackend } from '../../src/engine/webgpu-backend.js';
import { runServerOptimizerTable } from '../cases/server-optimizer.cases.js';
import { expectClose } from '../support/expect-close.js';
import { seeded } from '../native/native-addon.js';

const probe = await probeGpu();

if (probe.available) {
  runServerOptimizerTable('webgpu', (extra) => createEngine({ ...extra, backend: 'webgpu' }));

  describe('server optimizer state resident on webgpu', () => {
    it('holds m and v in pool buffers across steps and reads, chunked or not, and frees them on dispose', async () => {
      for (const extra of [{}, { maxChunkBytes: 256 }]) {
        const engine = await createEngine({ backend: 'webgpu', ...extra });
        const gpu = engineBackend(engine) as WebGpuBackend;
        try {
          const base = gpu.poolStats().bytesInUse;
          for (const [Ctor, stateBytes] of [
            [FedAdam, 8000],
            [FedYogi, 8000],
            [FedAvgM, 4000 + 4], // m, and the 4-byte placeholder bound as v
          ] as const) {
            const opt = new Ctor({ length: 1000, engine });
            const x = seeded(1, 1000);
            for (let r = 0; r < 3; r++) {
              await opt.step(x, seeded(2 + r, 1000, -0.01, 0.01));
              // Between calls only the state is held: the step's x, Δ, params and readback went back to the pool.
              expect(gpu.poolStats().bytesInUse - base).toBe(stateBytes);
            }
            await opt.readState();
            expect(gpu.poolStats().bytesInUse - base).toBe(stateBytes);
            opt.dispose();
            expect(gpu.poolStats().bytesInUse).toBe(base);
          }
        } finally {
          engine.dispose();
        }
      }
    });

    it('opens and closes a device of its own without an engine', async () => {
      const params = { eta: 0.05, beta1: 0.9, beta2: 0.99, tau: 1e-3 };
      const opt = new FedYogi({ length: 1037, backend: 'webgpu', ...params });
      expect(() => opt.momentum).toThrow(/readState/);
      const x = seeded(3, 1037);
      const rx = Float32Array.from(x);
      const rm = new Float32Array(1037);
      const rv = new Float32Array(1037);
      for (let r = 0; r < 3; r++) {
        const delta = seeded(10 + r, 1037, -0.01, 0.01);
        serverOptimizerStepReference(2, rx, delta, rm, rv, params);
        await opt.step(x, delta);
      }
      const { m, v } = await opt.readState();
      expectClose(x, rx, { rtol: 3 * 2 ** -23, atol: 1e-5 * 3 * 0.05 });
      expectClose(m, rm, { rtol: 1e-6 });
      expectClose(v!, rv, { rtol: 1e-6 });
      opt.dispose();
      await expect(opt.readState()).rejects.toThrow(/after dispose/);
    });
  });
} else if (process.env.CI === 'true') {
  // The WebGPU tier never skips in CI: a missing adapter fails the run there (DESIGN §8: lavapipe serves).
  describe('server optimizer shared table on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`server optimizer shared table on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
