import { createEngine } from '../../src/engine/engine.js';
import { runRobustRulesTable } from '../cases/robust-rules.cases.js';

runRobustRulesTable('js', (extra) => createEngine({ ...extra, backend: 'js' }));
