import { createEngine } from '../../src/engine/engine.js';
import { runTrainKernelTable } from '../cases/train-kernels.cases.js';

runTrainKernelTable('js', () => createEngine({ backend: 'js' }));
