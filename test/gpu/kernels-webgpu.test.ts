/** Every shared table (test/cases/tables.ts) on the webgpu backend, with the cases' tiny-chunk engine options. */
import { describe, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { runTier } from '../cases/tables.js';

// The WebGPU tier never skips in CI: a missing adapter fails the run there (DESIGN §8: lavapipe serves).
const probe = await probeGpu();
if (probe.available) {
  runTier('gpu');
} else if (process.env.CI === 'true') {
  describe('shared tables on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`shared tables on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
