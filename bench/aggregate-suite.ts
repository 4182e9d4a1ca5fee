import { spawnSync } from 'node:child_process';
import { aggregateCases } from './aggregate.js';
import { BENCH_SCRIPTS_DIR, baselineEnv, runCases, triadTable, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

/** numpy's `w @ X` (BLAS sgemv) on data of the same shape, in a python3 subprocess, when numpy is present. */
function numpyGemv(k: number, p: number, repeats: number): { result: BenchResult; blas: string } | { skipped: string } {
  const env = baselineEnv();
  const r = spawnSync('python3', [`${BENCH_SCRIPTS_DIR}numpy_gemv.py`, String(k), String(p), String(repeats)], {
    encoding: 'utf8',
    env,
  });
  if (r.error || r.status !== 0)
    return {
      skipped: `python3 with numpy is not available (${(r.error?.message ?? r.stderr).trim().split('\n').pop()})`,
    };
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    best: number;
    mean: number;
    samples: number;
    blas: string;
  };
  return {
    blas: o.blas,
    result: {
      name: `fedavg::numpy-gemv:K=${k},P=${p}`,
      meanMs: o.mean * 1e3,
      rmePercent: 0,
      samples: o.samples,
      gbPerSecond: ((k + 1) * p * 4) / o.mean / 1e9,
    },
  };
}

/** numpy's robust rules (np.median, sort-based trimmed mean, Krum with X @ X.T) on data of the same shape. */
function numpyRobust(
  k: number,
  p: number,
  repeats: number,
  rules: string[],
  trim: number,
  f: number,
): BenchResult[] | string {
  const env = baselineEnv();
  const args = [
    `${BENCH_SCRIPTS_DIR}numpy_robust.py`,
    String(k),
    String(p),
    String(repeats),
    rules.join(','),
    String(trim),
    String(f),
  ];
  const r = spawnSync('python3', args, { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0)
    return `numpy robust baselines unavailable (${(r.error?.message ?? r.stderr).trim().split('\n').pop()})`;
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { rule: string; mean: number; samples: number })
    .map((o) => ({
      name: `${o.rule}::numpy:K=${k},P=${p}`,
      meanMs: o.mean * 1e3,
      rmePercent: 0,
      samples: o.samples,
      gbPerSecond: ((k + 1) * p * 4) / o.mean / 1e9,
    }));
}

export const aggregateSuite: Suite = {
  name: 'aggregate',
  help: `aggregate [--k 64] [--p 4194304] [--backends native,webgpu,js] [--rules median,trimmed-mean,krum,gram] [--quick]
    FedAvg GB/s per backend beside the triad bandwidth probe, a plain-JS loop and numpy's w @ X (when
    python3 with numpy is present), measured in one run.`,
  options: {
    k: { type: 'string', default: '64' },
    p: { type: 'string', default: String(4 * 1024 * 1024) },
    backends: { type: 'string', default: 'native,webgpu,js' },
    quick: { type: 'boolean', default: false },
    rules: { type: 'string', default: '' },
    trim: { type: 'string', default: '0.1' },
    f: { type: 'string', default: '8' },
  },
  async run(values, log) {
    const { cases, dispose } = await aggregateCases({
      k: Number(values.k),
      p: Number(values.p),
      triadLength: 1 << 25,
      backends: String(values.backends).split(','),
      rules: String(values.rules).split(',').filter(Boolean),
      trim: Number(values.trim),
      f: Number(values.f),
    });
    const summary: Record<string, number> = {};
    let results: BenchResult[];
    try {
      results = await runCases(
        cases,
        values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 },
        log,
      );
    } finally {
      dispose();
    }
    const numpy = numpyGemv(Number(values.k), Number(values.p), values.quick ? 2 : 5);
    if ('skipped' in numpy) log(`  numpy skipped: ${numpy.skipped}`);
    else {
      results.push(numpy.result);
      log(
        `  ${numpy.result.name}: ${numpy.result.meanMs.toFixed(2)} ms, ${numpy.result.gbPerSecond!.toFixed(2)} GB/s (${numpy.blas})`,
      );
    }
    const rules = String(values.rules).split(',').filter(Boolean);
    if (rules.length > 0) {
      const robust = numpyRobust(
        Number(values.k),
        Number(values.p),
        values.quick ? 1 : 3,
        rules,
        Number(values.trim),
        Number(values.f),
      );
      if (typeof robust === 'string') log(`  ${robust}`);
      else {
        results.push(...robust);
        for (const row of robust) {
          log(`  ${row.name}: ${row.meanMs.toFixed(2)} ms`);
          const rule = row.name.split('::')[0];
          const native = results.find((r) => r.name.startsWith(`${rule}::native:`));
          if (native) summary[`${rule}::native speedup over numpy`] = row.meanMs / native.meanMs;
        }
      }
    }
    const triad = results.find((r) => r.name.startsWith('triad::'));
    const read = results.find((r) => r.name.startsWith('read::'));
    const plain = results.find((r) => r.name.startsWith('fedavg::plain-js-loop'));
    for (const r of results) {
      if (triad?.gbPerSecond && r.gbPerSecond && r !== triad)
        summary[`${r.name} / triad`] = r.gbPerSecond / triad.gbPerSecond;
      if (read?.gbPerSecond && r.gbPerSecond && r.name.startsWith('fedavg::'))
        summary[`${r.name} / read probe`] = r.gbPerSecond / read.gbPerSecond;
      if (plain && r.name.startsWith('fedavg::') && r !== plain)
        summary[`${r.name} speedup over plain JS`] = plain.meanMs / r.meanMs;
    }
    const native = results.find((r) => r.name.startsWith('fedavg::native:'));
    if (native && !('skipped' in numpy)) summary['fedavg::native / numpy w @ X'] = numpy.result.meanMs / native.meanMs;
    return {
      results,
      summary,
      table: triadTable(results, [
        { header: '× plain JS', cell: (r) => (plain ? (plain.meanMs / r.meanMs).toFixed(1) : '') },
        {
          header: 'of read',
          cell: (r) =>
            read?.gbPerSecond && r.gbPerSecond ? `${((100 * r.gbPerSecond) / read.gbPerSecond).toFixed(1)} %` : '',
        },
      ]),
    };
  },
};
