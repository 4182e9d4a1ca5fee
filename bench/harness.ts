/**
 * Benchmark harness on the `benchmark` package: async operations run as deferred benchmarks, setup stays out
 * of the timed region (it happens before `add`), runs are named `<op>::<impl>:<size>`, and every report names
 * the CPU and the GPU adapter, because figures only mean something as ratios measured in the same run.
 */
import Benchmark from 'benchmark';
import os from 'node:os';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemInfo, type SystemInfo } from '../src/engine/system-info.js';
import type { CocogenAddon } from '../bindings/addon.js';

export interface BenchCase {
  /** `<op>::<impl>:<size>` */
  name: string;
  /** One timed operation. */
  run(): Promise<void>;
  /** Bytes moved per operation, for GB/s; omit when not meaningful. */
  bytes?: number;
  /** Floating-point operations per operation, for GFLOP/s. */
  flops?: number;
}

export interface BenchResult {
  name: string;
  meanMs: number;
  rmePercent: number;
  samples: number;
  gbPerSecond?: number;
  gflopPerSecond?: number;
}

export interface BenchOptions {
  /** Seconds each case may take to collect samples (the package's maxTime). */
  maxTime: number;
  minSamples: number;
}

export async function runCases(
  cases: BenchCase[],
  options: BenchOptions,
  log: (line: string) => void,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const c of cases) {
    await c.run(); // warm-up outside the timed region: pipelines, page faults, JIT
    const result = await new Promise<BenchResult>((resolve, reject) => {
      const bench = new Benchmark(c.name, {
        defer: true,
        maxTime: options.maxTime,
        minSamples: options.minSamples,
        fn: (deferred: { resolve(): void }) => {
          c.run().then(
            () => deferred.resolve(),
            (e: unknown) => reject(e),
          );
        },
        onComplete() {
          const s = bench.stats;
          const meanMs = s.mean * 1e3;
          resolve({
            name: c.name,
            meanMs,
            rmePercent: s.rme,
            samples: s.sample.length,
            ...(c.bytes !== undefined ? { gbPerSecond: c.bytes / s.mean / 1e9 } : {}),
            ...(c.flops !== undefined ? { gflopPerSecond: c.flops / s.mean / 1e9 } : {}),
          });
        },
        onError(event: { target: { error: unknown } }) {
          reject(event.target.error);
        },
      });
      bench.run({ async: true });
    });
    log(
      `  ${result.name}: ${result.meanMs.toFixed(2)} ms ±${result.rmePercent.toFixed(1)}%${result.gbPerSecond !== undefined ? `, ${result.gbPerSecond.toFixed(2)} GB/s` : ''}`,
    );
    results.push(result);
  }
  return results;
}

export interface BenchReport {
  suite: string;
  date: string;
  machine: {
    cpu: string;
    cores: number;
    memoryBytes: number;
    adapter: string | null;
    native: SystemInfo['backends']['native'];
  };
  results: BenchResult[];
  summary: Record<string, number | string>;
}

export async function machine(): Promise<BenchReport['machine']> {
  const info = await systemInfo();
  const gpu = info.backends.webgpu;
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    adapter: gpu.available
      ? `${gpu.adapter.description || gpu.adapter.device} (${gpu.adapter.vendor}${gpu.adapter.isFallbackAdapter ? ', software' : ''})`
      : null,
    native: info.backends.native,
  };
}

/** Write the report atomically (temp file + rename) under bench/results/. */
export function writeReport(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${report.suite}-${report.date.replace(/[:.]/g, '-')}.json`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

/** The folder of the python baselines' scripts (dist/bench → bench/). */
export const BENCH_SCRIPTS_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));

/**
 * The environment of a python baseline (numpy, torch): the OpenBLAS core-type overrides some machines set for old
 * builds slow a current one, so they are unset for that process only ("at its best"); `extra` is added.
 */
export function baselineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * The table of a bandwidth suite: each run's mean, spread and GB/s beside the triad probe measured in the same run
 * (the first `triad::` row), plus any `extra` columns.
 */
export function triadTable(
  results: readonly BenchResult[],
  extra: { header: string; cell(r: BenchResult): string | number }[] = [],
): { headers: string[]; rows: (string | number)[][] } {
  const triad = results.find((r) => r.name.startsWith('triad::'));
  return {
    headers: ['run', 'mean (ms)', '± %', 'GB/s', 'of triad', ...extra.map((c) => c.header)],
    rows: results.map((r) => [
      r.name,
      r.meanMs,
      r.rmePercent.toFixed(1),
      r.gbPerSecond ?? '',
      triad?.gbPerSecond && r.gbPerSecond ? `${((100 * r.gbPerSecond) / triad.gbPerSecond).toFixed(1)} %` : '',
      ...extra.map((c) => c.cell(r)),
    ]),
  };
}

/**
 * The bandwidth probe: a STREAM-style triad a = b + 3·c over three arrays of `n` float32 in the addon, 3·n·4 bytes
 * per run (STREAM's convention; n ≥ 4× the last-level cache, as STREAM asks).
 */
export function triadCase(addon: CocogenAddon, n: number): BenchCase {
  const a = new Float32Array(n);
  const b = new Float32Array(n).fill(1);
  const c = new Float32Array(n).fill(2);
  return { name: `triad::native:n=${n}`, bytes: 3 * n * 4, run: () => addon.triad(a, b, c, 3) };
}

/**
 * The read-bandwidth probe: Σ x over `n` float32 in the addon, n·4 bytes per run. FedAvg only reads its updates, so
 * its "of the machine's read bandwidth" figure is against this row, not the triad (a third of whose bytes are writes).
 */
export function readCase(addon: CocogenAddon, n: number): BenchCase {
  const x = new Float32Array(n).fill(1);
  return { name: `read::native:n=${n}`, bytes: 4 * n, run: async () => void (await addon.readSum(x)) };
}
