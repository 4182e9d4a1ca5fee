import { describe } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { runDataKernelsTable } from '../cases/data-kernels.cases.js';
import { addon } from './native-addon.js';

// Skipped (with the reason printed by native-addon.ts) when the addon is not built.
describe.skipIf(!addon)('native addon present', () => {
  runDataKernelsTable('native', (extra) => createEngine({ ...extra, backend: 'native' }));
});
