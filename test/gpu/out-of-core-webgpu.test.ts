/** The robust rules over files (test/cases/file-rules.cases.ts) on a WebGPU engine: norms and Gram on the device. */
import { describe, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { createEngine } from '../../src/engine/engine.js';
import { runFileRulesTable } from '../cases/file-rules.cases.js';

// The WebGPU tier never skips in CI: a missing adapter fails the run there (DESIGN §8: lavapipe serves).
const probe = await probeGpu();
if (probe.available) {
  runFileRulesTable('webgpu', () => createEngine({ backend: 'webgpu' }));
} else if (process.env.CI === 'true') {
  describe('robust rules over files on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`robust rules over files on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
