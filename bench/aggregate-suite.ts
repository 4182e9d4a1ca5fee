import { aggregateCases } from './aggregate.js';
import {
  bandwidthTable,
  medianGbPerSecond,
  ratios,
  runCases,
  pythonTimingResult,
  runPythonBaseline,
  type BenchResult,
} from './harness.js';
import type { Suite } from './suite.js';

/**
 * numpy's `w @ X` (BLAS sgemv) on data of the same shape, in a python3 subprocess, when numpy is present: with
 * OpenBLAS's own threads, or (`oneThread`) with OPENBLAS_NUM_THREADS=1 — on a loaded machine its threads can wait on
 * each other far longer than the product takes, and numpy "at its best" is the faster of the two.
 */
function numpyGemv(
  k: number,
  p: number,
  repeats: number,
  seconds: number,
  oneThread: boolean,
): { result: BenchResult } | { skipped: string } {
  const out = runPythonBaseline<{ best: number; mean: number; median: number; samples: number; blas: string }>(
    'numpy_gemv.py',
    [k, p, repeats, seconds],
    oneThread ? { OPENBLAS_NUM_THREADS: '1' } : {},
  );
  if ('skipped' in out) return out;
  const o = out[out.length - 1]!;
  const bytes = (k + 1) * p * 4;
  return {
    result: pythonTimingResult(`fedavg::numpy-gemv${oneThread ? '(1 thread)' : ''}:K=${k},P=${p}`, bytes, o),
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
  const out = runPythonBaseline<{ rule: string; mean: number; samples: number }>('numpy_robust.py', [
    k,
    p,
    repeats,
    rules.join(','),
    trim,
    f,
  ]);
  if ('skipped' in out) return out.skipped;
  return out.map((o) => ({
    name: `${o.rule}::numpy:K=${k},P=${p}`,
    meanMs: o.mean * 1e3,
    rmePercent: 0,
    samples: o.samples,
    gbPerSecond: ((k + 1) * p * 4) / o.mean / 1e9,
  }));
}

/** The size suffix of a row name (`K=64,P=65536`, `n=…`). */
const sizeOf = (r: BenchResult) => r.name.slice(r.name.lastIndexOf(':') + 1);

export const aggregateSuite: Suite = {
  name: 'aggregate',
  help: `aggregate [--k 64] [--p 4194304,65536] [--backends native,webgpu,js] [--rules median,trimmed-mean,krum,gram] [--quick]
    FedAvg GB/s per backend beside the triad probe, the read probe over as many floats as the updates (DRAM, or in
    cache at the smaller size), a plain-JS loop and numpy's w @ X (when python3 with numpy is present), measured in one
    run for each P; the summary gives native / numpy, native / read probe and the in-cache / DRAM ratio (smallest P
    over largest). Native rows name the kernel variant.`,
  options: {
    k: { type: 'string', default: '64' },
    p: { type: 'string', default: `${4 * 1024 * 1024},${64 * 1024}` },
    backends: { type: 'string', default: 'native,webgpu,js' },
    quick: { type: 'boolean', default: false },
    rules: { type: 'string', default: '' },
    trim: { type: 'string', default: '0.1' },
    f: { type: 'string', default: '8' },
  },
  async run(values, log) {
    const k = Number(values.k);
    const sizes = String(values.p).split(',').map(Number);
    const rules = String(values.rules).split(',').filter(Boolean);
    const summary: Record<string, number> = {};
    const results: BenchResult[] = [];
    const timing = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 };
    for (const [index, p] of sizes.entries()) {
      const { cases, dispose } = await aggregateCases({
        k,
        p,
        triadLength: 1 << 25,
        noTriad: index > 0,
        backends: String(values.backends).split(','),
        rules,
        trim: Number(values.trim),
        f: Number(values.f),
      });
      try {
        results.push(...(await runCases(cases, timing, log)));
      } finally {
        dispose();
      }
      for (const oneThread of [false, true]) {
        const numpy = numpyGemv(k, p, values.quick ? 2 : 5, values.quick ? 0.2 : 2, oneThread);
        if ('skipped' in numpy) log(`  numpy skipped: ${numpy.skipped}`);
        else {
          results.push(numpy.result);
          log(`  ${numpy.result.name}: ${numpy.result.medianMs!.toFixed(3)} ms median`);
        }
      }
      if (rules.length > 0) {
        const robust = numpyRobust(k, p, values.quick ? 1 : 3, rules, Number(values.trim), Number(values.f));
        if (typeof robust === 'string') log(`  ${robust}`);
        else {
          results.push(...robust);
          for (const row of robust) {
            log(`  ${row.name}: ${row.meanMs.toFixed(2)} ms`);
            const rule = row.name.split('::')[0];
            const native = results.find((r) => r.name.startsWith(`${rule}::native`) && sizeOf(r) === sizeOf(row));
            if (native) summary[`${rule}::native speedup over numpy:${sizeOf(row)}`] = row.meanMs / native.meanMs;
          }
        }
      }
    }
    const readFor = (r: BenchResult) => {
      const size = sizeOf(r).match(/^K=(\d+),P=(\d+)$/);
      if (!size) return undefined;
      const floats = Math.min(1 << 25, Number(size[1]) * Number(size[2]));
      return results.find((x) => x.name.startsWith('read::') && x.name.endsWith(`:n=${floats}`));
    };
    const kernelAt = (p: number) =>
      results.find((r) => r.name.startsWith('fedavg::native-kernel') && sizeOf(r) === `K=${k},P=${p}`);
    // numpy at its best: the faster of its all-thread and one-thread rows (by median).
    const numpyAt = (p: number) =>
      results
        .filter((r) => r.name.startsWith('fedavg::numpy-gemv') && sizeOf(r) === `K=${k},P=${p}`)
        .sort((a, b) => medianGbPerSecond(b)! - medianGbPerSecond(a)!)[0];
    for (const p of sizes) {
      const native = kernelAt(p);
      const numpy = numpyAt(p);
      const read = native && readFor(native);
      if (native && numpy)
        ratios(summary, `fedavg::native-kernel / ${numpy.name.split(':K=')[0]}:K=${k},P=${p}`, native, numpy);
      if (native && read) ratios(summary, `fedavg::native-kernel / read probe:K=${k},P=${p}`, native, read);
    }
    if (sizes.length > 1) {
      const large = Math.max(...sizes);
      const small = Math.min(...sizes);
      for (const [name, at] of [
        ['fedavg::native-kernel', kernelAt],
        ['fedavg::numpy-gemv', numpyAt],
      ] as const) {
        const a = at(small);
        const b = at(large);
        if (a && b) ratios(summary, `${name} in-cache / DRAM (P=${small} / P=${large})`, a, b);
      }
    }
    const plainFor = (r: BenchResult) =>
      results.find((x) => x.name.startsWith('fedavg::plain-js-loop') && sizeOf(x) === sizeOf(r));
    return {
      results,
      summary,
      table: bandwidthTable(results, readFor, [
        {
          header: '× plain JS',
          cell: (r) => {
            const plain = plainFor(r);
            return plain && r.name.startsWith('fedavg::') ? ratio(r, plain).toFixed(1) : '';
          },
        },
      ]),
    };
  },
};

/** a's median GB/s over b's. */
function ratio(a: BenchResult, b: BenchResult): number {
  return medianGbPerSecond(a)! / medianGbPerSecond(b)!;
}
