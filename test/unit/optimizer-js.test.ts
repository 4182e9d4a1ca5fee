import { createEngine } from '../../src/engine/engine.js';
import { runServerOptimizerTable } from '../cases/server-optimizer.cases.js';

runServerOptimizerTable('js', (extra) => createEngine({ ...extra, backend: 'js' }));
