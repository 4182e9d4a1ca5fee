// `cocogen solve` end to end: the built CLI in a child process, as a user runs it (npm run build:ts first).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-solve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeScenario(name: string, scenario: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** Solves `file` with --json; the run must succeed with nothing on stderr. */
function solveJson(file: string, ...flags: string[]): any {
  const r = runCli(['solve', file, '--json', ...flags]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout.trim().split('\n')).toHaveLength(1); // one JSON object on one line
  return JSON.parse(r.stdout);
}

/** The shape the issue fixes (extra fields allowed), with every per-organization array of length n. */
function expectSolutionShape(out: any, n: number): void {
  const vector = (v: unknown) => {
    expect(Array.isArray(v)).toBe(true);
    expect(v).toHaveLength(n);
    for (const e of v as unknown[]) expect(Number.isFinite(e)).toBe(true);
  };
  expect(typeof out.potentialGame).toBe('boolean');
  vector(out.weights);
  if (out.outsideOptions !== null) vector(out.outsideOptions);
  const eq = out.equilibrium;
  vector(eq.x);
  vector(eq.utilities);
  for (const key of ['socialWelfare', 'kktResidual', 'seconds', 'iterations'])
    expect(typeof eq[key], key).toBe('number');
  expect(eq.potential === null || typeof eq.potential === 'number').toBe(true);
  expect(typeof eq.converged).toBe('boolean');
  expect(eq.seconds).toBeGreaterThanOrEqual(0);
  expect(Number.isInteger(eq.iterations)).toBe(true);
  for (const profile of [out.optimum, out.baselines.vcfl, out.baselines.wco, out.baselines.radg]) {
    vector(profile.x);
    vector(profile.utilities);
    expect(typeof profile.socialWelfare).toBe('number');
  }
  expect(out.baselines.vcfl.x.every((v: number) => v === 0)).toBe(true);
  expect(out.ids).toHaveLength(n);
}

describe('cocogen solve on the shipped examples', () => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
  it('ships some examples', () => expect(examples.length).toBeGreaterThanOrEqual(3));

  it.each(examples)('%s: the JSON report has the documented shape and a converged equilibrium', (name) => {
    const file = join(ROOT, 'examples', name);
    const scenario = readJson(file);
    const out = solveJson(file);
    const n = scenario.organizations.length;
    expectSolutionShape(out, n);
    expect(out.ids).toEqual(scenario.organizations.map((o: { id: string }) => o.id));
    expect(out.potentialGame).toBe(true);
    expect(out.equilibrium.converged).toBe(true);
    expect(out.equilibrium.kktResidual).toBeLessThanOrEqual(1e-9);
    expect(out.outsideOptions).toHaveLength(n);
    // The optimum maximizes SW, so it is at least as good as every other profile.
    for (const sw of [out.equilibrium, out.baselines.vcfl, out.baselines.wco, out.baselines.radg].map(
      (p) => p.socialWelfare,
    )) {
      expect(out.optimum.socialWelfare).toBeGreaterThanOrEqual(sw - 1e-9 * Math.abs(sw));
    }
    // Amounts stay in the box [0, X_n].
    out.equilibrium.x.forEach((x: number, i: number) => {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(scenario.organizations[i].maxSynthetic);
    });
  });

  it('prints a readable report without --json', () => {
    const r = runCli(['solve', join(ROOT, 'examples', 'hospitals-uniform.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^id\s+weight w_n\s+outside O_n\s+x equilibrium\s+x optimum\s+x WCO\s+x RaDG\s+U equilibrium\s+U optimum/m,
    );
    expect(r.stdout).toMatch(/^st-mary\s/m);
    for (const row of [
      'equilibrium (no incentive)',
      'social optimum',
      'VCFL (no generation)',
      'WCO (competition-oblivious)',
      'RaDG (random, seed 1)',
    ]) {
      expect(r.stdout).toContain(row);
    }
    expect(r.stdout).toMatch(/KKT residual/);
    expect(r.stdout).toMatch(/iterations/);
    expect(r.stdout).toMatch(/Potential game: yes/);
  });
});

describe('cocogen solve against the reference fixtures', () => {
  const fixtures = ['game-small-matrix', 'game-uniform-rivalry', 'game-skewed-ten'];
  it.each(fixtures)('%s: equilibrium, weights and optimum match to 1e-6 relative', (name) => {
    const fixture = readJson(join(ROOT, 'test', 'fixtures', `${name}.json`));
    const out = solveJson(writeScenario(`${name}.json`, fixture.scenario));
    const exp = fixture.expected;
    const n = fixture.scenario.organizations.length;
    expectSolutionShape(out, n);
    // Relative error, with a floor of one sample for amounts that are exactly zero.
    const close = (actual: number[], expected: number[], floor: number) =>
      expected.forEach((e, i) =>
        expect(Math.abs(actual[i]! - e) / Math.max(Math.abs(e), floor), `entry ${i}`).toBeLessThan(1e-6),
      );
    close(out.equilibrium.x, exp.equilibrium.x, 1);
    close(out.equilibrium.utilities, exp.equilibrium.utilities, 1e-9);
    close(out.weights, exp.weights, 1e-9);
    close(out.outsideOptions, exp.outsideOptions, 1e-9);
    close(out.optimum.x, exp.optimum.x, 1);
    close(
      [out.equilibrium.socialWelfare, out.optimum.socialWelfare],
      [exp.equilibrium.socialWelfare, exp.optimum.socialWelfare],
      1e-9,
    );
    close(out.baselines.wco.x, exp.baselines.wco.x, 1);
    close([out.baselines.vcfl.socialWelfare], [exp.baselines.vcfl.socialWelfare], 1e-9);
  });
});

describe('cocogen solve options', () => {
  const hospitals = join(ROOT, 'examples', 'hospitals-uniform.json');
  it('--seed draws another RaDG profile; the same seed the same one', () => {
    const a = solveJson(hospitals, '--seed', '7');
    const b = solveJson(hospitals, '--seed', '7');
    const c = solveJson(hospitals, '--seed', '8');
    expect(a.baselines.radg.x).toEqual(b.baselines.radg.x);
    expect(a.baselines.radg.x).not.toEqual(c.baselines.radg.x);
    expect(a.equilibrium.x).toEqual(c.equilibrium.x);
  });
  it('--no-outside-options leaves them out', () => {
    expect(solveJson(hospitals, '--no-outside-options').outsideOptions).toBeNull();
  });
});

describe('a game that is not a potential game', () => {
  // Strong competition as an externality (λ = 0): w_n = ρ_n − 0.9·mean of the others' ρ is ≤ 0 for small players.
  const scenario = {
    ...readJson(join(ROOT, 'examples', 'hospitals-uniform.json')),
    competition: { uniform: 0.9 },
    rivalry: 0,
  };
  const file = writeScenario('non-potential.json', scenario);

  it('reports potentialGame false, names the organizations with w_n ≤ 0, and still returns a converged profile', () => {
    const out = solveJson(file);
    expectSolutionShape(out, scenario.organizations.length);
    expect(out.potentialGame).toBe(false);
    const broken = out.ids.filter((_: string, i: number) => out.weights[i] <= 0);
    expect(broken.length).toBeGreaterThan(0);
    expect(out.nonPotential).toEqual(broken);
    expect(out.equilibrium.method).toBe('best-response-dynamics');
    expect(out.equilibrium.potential).toBeNull();
    expect(typeof out.equilibrium.converged).toBe('boolean');
  });
  it('says so in the readable report', () => {
    const r = runCli(['solve', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Potential game: NO\. w_n ≤ 0 for [^\n]*st-mary/);
  });
});

describe('cocogen solve on bad input exits 2', () => {
  const hospitals = readJson(join(ROOT, 'examples', 'hospitals-uniform.json'));

  it('an invalid scenario: INVALID_SCENARIO naming the organization, the field and the file', () => {
    const bad = structuredClone(hospitals);
    bad.organizations[1].samples = -5;
    const file = writeScenario('negative-samples.json', bad);
    const r = runCli(['solve', file, '--json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_SCENARIO');
    expect(error.message).toContain('organizations[1] ("city-general").samples');
    expect(error.message).toContain(file);
  });
  it('the same error as a line of text without --json', () => {
    const bad = structuredClone(hospitals);
    bad.competition = [
      [0, 1],
      [1, 0],
    ];
    const r = runCli(['solve', writeScenario('non-square.json', bad)]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cocogen: Expected a square matrix .* \[INVALID_SCENARIO\]\n$/);
  });
  it('a file that is not JSON: INVALID_SCENARIO with the path', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "organizations": [');
    const r = runCli(['solve', file, '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'INVALID_SCENARIO', message: expect.stringContaining(file) },
    });
  });
  it('a missing file: INVALID_ARGUMENT with the path', () => {
    const file = join(dir, 'no-such-scenario.json');
    const r = runCli(['solve', file, '--json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(file);
    expect(error.message).toContain('no such file');
  });
  it('a directory instead of a file, no file, two files, a bad seed', () => {
    for (const args of [
      ['solve', dir],
      ['solve'],
      ['solve', 'a.json', 'b.json'],
      ['solve', join(ROOT, 'examples', 'hospitals-uniform.json'), '--seed', '-1'],
    ]) {
      const r = runCli([...args, '--json']);
      expect(r.status, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
    }
  });
});
