// `cocogen study` on the local pool, as a user runs it: every run is `cocogen simulate`'s result for its cell and
// seed (all but the timings), the summaries are computed from them, a restarted study resumes, and a failing job is
// reported while the others finish.
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { timeless } from '../support/timeless.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { orgs: 2, rounds: 1, pool: 200, backend: 'native', strategies: ['vcfl', 'radg', 'mechanism'] };
const studyFile = join(dir, 'study.json');
writeFileSync(
  studyFile,
  JSON.stringify({ name: 'tiny', simulate: base, grid: { alpha: [0.3, 3], competition: [0.2] }, seeds: [1, 2] }),
);
const out = join(dir, 'out');

describe('cocogen study (local pool)', () => {
  let first: { jobs: { total: number; finished: number; failed: number; reused: number }; cells: unknown[] };

  it('runs every (cell, seed) on two workers and files each run under its id', () => {
    const r = runCli(['study', studyFile, '--out', out, '--workers', '2', '--json'], { timeoutMs: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    first = JSON.parse(r.stdout);
    expect(first.jobs).toEqual({ total: 4, finished: 4, failed: 0, reused: 0 });
    expect(readdirSync(join(out, 'runs'))).toHaveLength(4);
    for (const f of ['study.json', 'study.csv', 'report.md', 'welfare.svg', 'generation.svg'])
      expect(readdirSync(out)).toContain(f);
  });

  it("each run is exactly `cocogen simulate --json`'s result for its cell and seed (all but the timings)", () => {
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    const cell = study.cells.find((c: { params: { alpha: number } }) => c.params.alpha === 3);
    const run = JSON.parse(readFileSync(join(out, 'runs', `${cell.runs[1]}.json`), 'utf8'));
    const flags = ['--orgs', '2', '--rounds', '1', '--pool', '200', '--backend', 'native'];
    const r = runCli([
      'simulate',
      ...flags,
      '--strategies',
      'vcfl,radg,mechanism',
      '--alpha',
      '3',
      '--competition',
      '0.2',
      '--seed',
      '2',
      '--out',
      join(dir, 'sim'),
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(timeless(run)).toEqual(timeless(JSON.parse(r.stdout)));
  });

  it('summarizes each cell over its seeds in study.json, study.csv and report.md', () => {
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(study.cells).toHaveLength(2);
    for (const cell of study.cells) {
      expect(cell.runs).toHaveLength(2);
      expect(cell.comparison.seeds).toEqual([1, 2]);
      expect(Object.keys(cell.comparison.summary)).toEqual(['vcfl', 'radg', 'mechanism']);
      // The mean accuracy is the mean of the runs' last-round accuracies.
      const accuracies = cell.runs.map(
        (id: string) =>
          JSON.parse(readFileSync(join(out, 'runs', `${id}.json`), 'utf8')).strategies.mechanism.final.accuracy,
      );
      expect(cell.comparison.summary.mechanism.accuracy.mean).toBeCloseTo((accuracies[0] + accuracies[1]) / 2, 12);
      expect(Object.keys(cell.comparison.comparisons)).toEqual(['vcfl', 'radg']);
    }
    const csv = readFileSync(join(out, 'study.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 2 * 3);
    expect(csv[0]).toMatch(/^alpha,competition,strategy,runs,accuracy_mean,/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /^# Study: tiny\n[\s\S]*## alpha = 0\.3, competition = 0\.2/,
    );
  });

  it('run again on the same DIR, it resumes: finished runs are kept, a missing one runs again', () => {
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    const lost = study.cells[0].runs[0];
    const before = readFileSync(join(out, 'runs', `${lost}.json`), 'utf8');
    unlinkSync(join(out, 'runs', `${lost}.json`));
    const r = runCli(['study', studyFile, '--out', out, '--workers', '1', '--json'], { timeoutMs: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).jobs).toEqual({ total: 4, finished: 4, failed: 0, reused: 3 });
    expect(timeless(JSON.parse(readFileSync(join(out, 'runs', `${lost}.json`), 'utf8')))).toEqual(
      timeless(JSON.parse(before)),
    );
  });

  it('a sweep study writes, from its blocks, exactly the files cocogen sweep writes for the whole grid', () => {
    const file = join(dir, 'sweep.json');
    const grid = { g: [0, 0.25, 0.5, 0.75, 1], rivalry: [0, 1], alpha: [0.2, 2], cost: [0.004] };
    writeFileSync(file, JSON.stringify({ name: 'sweep', sweep: { orgs: 6, seed: 3, points: 7 }, grid }));
    const r = runCli(['study', file, '--out', join(dir, 'sweep'), '--workers', '2', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.points).toBe(20);
    expect(o.jobs).toMatchObject({ total: 3, finished: 3, failed: 0 }); // 7 + 7 + 6 points
    const flags = Object.entries(grid).flatMap(([k, v]) => [`--${k}`, v.join(',')]);
    const ref = runCli(['sweep', '--orgs', '6', '--seed', '3', ...flags, '--out', join(dir, 'sweep-ref')]);
    expect(ref.status, ref.stderr).toBe(0);
    for (const f of ['sweep.csv', 'generation-vs-competition.svg', 'generation-vs-skew.svg', 'welfare.svg'])
      expect(readFileSync(join(dir, 'sweep', f), 'utf8'), f).toBe(readFileSync(join(dir, 'sweep-ref', f), 'utf8'));
  });

  it('a job that fails is reported with its error; the others finish and the exit code is 1', () => {
    const file = join(dir, 'failing.json');
    // 300 organizations cannot share a pool of 200 samples: refused when the run reads its data.
    const { orgs: _orgs, ...shared } = base;
    writeFileSync(file, JSON.stringify({ name: 'failing', simulate: shared, grid: { orgs: [2, 300] }, seeds: [1] }));
    const r = runCli(['study', file, '--out', join(dir, 'failing'), '--workers', '2', '--json'], {
      timeoutMs: 240_000,
    });
    expect(r.status).toBe(1);
    const o = JSON.parse(r.stdout);
    expect(o.jobs).toMatchObject({ total: 2, finished: 1, failed: 1 });
    expect(o.cells[1].failed[0].error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(o.cells[1].failed[0].error.message).toMatch(/--orgs/);
    expect(readFileSync(join(dir, 'failing', 'report.md'), 'utf8')).toMatch(/failed: .*--orgs/);
  });
});
