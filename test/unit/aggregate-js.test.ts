import { createEngine } from '../../src/engine/engine.js';
import { runFedAvgTable } from '../cases/fed-avg.cases.js';

runFedAvgTable('js', (extra) => createEngine({ ...extra, backend: 'js' }));
