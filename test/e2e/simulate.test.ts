import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cocogen-simulate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A tiny config: 2 organizations over 600 images, 2 rounds, every strategy; cheap generator fit.
const tiny = [
  '--orgs',
  '2',
  '--rounds',
  '2',
  '--alpha',
  '0.5',
  '--competition',
  '0.3',
  '--seed',
  '3',
  '--pool',
  '600',
  '--cost',
  '2e-4',
  '--backend',
  'js',
];

describe('cocogen simulate', () => {
  const full = join(root, 'full');
  let fullJson: {
    config: unknown;
    strategies: Record<string, { rounds: unknown[]; final: { accuracy: number; loss: number } }>;
  };

  it('runs every strategy on the same seeds and writes CSV, JSON, SVG and a checkpoint', () => {
    const r = runCli(['simulate', ...tiny, '--out', full, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar off a terminal
    fullJson = JSON.parse(r.stdout);
    expect(Object.keys(fullJson.strategies)).toEqual(['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism']);
    for (const [name, s] of Object.entries(fullJson.strategies)) {
      expect(s.rounds).toHaveLength(2);
      const last = s.rounds[1] as {
        round: number;
        accuracy: number;
        loss: number;
        generated: number[];
        utilities: number[];
        predictedUtilities: number[];
        gain: number;
        predictedGain: number;
      };
      expect(last.round).toBe(2);
      expect(s.final).toEqual({ accuracy: last.accuracy, loss: last.loss });
      expect(last.accuracy).toBeGreaterThan(0.3);
      expect(last.generated).toHaveLength(2);
      expect(last.utilities).toHaveLength(2);
      expect(last.predictedUtilities).toHaveLength(2);
      if (name === 'vcfl') {
        expect(last.generated).toEqual([0, 0]);
        expect(last.gain).toBe(0);
        expect(last.predictedGain).toBe(0);
      }
    }
    for (const f of ['checkpoint.json', 'simulation.json', 'simulation.csv', 'accuracy.svg', 'gain.svg'])
      expect(existsSync(join(full, f)), f).toBe(true);
    expect(readFileSync(join(full, 'simulation.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 2 * 5);
    expect(readFileSync(join(full, 'gain.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('--resume continues a run killed after its first round, and ends bit for bit where the uninterrupted run did', () => {
    const dir = join(root, 'killed');
    const killed = runCli(['simulate', ...tiny, '--out', dir, '--stop-after-round', '1']);
    expect(killed.status).toBeNull(); // SIGKILL: no exit code, no results printed
    expect(killed.stdout).toBe('');
    const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(checkpoint.completedRounds).toBe(1);
    const firstRound = checkpoint.strategies.mechanism.rounds[0];

    const resumed = runCli(['simulate', '--resume', dir, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out.strategies.mechanism.rounds[0]).toEqual(firstRound); // not redone, not lost
    // Everything but wall-clock times equals the uninterrupted run.
    const strip = (j: unknown) => JSON.parse(JSON.stringify(j, (k, v) => (k === 'seconds' ? undefined : v)));
    expect(strip(out.strategies)).toEqual(strip(fullJson.strategies));
    expect(out.config).toEqual(fullJson.config);
    const finalCheckpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    const fullCheckpoint = JSON.parse(readFileSync(join(full, 'checkpoint.json'), 'utf8'));
    for (const name of Object.keys(fullCheckpoint.strategies))
      expect(finalCheckpoint.strategies[name].params).toBe(fullCheckpoint.strategies[name].params); // float32 bytes

    // Resuming a finished run redoes nothing; a flag that changes the config is refused.
    const again = runCli(['simulate', '--resume', dir, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(strip(JSON.parse(again.stdout).strategies)).toEqual(strip(out.strategies));
    const clash = runCli(['simulate', '--resume', dir, '--alpha', '2']);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/--alpha/);
  });

  it('names the flag of every bad value and exits 2', () => {
    const bad: [string[], RegExp][] = [
      [['--orgs', '0'], /--orgs/],
      [['--rounds', 'x'], /--rounds/],
      [['--alpha', '-1'], /--alpha/],
      [['--competition', 'nan'], /--competition/],
      [['--strategies', 'vcfl,magic'], /--strategies/],
      [['--model', 'cnn'], /--model/],
      [['--backend', 'cuda'], /--backend/],
      [['--data', '/nonexistent'], /--data/],
      [['--curve', '/nonexistent.json'], /--curve/],
      [['--cost', '-1'], /--cost/],
    ];
    for (const [flags, re] of bad) {
      const r = runCli(['simulate', '--out', join(root, 'bad'), ...flags, '--json']);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
      expect(r.stderr, flags.join(' ')).toMatch(re);
    }
    expect(runCli(['simulate']).stderr).toMatch(/--out/);
    expect(runCli(['simulate', '--resume', join(root, 'nothing-here')]).stderr).toMatch(/--resume/);
  });
});
