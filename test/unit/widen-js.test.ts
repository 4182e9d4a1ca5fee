/** The widening table on the TS reference loops (src/interop/widen.ts), which the native kernel matches bit for bit. */
import { runWidenTable } from '../cases/widen.cases.js';

runWidenTable('js');
