import { aggregateCases } from './aggregate.js';
import { runCases, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

export const aggregateSuite: Suite = {
  name: 'aggregate',
  help: `aggregate [--k 64] [--p 4194304] [--backends native,webgpu,js] [--quick]
    FedAvg GB/s per backend beside the triad bandwidth probe and a plain-JS loop, measured in one run.`,
  options: {
    k: { type: 'string', default: '64' },
    p: { type: 'string', default: String(4 * 1024 * 1024) },
    backends: { type: 'string', default: 'native,webgpu,js' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const { cases, dispose } = await aggregateCases({
      k: Number(values.k),
      p: Number(values.p),
      triadLength: 1 << 25,
      backends: String(values.backends).split(','),
    });
    let results: BenchResult[];
    try {
      results = await runCases(cases, values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 }, log);
    } finally {
      dispose();
    }
    const triad = results.find((r) => r.name.startsWith('triad::'));
    const plain = results.find((r) => r.name.startsWith('fedavg::plain-js-loop'));
    const summary: Record<string, number> = {};
    for (const r of results) {
      if (triad?.gbPerSecond && r.gbPerSecond && r !== triad) summary[`${r.name} / triad`] = r.gbPerSecond / triad.gbPerSecond;
      if (plain && r.name.startsWith('fedavg::') && r !== plain) summary[`${r.name} speedup over plain JS`] = plain.meanMs / r.meanMs;
    }
    return {
      results,
      summary,
      table: {
        headers: ['run', 'mean (ms)', '± %', 'GB/s', 'of triad', '× plain JS'],
        rows: results.map((r) => [
          r.name,
          r.meanMs,
          r.rmePercent.toFixed(1),
          r.gbPerSecond ?? '',
          triad?.gbPerSecond && r.gbPerSecond ? `${((100 * r.gbPerSecond) / triad.gbPerSecond).toFixed(1)} %` : '',
          plain && r.name.startsWith('fedavg::') ? (plain.meanMs / r.meanMs).toFixed(1) : '',
        ]),
      },
    };
  },
};
