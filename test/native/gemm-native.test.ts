import { describe, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { runGemmTable } from '../cases/gemm.cases.js';
import { addon } from './native-addon.js';

if (addon) {
  runGemmTable('native', () => createEngine({ backend: 'native' }));
} else {
  describe.skip('GEMM shared table on native (addon not built)', () => {
    it('skipped', () => {});
  });
}
