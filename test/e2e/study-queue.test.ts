// `cocogen study --queue` and `cocogen worker` on a real Redis server (Debian's redis-server, started here on a free
// loopback port): a worker SIGKILLed mid-job loses nothing, a killed study resumes, and every run equals the local
// pool's bit for bit (all but the timings). CI installs redis-server; elsewhere the tier skips without it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { timeless } from '../support/timeless.js';

const REDIS = spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim();
if (process.env.CI === 'true' && !REDIS) throw new Error('CI must have redis-server (.ci/run installs it)');

const dir = mkdtempSync(join(tmpdir(), 'cocogen-queue-'));
const children: ChildProcess[] = [];
let url = '';
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function cocogen(args: string[]): ChildProcess & { lines: string[] } {
  const child = spawn(process.execPath, [`${ROOT}bin/cocogen.js`, ...args], { cwd: ROOT }) as ChildProcess & {
    lines: string[];
  };
  child.lines = [];
  child.stdout!.on('data', (d: Buffer) => child.lines.push(...d.toString().split('\n').filter(Boolean)));
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const redisCli = (...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

function runsIn(out: string): Record<string, unknown> {
  const names = readdirSync(join(out, 'runs')).sort();
  return Object.fromEntries(
    names.map((n) => [n, timeless(JSON.parse(readFileSync(join(out, 'runs', n), 'utf8')))] as const),
  );
}

const studyFile = join(dir, 'study.json');
writeFileSync(
  studyFile,
  JSON.stringify({
    name: 'queued',
    simulate: { orgs: 2, rounds: 1, pool: 200, backend: 'native', strategies: ['vcfl', 'mechanism'] },
    grid: { alpha: [0.3, 1, 3] },
    seeds: [1, 2],
  }),
);

describe.skipIf(!REDIS)('cocogen study --queue with cocogen worker (BullMQ on a real Redis)', () => {
  beforeAll(async () => {
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    children.push(redis);
    await until('redis-server', () => redisCli('ping') === 'PONG', 10_000);
  });
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('one of two workers SIGKILLed mid-job: its job is taken over, every run is filed once, equal to the local pool', async () => {
    const local = join(dir, 'local');
    expect(runCli(['study', studyFile, '--out', local, '--workers', '2']).status).toBe(0);

    const out = join(dir, 'queued');
    const study = cocogen(['study', studyFile, '--out', out, '--queue', url, '--json']);
    const doomed = cocogen(['worker', '--queue', url, '--concurrency', '1', '--lock-seconds', '1']);
    cocogen(['worker', '--queue', url, '--concurrency', '1', '--lock-seconds', '1']); // the second of two
    // Once it has finished a job it takes the next at once: kill it while that one is active.
    await until('a first job done', () => doomed.lines.length > 0);
    await until('a job in progress', () => Number(redisCli('llen', 'bull:cocogen-study:active')) > 0);
    doomed.kill('SIGKILL');
    // Its job stays active, under a lock nobody renews, until a worker's stalled check takes it back.
    expect(Number(redisCli('llen', 'bull:cocogen-study:active'))).toBeGreaterThan(0);
    cocogen(['worker', '--queue', url, '--concurrency', '2', '--lock-seconds', '1']); // and one more is started
    expect(await exited(study)).toBe(0);
    expect(JSON.parse(study.lines.join('')).jobs).toEqual({ total: 6, finished: 6, failed: 0, reused: 0 });
    expect(runsIn(out)).toEqual(runsIn(local));
  }, 180_000);

  it('a study killed mid-way and started again resumes: nothing lost, nothing filed twice', async () => {
    const file = join(dir, 'more.json');
    const more = JSON.parse(readFileSync(studyFile, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...more, seeds: [3, 4] }));
    const out = join(dir, 'resumed');
    cocogen(['worker', '--queue', url, '--concurrency', '1', '--lock-seconds', '1']);
    const first = cocogen(['study', file, '--out', out, '--queue', url, '--json']);
    await until('a run filed', () => {
      try {
        return readdirSync(join(out, 'runs')).length > 0;
      } catch {
        return false;
      }
    });
    first.kill('SIGKILL');
    await exited(first);
    const again = runCli(['study', file, '--out', out, '--queue', url, '--json'], { timeoutMs: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    const jobs = JSON.parse(again.stdout).jobs;
    expect(jobs.total).toBe(6);
    expect(jobs.finished).toBe(6);
    expect(jobs.reused).toBeGreaterThan(0);
    const local = join(dir, 'local-more');
    expect(runCli(['study', file, '--out', local, '--workers', '2']).status).toBe(0);
    expect(runsIn(out)).toEqual(runsIn(local));
  }, 180_000);

  it("a sweep study through the queue writes the local pool's files, byte for byte", async () => {
    const file = join(dir, 'sweep.json');
    const grid = { g: [0, 0.5, 1], rivalry: [0, 1], alpha: [0.5, 5], cost: [0.004] };
    writeFileSync(file, JSON.stringify({ name: 'sweep', sweep: { orgs: 5, seed: 2, points: 5 }, grid }));
    cocogen(['worker', '--queue', url, '--concurrency', '2']);
    const queued = runCli(['study', file, '--out', join(dir, 'sweep-q'), '--queue', url], { timeoutMs: 120_000 });
    expect(queued.status, queued.stderr).toBe(0);
    expect(runCli(['study', file, '--out', join(dir, 'sweep-l'), '--workers', '2']).status).toBe(0);
    for (const f of ['sweep.csv', 'welfare.svg'])
      expect(readFileSync(join(dir, 'sweep-q', f), 'utf8'), f).toBe(readFileSync(join(dir, 'sweep-l', f), 'utf8'));
  }, 180_000);

  it('an unreachable Redis is QUEUE_UNAVAILABLE naming the URL within seconds, not a hang', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    // runCli's timeout turns a hang into a failure (status null).
    for (const args of [
      ['study', studyFile, '--out', join(dir, 'dead'), '--queue', dead, '--json'],
      ['worker', '--queue', dead, '--json'],
    ]) {
      const r = runCli(args, { timeoutMs: 30_000 });
      expect(r.status, args[0]).toBe(1);
      const { error } = JSON.parse(r.stderr);
      expect(error.code).toBe('QUEUE_UNAVAILABLE');
      expect(error.message).toContain(dead);
    }
  });
});
