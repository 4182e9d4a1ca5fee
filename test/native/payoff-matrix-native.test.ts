import { describe } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { runPayoffMatrixTable } from '../cases/payoff-matrix.cases.js';
import { addon } from './native-addon.js';

// Skipped (with the reason printed by native-addon.ts) when the addon is not built.
describe.skipIf(!addon)('native addon present', () => {
  runPayoffMatrixTable('native', () => createEngine({ backend: 'native' }));
});
