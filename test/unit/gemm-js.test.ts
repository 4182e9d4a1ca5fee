import { createEngine } from '../../src/engine/engine.js';
import { runGemmTable } from '../cases/gemm.cases.js';

runGemmTable('js', () => createEngine({ backend: 'js' }));
