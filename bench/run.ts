/**
 * `npm run bench -- <suite> [options]`: runs one benchmark suite, prints a table and writes JSON under
 * bench/results/ naming the CPU and the adapter. Suites compare implementations side by side in one run.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { aggregateCases } from './aggregate.js';
import { machine, runCases, writeReport, type BenchResult } from './harness.js';
import { table } from '../src/cli/output.js';

const HELP = `npm run bench -- aggregate [--k 64] [--p 4194304] [--backends native,webgpu,js] [--quick]
  FedAvg GB/s per backend beside the triad bandwidth probe and a plain-JS loop, measured in one run.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      k: { type: 'string', default: '64' },
      p: { type: 'string', default: String(4 * 1024 * 1024) },
      backends: { type: 'string', default: 'native,webgpu,js' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: join(process.cwd(), 'bench', 'results') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const suite = positionals[0] ?? 'aggregate';
  if (values.help || suite !== 'aggregate') {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const k = Number(values.k);
  const p = Number(values.p);
  const m = await machine();
  console.log(`aggregate benchmark on ${m.cpu} (${m.cores} cores), adapter: ${m.adapter ?? 'none'}`);
  const { cases, dispose } = await aggregateCases({ k, p, triadLength: 1 << 25, backends: values.backends.split(',') });
  const options = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 };
  let results: BenchResult[];
  try {
    results = await runCases(cases, options, (line) => console.log(line));
  } finally {
    dispose();
  }
  const triad = results.find((r) => r.name.startsWith('triad::'));
  const plain = results.find((r) => r.name.startsWith('fedavg::plain-js-loop'));
  console.log('');
  console.log(
    table(
      ['run', 'mean (ms)', '± %', 'GB/s', 'of triad', '× plain JS'],
      results.map((r) => [
        r.name,
        r.meanMs,
        r.rmePercent.toFixed(1),
        r.gbPerSecond ?? '',
        triad?.gbPerSecond && r.gbPerSecond ? `${((100 * r.gbPerSecond) / triad.gbPerSecond).toFixed(1)} %` : '',
        plain && r.name.startsWith('fedavg::') ? (plain.meanMs / r.meanMs).toFixed(1) : '',
      ]),
    ),
  );
  const summary: Record<string, number | string> = {};
  for (const r of results) {
    if (triad?.gbPerSecond && r.gbPerSecond && r !== triad) summary[`${r.name} / triad`] = r.gbPerSecond / triad.gbPerSecond;
    if (plain && r.name.startsWith('fedavg::') && r !== plain) summary[`${r.name} speedup over plain JS`] = plain.meanMs / r.meanMs;
  }
  const path = writeReport(values.out, { suite: 'aggregate', date: new Date().toISOString(), machine: m, results, summary });
  console.log(`\nwrote ${path}`);
  return 0;
}

process.exitCode = await main();
