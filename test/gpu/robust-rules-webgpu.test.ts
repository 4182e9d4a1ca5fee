import { describe, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { createEngine } from '../../src/engine/engine.js';
import { runRobustRulesTable } from '../cases/robust-rules.cases.js';

// The WebGPU tier never skips in CI: a missing adapter fails the run there (DESIGN §8: lavapipe serves).
const probe = await probeGpu();
if (probe.available) {
  runRobustRulesTable('webgpu', (extra) => createEngine({ ...extra, backend: 'webgpu' }));
} else if (process.env.CI === 'true') {
  describe('robust rules shared table on webgpu', () => {
    it('needs a WebGPU adapter under CI=true', () => {
      throw new Error(`no WebGPU adapter: ${probe.reason}`);
    });
  });
} else {
  describe.skip(`robust rules shared table on webgpu (no adapter: ${probe.reason})`, () => {
    it('skipped', () => {});
  });
}
