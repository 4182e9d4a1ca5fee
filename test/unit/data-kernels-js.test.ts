import { createEngine } from '../../src/engine/engine.js';
import { runDataKernelsTable } from '../cases/data-kernels.cases.js';

runDataKernelsTable('js', (extra) => createEngine({ ...extra, backend: 'js' }));
