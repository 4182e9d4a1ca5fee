import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cocogen-calibrate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cocogen calibrate', () => {
  it('fits the curve on a small grid and writes JSON, CSV and SVG', () => {
    const out = join(root, 'cal');
    const r = runCli([
      'calibrate',
      '--out',
      out,
      '--sizes',
      '200,600,1800',
      '--alphas',
      '0.1,10',
      '--orgs',
      '3',
      '--rounds',
      '2',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.points).toHaveLength(6);
    expect(j.config.dataset).toBe('fashion-mnist');
    expect(j.fit.rSquared).toBeGreaterThan(0.5);
    for (const k of ['floor', 'scale', 'exponent', 'heterogeneity']) expect(j.learningCurve[k]).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8')).learningCurve).toEqual(j.learningCurve);
    expect(readFileSync(join(out, 'calibration.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect(readFileSync(join(out, 'calibration.svg'), 'utf8')).toMatch(/R² = /);
    // The calibrated curve drives a simulation.
    const s = runCli([
      'simulate',
      '--out',
      join(root, 'sim'),
      '--curve',
      join(out, 'calibration.json'),
      '--orgs',
      '2',
      '--rounds',
      '1',
      '--pool',
      '300',
      '--strategies',
      'vcfl,equilibrium',
      '--backend',
      'js',
      '--json',
    ]);
    expect(s.status, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).config.curve).toMatchObject({ floor: j.learningCurve.floor });
  });

  it('rejects bad flags with exit 2, naming the flag', () => {
    for (const [flags, re] of [
      [['--sizes', '100,abc'], /--sizes/],
      [['--alphas', '0'], /--alphas/],
      [['--sizes', '100000'], /--sizes/],
      [['--model', 'rnn'], /--model/],
      [['--synthetic', '-1'], /--synthetic/],
      [['--synthetic', '0,x'], /--synthetic/],
      [['--synthetic', '0.5,0.5'], /--synthetic/],
      [['--synthetic', '101'], /--synthetic/],
    ] as [string[], RegExp][]) {
      const r = runCli(['calibrate', '--out', join(root, 'bad'), ...flags]);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    expect(runCli(['calibrate']).stderr).toMatch(/--out/);
  });
});
