/**
 * `npm run bench -- <suite> [options]`: runs one benchmark suite, prints a table and writes JSON under
 * bench/results/ naming the CPU and the adapter. Suites compare implementations side by side in one run.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { machine, writeReport } from './harness.js';
import { aggregateSuite } from './aggregate-suite.js';
import { payoffSuite } from './payoff.js';
import { gameSuite } from './game-suite.js';
import { shapleySuite } from './shapley-suite.js';
import { gemmSuite } from './gemm-suite.js';
import { cnnTrainSuite } from './cnn-train-suite.js';
import { trainSuite } from './train-suite.js';
import { optimizerSuite } from './optimizer-suite.js';
import { outOfCoreSuite } from './out-of-core-suite.js';
import { widenSuite } from './widen-suite.js';
import { dataSuite } from './data-suite.js';
import { studySuite } from './study-suite.js';
import { convSuite } from './conv-suite.js';
import type { Suite } from './suite.js';
import { table } from '../src/cli/output.js';

const SUITES: Suite[] = [
  aggregateSuite,
  payoffSuite,
  gameSuite,
  shapleySuite,
  gemmSuite,
  trainSuite,
  cnnTrainSuite,
  optimizerSuite,
  outOfCoreSuite,
  widenSuite,
  dataSuite,
  studySuite,
  convSuite,
];

function usage(): string {
  return `npm run bench -- <suite> [flags] [--out DIR]\n\n${SUITES.map((s) => `  ${s.help}`).join('\n\n')}`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const suite = SUITES.find((s) => s.name === name);
  if (!suite) {
    console.error(name && name !== '--help' ? `unknown suite "${name}"\n\n${usage()}` : usage());
    return name === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { ...suite.options, out: { type: 'string', default: join(process.cwd(), 'bench', 'results') } },
  });
  const m = await machine();
  console.log(`${suite.name} benchmark on ${m.cpu} (${m.cores} cores), adapter: ${m.adapter ?? 'none'}`);
  const outcome = await suite.run(values, (line) => console.log(line));
  console.log('');
  console.log(table(outcome.table.headers, outcome.table.rows));
  const path = writeReport(String(values.out), {
    suite: suite.name,
    date: new Date().toISOString(),
    machine: m,
    results: outcome.results,
    summary: outcome.summary,
  });
  console.log(`\nwrote ${path}`);
  return 0;
}

process.exitCode = await main();
