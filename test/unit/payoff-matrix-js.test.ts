import { createEngine } from '../../src/engine/engine.js';
import { runPayoffMatrixTable } from '../cases/payoff-matrix.cases.js';

runPayoffMatrixTable('js', () => createEngine({ backend: 'js' }));
