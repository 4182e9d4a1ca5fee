/**
 * Benchmark harness on the `benchmark` package: async operations run as deferred benchmarks, setup stays out
 * of the timed region (it happens before `add`), runs are named `<op>::<impl>:<size>`, and every report names
 * the CPU and the GPU adapter, because figures only mean something as ratios measured in the same run.
 */
import Benchmark from 'benchmark';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
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
  /**
   * The median sample: on a machine shared with other work, one preempted run moves the mean a long way and the
   * median hardly at all, so the bandwidth suites compare medians (native and baselines alike).
   */
  medianMs?: number;
  /** The fastest sample: the run the other work on a shared machine disturbed least. */
  bestMs?: number;
  /** Bytes moved per operation (as BenchCase.bytes), for GB/s from the median. */
  bytes?: number;
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
          const sorted = [...s.sample].sort((a, b) => a - b);
          resolve({
            name: c.name,
            meanMs,
            medianMs: sorted[Math.floor(sorted.length / 2)]! * 1e3,
            bestMs: sorted[0]! * 1e3,
            ...(c.bytes !== undefined ? { bytes: c.bytes } : {}),
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
 * Runs a python baseline script of bench/ (with baselineEnv()) and returns the JSON objects it printed, one per line,
 * or why it could not run (python3 or numpy missing); `extraEnv` is added to its environment.
 */
export function runPythonBaseline<T>(
  script: string,
  args: (string | number)[],
  extraEnv: Record<string, string> = {},
): T[] | { skipped: string } {
  const r = spawnSync('python3', [`${BENCH_SCRIPTS_DIR}${script}`, ...args.map(String)], {
    encoding: 'utf8',
    env: baselineEnv(extraEnv),
    maxBuffer: 1 << 20,
  });
  if (r.error || r.status !== 0) {
    return { skipped: `${script} did not run (${(r.error?.message ?? r.stderr).trim().split('\n').pop()})` };
  }
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

/** What a python baseline prints per timed case: seconds per call (mean, median, fastest) over its samples. */
export interface PythonTiming {
  mean: number;
  median: number;
  best: number;
  samples: number;
}

/** A bench row from a python baseline's timing of a case that moves `bytes`. */
export function pythonTimingResult(name: string, bytes: number, t: PythonTiming): BenchResult {
  return {
    name,
    meanMs: t.mean * 1e3,
    medianMs: t.median * 1e3,
    bestMs: t.best * 1e3,
    bytes,
    rmePercent: 0,
    samples: t.samples,
    gbPerSecond: bytes / t.mean / 1e9,
  };
}

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
 * Runs a torch baseline script of bench/ (its last stdout line is JSON) at its best and returns the parsed line with
 * the environment it ran under, or why it could not run. Debian's python3-torch lives under the system python, which
 * a python3 first on PATH (pyenv, venv) may not be, so both are tried. Each python runs once per entry of `variants`
 * (extra environment; by default its BLAS's own threads beside torch's OpenMP ones, then one BLAS thread under
 * torch's: which is faster depends on the machine's load), and `better` picks the result kept. A variant still
 * running after twice the first one's time (plus 10 s) is stopped: it cannot be the best.
 */
export function runTorchBaseline<T>(
  script: string,
  args: readonly (string | number)[],
  better: (a: T, b: T) => boolean,
  variants: readonly Record<string, string>[] = [{}, { OPENBLAS_NUM_THREADS: '1' }],
): { run: T; env: string } | { skipped: string } {
  let why = '';
  for (const python of ['python3', '/usr/bin/python3']) {
    let best: { run: T; env: string } | null = null;
    let firstMs = 0;
    for (const [v, extra] of variants.entries()) {
      const t0 = performance.now();
      const r = spawnSync(python, [`${BENCH_SCRIPTS_DIR}${script}`, ...args.map(String)], {
        encoding: 'utf8',
        env: baselineEnv(extra),
        ...(v > 0 ? { timeout: Math.round(2 * firstMs + 10_000) } : {}),
      });
      if (v === 0) firstMs = performance.now() - t0;
      if (v > 0 && r.signal !== null) continue; // stopped: slower than twice the first
      if (r.error || r.status !== 0) {
        why = `${python}: ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`;
        break;
      }
      const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
      const env =
        Object.entries(extra)
          .map(([k, x]) => `${k}=${x}`)
          .join(' ') || 'default environment';
      if (best === null || better(run, best.run)) best = { run, env };
    }
    if (best !== null) return best;
  }
  return { skipped: `no python3 with torch (${why})` };
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
 * `name[variant]`: a native row names the kernel variant that ran (buildInfo().kernels), e.g. `fedavg::native[avx2]`.
 */
export function withVariant(
  name: string,
  addon: CocogenAddon,
  kernel: keyof ReturnType<CocogenAddon['buildInfo']>['kernels'],
): string {
  return `${name}[${addon.buildInfo().kernels[kernel]}]`;
}

/** GB/s from the median run (from the mean where no median was recorded). */
export function medianGbPerSecond(r: BenchResult): number | undefined {
  if (r.bytes === undefined) return r.gbPerSecond;
  return r.bytes / ((r.medianMs ?? r.meanMs) / 1e3) / 1e9;
}

/** GB/s from the fastest run (from the median or mean where none was recorded). */
export function bestGbPerSecond(r: BenchResult): number | undefined {
  if (r.bytes === undefined) return r.gbPerSecond;
  return r.bytes / ((r.bestMs ?? r.medianMs ?? r.meanMs) / 1e3) / 1e9;
}

/**
 * Ratios of a over b as the memory-bound suites report them: of the medians, and of the fastest runs (on a machine
 * other jobs load, the best run is the nearest to what the hardware does; on a quiet one the two agree).
 */
export function ratios(summary: Record<string, number>, key: string, a: BenchResult, b: BenchResult): void {
  summary[`${key} (median)`] = medianGbPerSecond(a)! / medianGbPerSecond(b)!;
  summary[`${key} (best)`] = bestGbPerSecond(a)! / bestGbPerSecond(b)!;
}

/**
 * The table of the memory-bound suites (aggregate, optimizer, widen): each run's median and fastest time, GB/s from
 * both, and the median's as a share of the read probe and the triad measured in the same run — for each row, the probe
 * rows that share its size suffix when there are several (`read::…:n=…` beside `…:K=64,P=65536` is matched by the
 * caller through `readFor`), plus any `extra` columns.
 */
export function bandwidthTable(
  results: readonly BenchResult[],
  readFor: (r: BenchResult) => BenchResult | undefined,
  extra: { header: string; cell(r: BenchResult): string | number }[] = [],
): { headers: string[]; rows: (string | number)[][] } {
  const triad = results.find((r) => r.name.startsWith('triad::'));
  const share = (r: BenchResult, probe: BenchResult | undefined) => {
    const a = medianGbPerSecond(r);
    const b = probe && medianGbPerSecond(probe);
    return a && b ? `${((100 * a) / b).toFixed(1)} %` : '';
  };
  return {
    headers: [
      'run',
      'median (ms)',
      'best (ms)',
      '± %',
      'GB/s',
      'GB/s best',
      'of read',
      'of triad',
      ...extra.map((c) => c.header),
    ],
    rows: results.map((r) => [
      r.name,
      (r.medianMs ?? r.meanMs).toPrecision(4),
      (r.bestMs ?? r.medianMs ?? r.meanMs).toPrecision(4),
      r.rmePercent.toFixed(1),
      medianGbPerSecond(r)?.toFixed(2) ?? '',
      bestGbPerSecond(r)?.toFixed(2) ?? '',
      share(r, readFor(r)),
      share(r, triad),
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
  return {
    name: `${withVariant('triad::native', addon, 'triad')}:n=${n}`,
    bytes: 3 * n * 4,
    run: () => addon.triad(a, b, c, 3),
  };
}

/**
 * The read-bandwidth probe: Σ x over `n` float32 in the addon, n·4 bytes per run. FedAvg only reads its updates, so
 * its "of the machine's read bandwidth" figure is against this row, not the triad (a third of whose bytes are writes).
 * A suite sizes it like the data of the kernel it stands beside, so that both come from the same level of the memory
 * hierarchy (DRAM, or a last-level cache).
 */
export function readCase(addon: CocogenAddon, n: number): BenchCase {
  const x = new Float32Array(n).fill(1);
  return {
    name: `${withVariant('read::native', addon, 'readSum')}:n=${n}`,
    bytes: 4 * n,
    run: async () => void (await addon.readSum(x)),
  };
}
