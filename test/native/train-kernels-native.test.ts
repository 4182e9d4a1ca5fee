import { describe, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { runTrainKernelTable } from '../cases/train-kernels.cases.js';
import { addon } from './native-addon.js';

if (addon) {
  runTrainKernelTable('native', () => createEngine({ backend: 'native' }));
} else {
  describe.skip('dense-training kernels shared table on native (addon not built)', () => {
    it('skipped', () => {});
  });
}
