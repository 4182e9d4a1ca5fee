import { describe, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { createEngine } from '../../src/engine/engine.js';
import { runDataKernelsTable } from '../cases/data-kernels.cases.js';

// The WebGPU tier never skips in CI: a missing adapter fails the run there (DESIGN §8: lavapipe serves).
const probe = await probeGpu();
if (probe.available) {
  runDataKernelsTable('webgpu', (extra) => createEngine({ ...extra, backend: 'webgpu' }));
} else if (process.env.CI === 'true') {
  describe('data kernels shared table on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`data kernels shared table on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
