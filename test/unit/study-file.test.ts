// Study files (src/cli/study/study-file.ts): strict by type and by the rules of `cocogen simulate`, with errors that
// name the value's place in the file; cells and job ids as documented.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { jobId, parseStudy, studyCells, studyJobs } from '../../src/cli/study/study-file.js';
import { simulationRunConfig } from '../../src/cli/simulation-run.js';

const FILE = '/tmp/study.json';
const good = {
  name: 'skew-vs-competition',
  simulate: { orgs: 4, rounds: 3, model: 'softmax', backend: 'native' },
  grid: { alpha: [0.1, 1], competition: [0.1, 0.5] },
  seeds: [1, 2, 3],
};
const text = (o: unknown) => JSON.stringify(o);

function refused(study: unknown, message: RegExp, jobs = false): void {
  let error: unknown;
  try {
    const s = parseStudy(typeof study === 'string' ? study : text(study), FILE);
    if (jobs) studyJobs(s);
  } catch (e) {
    error = e;
  }
  expect(error, String(message)).toBeInstanceOf(CocogenError);
  expect((error as CocogenError).code).toBe('INVALID_ARGUMENT');
  expect((error as CocogenError).message).toMatch(message);
}

describe('parseStudy', () => {
  it('reads the documented example; cells cross the grid, the first axis slowest', () => {
    const s = parseStudy(text(good), FILE);
    expect(s.seeds).toEqual([1, 2, 3]);
    expect(studyCells(s).map((c) => c.params)).toEqual([
      { alpha: 0.1, competition: 0.1 },
      { alpha: 0.1, competition: 0.5 },
      { alpha: 1, competition: 0.1 },
      { alpha: 1, competition: 0.5 },
    ]);
    const jobs = studyJobs(s);
    expect(jobs).toHaveLength(12);
    expect(jobs[0]!.flags).toEqual({
      seed: '1',
      orgs: '4',
      rounds: '3',
      model: 'softmax',
      backend: 'native',
      alpha: '0.1',
      competition: '0.1',
    });
    expect(new Set(jobs.map((j) => j.id)).size).toBe(12);
    expect(parseStudy(text({ ...good, seeds: '1-3' }), FILE).seeds).toEqual([1, 2, 3]);
    expect(studyCells(parseStudy(text({ ...good, grid: undefined }), FILE))).toEqual([{ index: 0, params: {} }]);
  });

  it('files a run under the same id however the study spells it, and under another for any other config', () => {
    const a = studyJobs(parseStudy(text(good), FILE));
    const b = studyJobs(
      parseStudy(text({ ...good, simulate: { ...good.simulate, alpha: 0.1 }, grid: { competition: [0.1] } }), FILE),
    );
    expect(b[0]!.id).toBe(a[0]!.id);
    const { config, backend } = simulationRunConfig(a[0]!.flags);
    expect(jobId(config, backend)).toBe(a[0]!.id);
    expect(jobId({ ...config, seed: 9 }, backend)).not.toBe(a[0]!.id);
    expect(jobId(config, 'js')).not.toBe(a[0]!.id);
  });

  it('takes dataset as an option: a string, not a path', () => {
    const curve = { ...good.simulate, dataset: 'mnist', curve: 'cal.json' };
    const s = parseStudy(text({ ...good, simulate: curve, grid: undefined }), '/x/y/study.json');
    expect(s.base).toMatchObject({ dataset: 'mnist', curve: '/x/y/cal.json' });
  });

  it('resolves data and curve paths against the study file', () => {
    const s = parseStudy(text({ ...good, simulate: { ...good.simulate, data: 'sub/data' } }), '/x/y/study.json');
    expect(s.base.data).toBe('/x/y/sub/data');
  });

  it('reads a sweep study and cuts its grid into blocks in sweepGame order, none above the block size', () => {
    const sweep = {
      name: 's',
      sweep: { orgs: 4, seed: 2, points: 3 },
      grid: { g: [0, 0.5], rivalry: [0, 1], alpha: [1, 2] },
    };
    const s = parseStudy(text(sweep), FILE);
    expect(s.kind).toBe('sweep');
    const jobs = studyJobs(s);
    const sizes = jobs.map((j) => j.segments!.reduce((n, seg) => n + seg.g.length, 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2 * 2 * 2 * 3); // the default costs: 3
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(jobs[0]!.segments![0]).toEqual({ alpha: 1, cost: 0.002, rivalry: 0, g: [0, 0.5] });
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    refused({ ...sweep, seeds: [1] }, /sweep\.seed for seeds in/);
    refused({ ...sweep, simulate: {} }, /one kind of run/);
    refused({ ...sweep, sweep: { orgs: 4, points: 0 } }, /sweep\.points in/);
    refused({ ...sweep, grid: { lambda: [0] } }, /grid\.lambda in/);
    refused({ ...sweep, grid: { g: [0, 'x'] } }, /grid\.g\[1\] in/);
    refused({ ...sweep, grid: { g: [-1] } }, /grid\.g in/, true);
    refused({ ...sweep, sweep: { orgs: 1 } }, /sweep\.orgs in/, true);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{ name: ', /not JSON/],
    ['an array', [], /\(the file\)/],
    ['an unknown top key', { ...good, seed: 1 }, /seed in \/tmp\/study\.json .*unknown key/],
    ['no name', { ...good, name: '' }, /for name in/],
    ['no simulate', { ...good, simulate: undefined }, /simulate in .* but received none/],
    ['an unknown simulate key', { ...good, simulate: { orgz: 3 } }, /simulate\.orgz in .*unknown key/],
    ['seed in simulate', { ...good, simulate: { seed: 3 } }, /simulate\.seed in/],
    ['a string number', { ...good, simulate: { orgs: '4' } }, /a finite number for simulate\.orgs in/],
    ['a number for a string option', { ...good, simulate: { model: 3 } }, /simulate\.model in/],
    ['a grid that is not lists', { ...good, grid: { alpha: 0.1 } }, /grid\.alpha in/],
    ['an empty grid list', { ...good, grid: { alpha: [] } }, /grid\.alpha in/],
    ['a repeated grid value', { ...good, grid: { alpha: [0.1, 0.1] } }, /without repeats for grid\.alpha/],
    ['a grid entry of the wrong type', { ...good, grid: { alpha: [0.1, '1'] } }, /grid\.alpha\[1\] in/],
    ['a key in simulate and grid', { ...good, grid: { orgs: [3] } }, /not both for grid\.orgs in/],
    ['no seeds', { ...good, seeds: [] }, /for seeds in/],
    ['a negative seed', { ...good, seeds: [1, -2] }, /for seeds in/],
    ['repeated seeds', { ...good, seeds: '1-3,2' }, /seeds in/],
  ];
  it.each(bad)('refuses %s, naming the place', (_what, study, message) => refused(study, message));

  const badRules: [string, unknown, RegExp][] = [
    ['alpha 0 in the grid', { ...good, grid: { alpha: [0.1, 0] } }, /Expected a number > 0 .* for grid\.alpha\[1\] in/],
    ['a model it lacks', { ...good, simulate: { ...good.simulate, model: 'rnn' } }, /for simulate\.model in/],
    ['a backend it lacks', { ...good, simulate: { ...good.simulate, backend: 'cuda' } }, /simulate\.backend in/],
    ['a missing curve', { ...good, simulate: { ...good.simulate, curve: 'nope.json' } }, /simulate\.curve in/],
    [
      'validation without online',
      { ...good, grid: { validation: [100, 200] } },
      /only beside --recalibrate online .* for grid\.validation\[0\] in/,
    ],
    ['an unknown strategy', { ...good, simulate: { ...good.simulate, strategies: ['vcfl', 'best'] } }, /strategies/],
    [
      'a dataset it lacks',
      { ...good, simulate: { ...good.simulate, dataset: 'digits' } },
      /fashion-mnist or mnist for simulate\.dataset in/,
    ],
    ['a dataset of the wrong type', { ...good, grid: { dataset: ['mnist', 3] } }, /grid\.dataset\[1\] in/],
  ];
  it.each(badRules)("refuses %s by simulate's rule, naming the place", (_what, study, message) =>
    refused(study, message, true),
  );
});
