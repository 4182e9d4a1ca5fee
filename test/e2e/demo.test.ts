import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('cocogen demo', () => {
  it('runs a small simulation on the shipped subset and ends with the strategy table', () => {
    const t0 = Date.now();
    const r = runCli(['demo', '--backend', 'js']);
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/Simulated 5 rounds: 3 organizations/);
    for (const label of [
      'VCFL (no generation)',
      'WCO (competition-oblivious)',
      'RaDG (random amounts)',
      'equilibrium (no incentive)',
      'mechanism (social optimum)',
    ])
      expect(r.stdout).toContain(label);
    expect(r.stdout).toMatch(/predicted gain\s+realized gain/);
    expect(r.stdout).toMatch(/js\s+[\d.]+/);
  });

  it('--json: the simulation per strategy, and generation buys accuracy', () => {
    const r = runCli(['demo', '--backend', 'js', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const s = j.simulation.strategies;
    expect(Object.keys(s)).toEqual(['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism']);
    expect(s.vcfl.rounds).toHaveLength(5);
    // The mechanism generates the most and beats training on real data alone.
    expect(s.mechanism.final.accuracy).toBeGreaterThan(s.vcfl.final.accuracy);
    const total = (name: string) => s[name].rounds[4].generated.reduce((a: number, b: number) => a + b, 0);
    expect(total('mechanism')).toBeGreaterThanOrEqual(total('equilibrium'));
    expect(j.backends.map((b: { backend: string }) => b.backend)).toEqual(['js']);
    expect(j.backends[0].maxRelativeError).toBeLessThan(1e-6);
  });
});
