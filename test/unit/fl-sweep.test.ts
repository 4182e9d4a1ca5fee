// sweepGame and its bases (src/fl/sweep.ts): the grid loop of `cocogen sweep` called from the API.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { labelCountsFromDirichlet } from '../../src/fl/partition.js';
import {
  builtInSweepBase,
  DEFAULT_SWEEP_GRID,
  MAX_SWEEP_POINTS,
  sweepBaseFromScenario,
  sweepCsv,
  sweepGame,
  sweepSummary,
  type SweepGrid,
  type SweepPoint,
} from '../../src/fl/sweep.js';
import { buildScenario, parseScenario, solveGame, withCompetition } from '../../src/game/index.js';

const GRID: SweepGrid = { g: [0, 1], rivalry: [0, 1], alpha: [0.1, 1], cost: [0.004] };
const hospitals = () => parseScenario(JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8')));

/** Runs `f` and returns the CocogenError it throws (failing the test when it throws none or another error). */
function thrown(f: () => unknown): CocogenError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CocogenError);
    return e as CocogenError;
  }
  throw new Error('expected a CocogenError');
}

describe('sweepGame', () => {
  const base = builtInSweepBase(5, 3);

  it('solves every grid point in the order α, cost, λ, g (g fastest)', () => {
    const points = sweepGame(base, GRID, { seed: 3 });
    expect(points).toHaveLength(2 * 2 * 2);
    expect(points.map((p) => [p.alpha, p.rivalry, p.g])).toEqual([
      [0.1, 0, 0],
      [0.1, 0, 1],
      [0.1, 1, 0],
      [0.1, 1, 1],
      [1, 0, 0],
      [1, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    for (const p of points) {
      expect(p.cost).toBe(0.004);
      expect(p.socialWelfare.optimum).toBeGreaterThanOrEqual(
        p.socialWelfare.vcfl - 1e-9 * Math.abs(p.socialWelfare.vcfl),
      );
      expect(p.generation.equilibrium).toBeGreaterThanOrEqual(0);
    }
    // One federation per α: every point at one α shares its skew.
    expect(new Set(points.filter((p) => p.alpha === 1).map((p) => p.meanInitialSkew)).size).toBe(1);
  });

  it('gives the point solveGame gives for the same scenario', () => {
    const [point] = sweepGame(base, { g: [0.5], rivalry: [1], alpha: [1], cost: [0.004] }, { seed: 3 });
    // The same scenario built by hand, with the label counts Dirichlet(1) draws from the seed.
    const sol = solveGame(
      withCompetition(
        buildScenario({
          ids: base.ids,
          classes: base.classes,
          samples: base.sizes,
          labelCounts: labelCountsFromDirichlet(base.sizes, base.classes, 1, 3).flat(),
          marketValue: base.marketValue,
          costPerSample: new Float64Array(5).fill(0.004),
          maxSynthetic: base.maxSynthetic,
          privateGain: base.privateGain,
          competition: { uniform: 0 },
          target: base.target,
          learningCurve: base.learningCurve,
        }),
        { kind: 'uniform', intensity: 0.5 },
        1,
      ),
      { seed: 3, outsideOptions: false },
    );
    expect(point!.socialWelfare.equilibrium).toBe(sol.equilibrium.socialWelfare);
    expect(point!.generation.optimum).toBe(sol.optimum.x.reduce((a, b) => a + b, 0));
  });

  it('is reproducible from the seed and calls onPoint once per point', () => {
    const seen: [number, number, SweepPoint][] = [];
    const points = sweepGame(base, GRID, { seed: 3, onPoint: (done, total, p) => seen.push([done, total, p]) });
    expect(seen.map(([d, t]) => [d, t])).toEqual(points.map((_, i) => [i + 1, points.length]));
    expect(seen.map(([, , p]) => p)).toEqual(points);
    expect(sweepGame(base, GRID, { seed: 3 })).toEqual(points);
    expect(sweepGame(base, GRID, { seed: 4 })).not.toEqual(points);
    expect(sweepGame(base, GRID)).toEqual(sweepGame(base, GRID, { seed: 1 })); // seed 1 by default
  });

  it('keeps each organization’s own cost at a null cost (a base from a scenario)', () => {
    const own = sweepBaseFromScenario(hospitals());
    const points = sweepGame(own, { g: [0, 1], rivalry: [0], alpha: [0.5], cost: [null, 0.01] });
    expect(points.map((p) => p.cost)).toEqual([null, null, 0.01, 0.01]);
    expect(sweepCsv(points).split('\n')[1]).toMatch(/^0\.5,[^,]+,,0,0,/); // null: an empty cell
  });

  it('summarizes the points that are not potential games or did not converge', () => {
    const [p] = sweepGame(base, { g: [0], rivalry: [0], alpha: [1], cost: [0.004] }, { seed: 3 });
    const ok = { ...p!, potentialGame: true, equilibriumConverged: true, optimumConverged: true };
    expect(sweepSummary([ok, ok])).toEqual({ nonPotential: 0, nonConverged: 0 });
    expect(
      sweepSummary([
        ok,
        { ...ok, potentialGame: false },
        { ...ok, equilibriumConverged: false },
        { ...ok, optimumConverged: false, potentialGame: false },
      ]),
    ).toEqual({ nonPotential: 2, nonConverged: 2 });
  });

  it('writes sweep.csv: a header with units, one row per point', () => {
    const points = sweepGame(base, GRID, { seed: 3 });
    const lines = sweepCsv(points).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + points.length);
    expect(lines[0]).toMatch(/^"?alpha \[dimensionless\]"?,/);
    expect(lines[1]!.split(',')[4]).toBe(String(points[0]!.g));
  });
});

describe('sweepGame refuses bad input with typed errors naming what broke', () => {
  const base = builtInSweepBase(3, 1);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'an unknown option',
      () => sweepGame(base, GRID, { sede: 1 } as never),
      /for options\.sede but received an unknown option/,
    ],
    ['options that are not an object', () => sweepGame(base, GRID, 3 as never), /an options object for options/],
    ['a negative seed', () => sweepGame(base, GRID, { seed: -1 }), /non-negative integer \(a seed\) for options\.seed/],
    ['a fractional seed', () => sweepGame(base, GRID, { seed: 1.5 }), /for options\.seed/],
    ['onPoint not a function', () => sweepGame(base, GRID, { onPoint: 1 as never }), /a function for options\.onPoint/],
    [
      'an unknown grid axis',
      () => sweepGame(base, { ...GRID, beta: [1] } as never),
      /for grid\.beta but received an unknown option/,
    ],
    [
      'a missing axis',
      () => sweepGame(base, { g: [0], rivalry: [0], alpha: [1] } as never),
      /non-empty array of numbers for grid\.cost/,
    ],
    ['an empty axis', () => sweepGame(base, { ...GRID, g: [] }), /non-empty array of numbers for grid\.g/],
    [
      'a rivalry above 1',
      () => sweepGame(base, { ...GRID, rivalry: [0, 2] }),
      /in \[0, 1\] for grid\.rivalry\[1\] but received 2/,
    ],
    ['a negative g', () => sweepGame(base, { ...GRID, g: [-0.1] }), /≥ 0 for grid\.g\[0\]/],
    ['α = 0', () => sweepGame(base, { ...GRID, alpha: [0] }), /> 0 for grid\.alpha\[0\]/],
    ['NaN cost', () => sweepGame(base, { ...GRID, cost: [NaN] }), /for grid\.cost\[0\] but received NaN/],
    ['a repeat', () => sweepGame(base, { ...GRID, g: [0, 0] }), /not a repeat for grid\.g\[1\]/],
    [
      'a null cost without own costs',
      () => sweepGame(base, { ...GRID, cost: [null] }),
      /for grid\.cost\[0\] but received null/,
    ],
    [
      'too many points',
      () =>
        sweepGame(base, {
          ...GRID,
          g: Array.from({ length: 101 }, (_, i) => i),
          alpha: Array.from({ length: 100 }, (_, i) => i + 1),
        }),
      new RegExp(`at most ${MAX_SWEEP_POINTS} points for grid but received 20200 points`),
    ],
    [
      'a base of one organization',
      () => sweepGame({ ...base, ids: ['a'] }, GRID),
      /at least 2 organization ids for base\.ids/,
    ],
    [
      'sizes of another length',
      () => sweepGame({ ...base, sizes: [1, 2] }, GRID),
      /an array of 3 sizes .* for base\.sizes/,
    ],
    [
      'fractional sizes',
      () => sweepGame({ ...base, sizes: [1, 2.5, 3] }, GRID),
      /whole number of samples for base\.sizes\[1\]/,
    ],
  ];
  it.each(cases)('%s', (_what, f, message) => {
    const e = thrown(f);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
  });
  it('names the unknown key in the details too', () => {
    expect(thrown(() => sweepGame(base, GRID, { seed: 1, onpoint: () => {} } as never)).details).toMatchObject({
      argument: 'options.onpoint',
    });
  });
});

describe('sweep bases', () => {
  it('builtInSweepBase draws n organizations from the seed', () => {
    const a = builtInSweepBase(10, 1);
    expect(a.ids).toEqual(Array.from({ length: 10 }, (_, i) => `org-${i}`));
    expect(a.sizes.reduce((x, y) => x + y, 0)).toBe(50_000);
    expect(Math.min(...a.sizes)).toBeGreaterThanOrEqual(500);
    expect(Array.from(a.maxSynthetic)).toEqual(a.sizes.map((d) => 2 * d));
    expect(a.ownCost).toBeNull();
    expect(builtInSweepBase(10, 1)).toEqual(a);
    expect(builtInSweepBase(10, 2)).not.toEqual(a);
    expect(thrown(() => builtInSweepBase(1, 1)).message).toMatch(/integer in \[2, 100000\] for organizations/);
  });

  it('sweepBaseFromScenario keeps the organizations and their own costs', () => {
    const s = hospitals();
    const b = sweepBaseFromScenario(s);
    expect(b.ids).toEqual(s.ids);
    expect(b.sizes).toEqual(Array.from(s.samples));
    expect(b.ownCost).toBe(s.costPerSample);
    expect(b.learningCurve).toBe(s.learningCurve);
  });

  it('sweepBaseFromScenario refuses one organization and fractional samples, naming the input', () => {
    const s = hospitals();
    const one = { ...s, n: 1 } as typeof s;
    expect(thrown(() => sweepBaseFromScenario(one)).message).toBe(
      'Expected a scenario with at least 2 organizations for scenario but received 1',
    );
    expect(thrown(() => sweepBaseFromScenario(one, { argument: '--base', source: '"x.json"' })).message).toBe(
      'Expected a scenario with at least 2 organizations for --base but received 1 in "x.json"',
    );
    const samples = Float64Array.from(s.samples);
    samples[2] = 10.5;
    expect(thrown(() => sweepBaseFromScenario({ ...s, samples } as typeof s)).message).toMatch(
      new RegExp(`whole-number samples .* for scenario but received samples 10.5 for "${s.ids[2]}"$`),
    );
  });

  it('DEFAULT_SWEEP_GRID is the documented default of cocogen sweep', () => {
    expect(DEFAULT_SWEEP_GRID.g).toHaveLength(11);
    expect(DEFAULT_SWEEP_GRID.rivalry).toEqual([0, 1]);
    expect(DEFAULT_SWEEP_GRID.alpha).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
    expect(DEFAULT_SWEEP_GRID.cost).toEqual([0.002, 0.004, 0.008]);
  });
});
