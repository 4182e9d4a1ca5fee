/**
 * Studies (docs/cli.md, "cocogen study"): whole `cocogen study` runs timed end to end, each in a fresh folder and (for
 * the queue) a flushed Redis, so nothing is reused. The local pool with 2 workers against 1 worker on ≥ 20 simulate
 * jobs of about a second; the queue with one worker against the local pool with one, for its overhead per job; and a
 * sweep study of 10,000 points in blocks through the queue (2 workers) beside one `cocogen sweep` of the same points.
 * Each configuration runs `--repeat` times (default 2); the table gives the mean.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './harness.js';
import type { Suite } from './suite.js';

const CLI = fileURLToPath(new URL('../../bin/cocogen.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Seconds a cocogen command takes; throws with its stderr when it fails. */
function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`cocogen ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function stats(name: string, seconds: number[]): BenchResult {
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const sd = Math.sqrt(seconds.reduce((a, s) => a + (s - mean) ** 2, 0) / Math.max(1, seconds.length - 1));
  return {
    name,
    meanMs: mean * 1000,
    rmePercent: (100 * sd) / mean / Math.sqrt(seconds.length),
    samples: seconds.length,
  };
}

export const studySuite: Suite = {
  name: 'study',
  help: `study [--jobs 20] [--rounds 3] [--points 10000] [--repeat 2]
    cocogen study end to end: the local pool on 2 workers vs 1 (--jobs simulate runs of about a second), the Redis
    queue with one worker vs the pool with one (overhead per job), and a --points sweep through the queue in blocks
    vs one cocogen sweep. The queue rows need redis-server (skipped with a note where it is absent).`,
  options: {
    jobs: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    points: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '2' },
  },
  async run(values, log) {
    const jobs = Number(values.jobs);
    const repeat = Number(values.repeat);
    const dir = mkdtempSync(join(tmpdir(), 'cocogen-bench-study-'));
    const children: ChildProcess[] = [];
    const results: BenchResult[] = [];
    const summary: Record<string, number | string> = {};
    try {
      const study = join(dir, 'study.json');
      const seeds = Array.from({ length: jobs }, (_, i) => i + 1);
      writeFileSync(
        study,
        JSON.stringify({
          name: 'bench',
          simulate: { orgs: 3, rounds: Number(values.rounds), backend: 'native', strategies: ['vcfl', 'mechanism'] },
          seeds,
        }),
      );
      let k = 0;
      const fresh = () => join(dir, `out-${k++}`);
      const runs = (name: string, args: () => string[], before: () => void = () => {}) => {
        const seconds: number[] = [];
        for (let r = 0; r < repeat; r++) {
          before();
          seconds.push(timed(args()));
          log(`${name}: ${seconds.at(-1)!.toFixed(2)} s`);
        }
        results.push(stats(name, seconds));
        return results.at(-1)!.meanMs / 1000;
      };
      const one = runs(`study::local(1 worker):jobs=${jobs}`, () => [
        'study',
        study,
        '--out',
        fresh(),
        '--workers',
        '1',
      ]);
      const two = runs(`study::local(2 workers):jobs=${jobs}`, () => [
        'study',
        study,
        '--out',
        fresh(),
        '--workers',
        '2',
      ]);
      summary['local 2 workers / 1 worker (time)'] = two / one;
      summary['seconds per job (1 worker)'] = one / jobs;

      const redis = spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim();
      if (!redis) {
        summary.queue = 'skipped: redis-server is not installed';
        log('queue rows skipped: redis-server is not installed');
      } else {
        const port = await freePort();
        const url = `redis://127.0.0.1:${port}`;
        children.push(
          spawn(redis, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']),
        );
        const cli = (...a: string[]) => spawnSync('redis-cli', ['-p', String(port), ...a], { encoding: 'utf8' });
        for (let t = 0; t < 100 && cli('ping').stdout.trim() !== 'PONG'; t++)
          await new Promise((r) => setTimeout(r, 50));
        const flush = () => void cli('flushall');
        const worker = (concurrency: number) => {
          const w = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--concurrency', String(concurrency)]);
          children.push(w);
          return w;
        };
        const w1 = worker(1);
        await new Promise((r) => setTimeout(r, 1500)); // ready before the clock starts
        const queued = runs(
          `study::queue(1 worker):jobs=${jobs}`,
          () => ['study', study, '--out', fresh(), '--queue', url],
          flush,
        );
        summary['queue overhead per job (ms, vs local 1 worker)'] = ((queued - one) / jobs) * 1000;
        w1.kill('SIGTERM');

        const points = Number(values.points);
        const g = Array.from({ length: 100 }, (_, i) => i / 99);
        const alpha = Array.from({ length: Math.ceil(points / 200) }, (_, i) => 0.05 * 1.05 ** i);
        const grid = { g, rivalry: [0, 1], alpha, cost: [0.004] };
        const total = g.length * 2 * alpha.length;
        const sweepFile = join(dir, 'sweep.json');
        writeFileSync(
          sweepFile,
          JSON.stringify({ name: 'bench-sweep', sweep: { orgs: 10, seed: 1, points: 500 }, grid }),
        );
        worker(1);
        worker(1);
        await new Promise((r) => setTimeout(r, 1500));
        const viaQueue = runs(
          `sweep-study::queue(2 workers):points=${total}`,
          () => ['study', sweepFile, '--out', fresh(), '--queue', url],
          flush,
        );
        summary['sweep points per second through the queue (2 workers)'] = total / viaQueue;
        if (total <= 10_000) {
          const flags = Object.entries(grid).flatMap(([key, v]) => [`--${key}`, v.join(',')]);
          const single = runs(`sweep::one process:points=${total}`, () => [
            'sweep',
            '--orgs',
            '10',
            '--seed',
            '1',
            ...flags,
            '--out',
            fresh(),
          ]);
          summary['sweep points per second, one cocogen sweep'] = total / single;
        }
      }
    } finally {
      for (const c of children) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      results,
      summary,
      table: {
        headers: ['case', 'mean (s)', '± %', 'runs'],
        rows: results.map((r) => [r.name, r.meanMs / 1000, r.rmePercent, r.samples]),
      },
    };
  },
};
