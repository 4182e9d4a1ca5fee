/** Every shared table (test/cases/tables.ts) on the js backend: the plain-TS references. */
import { runTier } from '../cases/tables.js';

runTier('unit');
