// Acceptance: the reference scenarios (shared/reference, copied to test/fixtures) solved by an independent
// implementation of DESIGN §3. Every number must match to 1e-6 relative.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, solveGame } from '../../src/game/index.js';

const RTOL = 1e-6;

interface Profile {
  x: number[];
  utilities: number[];
  socialWelfare: number;
}
interface Fixture {
  scenario: unknown;
  expected: {
    weights: number[];
    outsideOptions: number[];
    equilibrium: Profile;
    optimum: Profile;
    baselines: { vcfl: Profile; wco: Profile };
  };
}

/** Largest relative error, with amounts compared relative to max(|expected|, scale) so that x = 0 compares sanely. */
function maxRelError(actual: ArrayLike<number>, expected: number[], floor = 0): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor, 1e-300);
    worst = Math.max(worst, err);
  }
  return worst;
}

const names = ['game-small-matrix', 'game-uniform-rivalry', 'game-skewed-ten'];

describe.each(names)('reference %s', (name) => {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  const scenario = parseScenario(fixture.scenario);
  const sol = solveGame(scenario, { outsideOptions: true });
  const exp = fixture.expected;
  // Amounts: relative to the organization's own scale d_n + X_n (x = 0 entries have no relative scale of their own).
  const xFloor = (i: number): number => scenario.samples[i] + scenario.maxSynthetic[i];
  const xErr = (actual: Float64Array, expected: number[]): number =>
    Math.max(...expected.map((e, i) => Math.abs(actual[i] - e) / xFloor(i)));

  it('matches weights and outside options', () => {
    expect(maxRelError(sol.weights, exp.weights)).toBeLessThan(RTOL);
    expect(sol.outsideOptions).not.toBeNull();
    expect(sol.outsideOptionsConverged).toBe(true);
    expect(maxRelError(sol.outsideOptions!, exp.outsideOptions)).toBeLessThan(RTOL);
  });

  const profiles: [string, () => { x: Float64Array; utilities: Float64Array; socialWelfare: number }, Profile][] = [
    ['equilibrium', () => sol.equilibrium, exp.equilibrium],
    ['optimum', () => sol.optimum, exp.optimum],
    ['vcfl', () => sol.baselines.vcfl, exp.baselines.vcfl],
    ['wco', () => sol.baselines.wco, exp.baselines.wco],
  ];
  it.each(profiles)('matches %s', (_label, get, expected) => {
    const p = get();
    expect(xErr(p.x, expected.x)).toBeLessThan(RTOL);
    expect(maxRelError(p.utilities, expected.utilities)).toBeLessThan(RTOL);
    expect(Math.abs(p.socialWelfare - expected.socialWelfare) / Math.abs(expected.socialWelfare)).toBeLessThan(RTOL);
  });

  it('reaches KKT ≤ 1e-9', () => {
    expect(sol.potentialGame).toBe(true);
    expect(sol.equilibrium.converged).toBe(true);
    expect(sol.equilibrium.kktResidual).toBeLessThanOrEqual(1e-9);
    expect(sol.optimum.kktResidual).toBeLessThanOrEqual(1e-9);
  });
});
