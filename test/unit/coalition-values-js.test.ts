import { createEngine } from '../../src/engine/engine.js';
import { runCoalitionValuesTable } from '../cases/coalition-values.cases.js';

runCoalitionValuesTable('js', () => createEngine({ backend: 'js' }));
