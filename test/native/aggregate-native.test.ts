import { createEngine } from '../../src/engine/engine.js';
import { runFedAvgTable } from '../cases/fed-avg.cases.js';

runFedAvgTable('native', (extra) => createEngine({ ...extra, backend: 'native' }));
