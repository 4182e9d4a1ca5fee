import { createEngine } from '../../src/engine/engine.js';
import { runRobustRulesTable } from '../cases/robust-rules.cases.js';

runRobustRulesTable('native', (extra) => createEngine({ ...extra, backend: 'native' }));
