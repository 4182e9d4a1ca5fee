/** The robust rules over files (test/cases/file-rules.cases.ts) on the js and native engines. */
import { createEngine } from '../../src/engine/engine.js';
import { runFileRulesTable } from '../cases/file-rules.cases.js';
import { addon } from './native-addon.js';

runFileRulesTable('js', () => createEngine({ backend: 'js' }));
if (addon) runFileRulesTable('native', () => createEngine({ backend: 'native' }));
