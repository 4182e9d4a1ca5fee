// Coalition values (the reference kernel) and Shapley values: the shared table of coalition cases (test/cases), Gray-code vs
// from-scratch solves, v(N) = SW(x^opt), the Shapley axioms (efficiency, symmetry, null player), and Monte-Carlo
// against exact with its standard errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildScenario, createGameModel, parseScenario, randomScenario, solveOptimum } from '../../src/game/index.js';
import {
  allCoalitionValues,
  coalitionGame,
  coalitionValues,
  exactShapleyFromValues,
  monteCarloShapley,
  restrictScenario,
  shapleyValues,
  symmetryClasses,
} from '../../src/incentive/index.js';
import { expectClose } from '../support/expect-close.js';
import { COALITION_CASES } from '../cases/coalition-values.cases.js';

const example = (name: string) =>
  parseScenario(JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')));

describe('coalition values (reference kernel)', () => {
  for (const c of COALITION_CASES) {
    it(`${c.name}: every coalition equals its own scenario's social optimum`, () => {
      const game = c.game();
      const scenario = c.scenario();
      const n = game.n;
      const masks = Array.from({ length: 2 ** n }, (_, m) => m);
      const fromScratch = coalitionValues(game, masks);
      const gray = allCoalitionValues(game);
      expect(fromScratch[0]).toBe(0);
      expectClose(gray, fromScratch, { rtol: 1e-9, atol: 1e-9 });
      for (const mask of masks.filter((m) => m !== 0 && (m % 5 === 1 || m === 2 ** n - 1))) {
        const members = Array.from({ length: n }, (_, i) => i).filter((i) => (mask >>> i) & 1);
        const opt = solveOptimum(restrictScenario(scenario, members));
        expectClose([fromScratch[mask]], [opt.socialWelfare], { rtol: 1e-9 });
      }
    });
  }

  it('v(N) is the social welfare at the optimum of the full game', () => {
    const s = randomScenario({ n: 9, seed: 4, intensity: 0.5 });
    const v = allCoalitionValues(coalitionGame(createGameModel(s)));
    expectClose([v[v.length - 1]], [solveOptimum(s).socialWelfare], { rtol: 1e-12 });
  });

  it('rejects masks outside [0, 2^N)', () => {
    const game = COALITION_CASES[0].game();
    expect(() => coalitionValues(game, [1 << game.n])).toThrow(/mask/);
    expect(() => coalitionValues(game, [-1])).toThrow(/mask/);
  });
});

describe('Shapley values', () => {
  it('exact weights on a hand-computed 3-player game', () => {
    // v: {}0 {0}1 {1}2 {0,1}4 {2}0 {0,2}1 {1,2}2 {0,1,2}4 → player 2 is null
    const v = Float64Array.of(0, 1, 2, 4, 0, 1, 2, 4);
    expectClose(exactShapleyFromValues(v, 3), [1.5, 2.5, 0], { atol: 1e-15 });
  });

  it('efficiency: exact values add up to v(N) = SW(x^opt)', () => {
    for (const s of [example('banks-dense'), randomScenario({ n: 12, seed: 2, rivalry: 0.5 })]) {
      const sh = shapleyValues(s);
      const total = sh.values.reduce((a, b) => a + b, 0);
      expectClose([total], [solveOptimum(s).socialWelfare], { rtol: 1e-10 });
      expect(sh.method).toBe('exact');
    }
  });

  it('symmetry: identical organizations get identical values', () => {
    const s = randomScenario({ n: 5, seed: 8 });
    // duplicate organization 1 as a sixth organization
    const cols = (v: Float64Array) => [...v, v[1]];
    const twin = buildScenario({
      ids: [...s.ids, 'twin'],
      classes: s.classes,
      samples: cols(s.samples),
      labelCounts: [...s.labelCounts, ...s.labelCounts.subarray(s.classes, 2 * s.classes)],
      marketValue: cols(s.marketValue),
      costPerSample: cols(s.costPerSample),
      maxSynthetic: cols(s.maxSynthetic),
      privateGain: cols(s.privateGain),
      competition: { uniform: 0.4 },
      learningCurve: s.learningCurve,
    });
    const model = createGameModel(twin);
    expect(Array.from(symmetryClasses(model))).toEqual([0, 1, 2, 3, 4, 1]);
    const sh = shapleyValues(model);
    expectClose([sh.values[5]], [sh.values[1]], { rtol: 1e-10 });
    // Monte-Carlo: identical organizations share one estimate
    const mc = shapleyValues(model, { exactLimit: 0, seed: 3 });
    expect(mc.values[5]).toBe(mc.values[1]);
  });

  it('Monte-Carlo agrees with exact within its standard errors and is reproducible from the seed', () => {
    const s = randomScenario({ n: 10, seed: 5, competition: 'matrix', intensity: 0.5, rivalry: 0.5 });
    const exact = shapleyValues(s);
    const mc = shapleyValues(s, { exactLimit: 0, seed: 9, targetRelativeError: 0.002 });
    expect(mc.method).toBe('monte-carlo');
    expect(mc.relativeStandardError).toBeLessThanOrEqual(0.002);
    const total = mc.values.reduce((a, b) => a + b, 0);
    expectClose([total], [exact.grandValue], { rtol: 1e-9 });
    for (let i = 0; i < 10; i++) {
      expect(Math.abs(mc.values[i] - exact.values[i])).toBeLessThanOrEqual(
        5 * mc.standardErrors[i] + 1e-9 * exact.grandValue,
      );
    }
    const again = shapleyValues(s, { exactLimit: 0, seed: 9, targetRelativeError: 0.002 });
    expect(Array.from(again.values)).toEqual(Array.from(mc.values));
  });

  it('Monte-Carlo at N = 300 reaches 1 % relative standard error on the total', () => {
    const model = createGameModel(randomScenario({ n: 300, seed: 1 }));
    const mc = monteCarloShapley(coalitionGame(model), symmetryClasses(model), { seed: 1 });
    expect(mc.relativeStandardError).toBeLessThanOrEqual(0.01);
    expect(mc.relativeStandardErrorRms).toBeLessThanOrEqual(mc.relativeStandardError);
    expect(mc.coalitionStats.notConverged).toBe(0);
  });
});
