import { describe } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { runCoalitionValuesTable } from '../cases/coalition-values.cases.js';
import { addon } from './native-addon.js';

// Skipped (with the reason printed by native-addon.ts) when the addon is not built.
describe.skipIf(!addon)('native addon present', () => {
  runCoalitionValuesTable('native', () => createEngine({ backend: 'native' }));
});
