/**
 * The fuzz tier on the game (seeded, bounded in time): on random valid scenarios — sizes, skews, values, costs,
 * caps, private gains, uniform or dense competition, rivalry, curves, all inside SCENARIO_BOUNDS' everyday part —
 * the solve is finite everywhere, the equilibrium of a potential game meets its KKT tolerance, and the weighted
 * potential identity of docs/design.md §3.4 holds for random unilateral deviations.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createGameModel } from '../../src/game/model.js';
import { buildScenario, type Scenario } from '../../src/game/scenario.js';
import { solveGame } from '../../src/game/solve-game.js';
import { potential, utilities } from '../../src/game/utility.js';
import { firstNonFinite } from '../../src/util/finite.js';
import { FUZZ } from './settings.js';

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const scenarioArb = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc
    .record({
      counts: fc.array(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 3, maxLength: 3 }), {
        minLength: n,
        maxLength: n,
      }),
      marketValue: fc.array(positive(0.1, 1e4), { minLength: n, maxLength: n }),
      cost: fc.array(positive(0, 1e-2), { minLength: n, maxLength: n }),
      cap: fc.array(positive(0, 5000), { minLength: n, maxLength: n }),
      privateGain: fc.array(fc.oneof(fc.constant(0), positive(0, 0.1)), { minLength: n, maxLength: n }),
      competition: fc.oneof(
        positive(0, 0.9).map((g) => ({ uniform: g }) as const),
        fc
          .array(positive(0, 0.3), { minLength: n * n, maxLength: n * n })
          .map((m) => m.map((v, k) => (Math.floor(k / n) === k % n ? 0 : v))),
      ),
      rivalry: fc.oneof(fc.constant(0), fc.constant(1), positive(0, 1)),
      curve: fc.record({
        floor: positive(0.01, 1),
        scale: positive(0.5, 30),
        exponent: positive(0.1, 1),
        heterogeneity: positive(0.01, 1),
      }),
    })
    .map((r): Scenario => {
      const counts = r.counts.map((h) => (h.some((v) => v > 0) ? h : [1, 0, 0]));
      return buildScenario({
        ids: counts.map((_, i) => `o${i}`),
        classes: 3,
        samples: counts.map((h) => h.reduce((a, b) => a + b, 0)),
        labelCounts: counts.flat(),
        marketValue: r.marketValue,
        costPerSample: r.cost,
        maxSynthetic: r.cap,
        privateGain: r.privateGain,
        competition: r.competition,
        rivalry: r.rivalry,
        learningCurve: r.curve,
      });
    }),
);

describe('fuzz: the game on random valid scenarios', () => {
  it('solves finitely, and a potential game’s equilibrium meets its KKT tolerance', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const s = solveGame(scenario, { outsideOptions: false });
        if (firstNonFinite({ ...s, outsideOptions: null }) !== null) return false;
        const eq = s.equilibrium;
        return !(s.potentialGame && eq.converged) || eq.kktResidual <= 1e-6;
      }),
      { ...FUZZ, numRuns: Math.min(FUZZ.numRuns, 150) },
    );
  });

  it('U_n(x′_n, x₋n) − U_n(x) = w_n·(Φ(x′_n, x₋n) − Φ(x)) for random x and deviations', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (scenario, fractions, who, to) => {
          const model = createGameModel(scenario);
          if (!Array.from(model.w).every((w) => w > 0)) return true; // not a potential game: §3.4 does not apply
          const x = Float64Array.from({ length: model.n }, (_, i) => fractions[i]! * model.X[i]!);
          const n = who % model.n;
          const y = Float64Array.from(x);
          y[n] = to * model.X[n]!;
          const dU = utilities(model, y)[n]! - utilities(model, x)[n]!;
          const dPhi = model.w[n]! * (potential(model, y) - potential(model, x));
          const scale = Math.max(1e-12, Math.abs(dU), Math.abs(utilities(model, x)[n]!));
          return Math.abs(dU - dPhi) <= 1e-8 * scale;
        },
      ),
      FUZZ,
    );
  });
});
