// What `cocogen simulate` writes, as library functions: simulation.json's object, simulation.csv, the game summary,
// the two figures, and the learning curve a simulation plays with.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import {
  curveFromCalibration,
  SHIPPED_CURVE_SOURCE,
  shippedCurve,
  uncertaintyFromCalibration,
} from '../../src/fl/simulation-curve.js';
import { loadFederatedData } from '../../src/fl/simulation-data.js';
import { simulationCsv, simulationGameSummary, simulationResultJSON } from '../../src/fl/simulation-results.js';
import {
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  SUBSET_SOFTMAX_UNCERTAINTY,
  setUpSimulation,
  simulate,
  type SimulationConfig,
} from '../../src/fl/simulation.js';
import { simulationAccuracySvg, simulationGainSvg } from '../../src/plot/simulation-figures.js';

describe('simulation results', async () => {
  const config: SimulationConfig = {
    ...SIMULATION_DEFAULTS,
    organizations: 2,
    rounds: 2,
    pool: 400,
    testCount: 200,
    strategies: ['vcfl', 'equilibrium'],
    curve: shippedCurve().curve,
    curveSource: 'test',
    curveUncertainty: null,
    generator: { components: 4, iterations: 2 },
  };
  const data = loadFederatedData(undefined, { pool: 400, seed: 1, testCount: 200 });
  const setup = setUpSimulation(data, config);
  const engine = await createEngine({ backend: 'js' });
  const state = await simulate(data, setup, config, { engine }).finally(() => engine.dispose());

  it('simulationResultJSON: config, rounds, meta, then per strategy its label, rounds and final', () => {
    const j = simulationResultJSON(state, { backend: 'js' });
    expect(Object.keys(j)).toEqual(['config', 'completedRounds', 'backend', 'strategies']);
    expect(j.completedRounds).toBe(2);
    const s = j.strategies as Record<string, { label: string; rounds: unknown[]; final: { accuracy: number } }>;
    expect(Object.keys(s)).toEqual(['vcfl', 'equilibrium']);
    expect(s.vcfl!.label).toMatch(/VCFL/);
    expect(s.vcfl!.rounds).toHaveLength(2);
    expect(s.vcfl!.final.accuracy).toBe(state.strategies.vcfl!.rounds[1]!.accuracy);
  });

  it('simulationCsv: a header and one row per strategy and round', () => {
    const lines = simulationCsv(state).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines[0]).toMatch(/^round,strategy,test accuracy,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '1,vcfl',
      '2,vcfl',
      '1,equilibrium',
      '2,equilibrium',
    ]);
  });

  it('simulationGameSummary: the amounts the game decided', () => {
    const g = simulationGameSummary(setup);
    expect(g.samples).toEqual(Array.from(setup.scenario.samples));
    expect(g.equilibrium.x).toEqual(Array.from(setup.plan.solution.equilibrium.x));
    expect(g.optimum.socialWelfare).toBeGreaterThanOrEqual(g.equilibrium.socialWelfare);
    expect(g.mechanism).toBeNull(); // the mechanism strategy was not planned
  });

  it('draws accuracy.svg and gain.svg with a line per strategy', () => {
    for (const svg of [simulationAccuracySvg(state), simulationGainSvg(state)]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('VCFL');
      expect(svg).not.toMatch(/undefined/);
    }
    expect(simulationAccuracySvg(state)).toContain('Test accuracy');
    expect(simulationGainSvg(state)).toContain('predicted vs realized gain');
  });
});

describe('the learning curve of a simulation', () => {
  it('shippedCurve is SUBSET_SOFTMAX_CURVE without its R²', () => {
    const { rSquared: _r, ...curve } = SUBSET_SOFTMAX_CURVE;
    expect(shippedCurve()).toEqual({ curve, source: SHIPPED_CURVE_SOURCE, uncertainty: SUBSET_SOFTMAX_UNCERTAINTY });
  });

  it('uncertaintyFromCalibration reads a fit’s standard errors (NaN ones as null) and RMSE, or says null', () => {
    const fit = { standardErrors: { floor: 0.3, scale: NaN, exponent: 0.1, heterogeneity: 0.02 }, rmse: 0.05 };
    expect(uncertaintyFromCalibration({ fit })).toEqual({
      standardErrors: { floor: 0.3, scale: null, exponent: 0.1, heterogeneity: 0.02 },
      rmse: 0.05,
    });
    expect(uncertaintyFromCalibration({ floor: 1, scale: 1, exponent: 1, heterogeneity: 1 })).toBeNull();
    expect(uncertaintyFromCalibration({ fit: { ...fit, rmse: -1 } })).toBeNull();
  });

  it('curveFromCalibration reads a calibration.json or a bare curve', () => {
    const bare = { floor: 0.2, scale: 10, exponent: 0.4, heterogeneity: 0.1 };
    expect(curveFromCalibration(bare)).toEqual(bare);
    expect(curveFromCalibration({ fit: {}, learningCurve: { ...bare, reference: 2 } })).toEqual({
      ...bare,
      reference: 2,
    });
    // ω is kept where it differs from 1 (1 is the model without it).
    expect(curveFromCalibration({ learningCurve: { ...bare, syntheticWorth: 0.8 } })).toEqual({
      ...bare,
      syntheticWorth: 0.8,
    });
    expect(curveFromCalibration({ ...bare, syntheticWorth: 1 })).toEqual(bare);
  });

  it('curveFromCalibration names the parameter that is missing or not > 0', () => {
    const bad = (json: unknown, where = {}) => {
      try {
        curveFromCalibration(json, where);
      } catch (e) {
        expect(e).toBeInstanceOf(CocogenError);
        expect((e as CocogenError).code).toBe('INVALID_ARGUMENT');
        return (e as CocogenError).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ floor: 0.2, scale: 10, exponent: 0.4 })).toMatch(
      /for calibration but received whose heterogeneity is undefined$/,
    );
    expect(bad(null)).toMatch(/whose floor is undefined/);
    expect(
      bad({ floor: 0, scale: 1, exponent: 1, heterogeneity: 1 }, { argument: '--curve', source: '"c.json"' }),
    ).toMatch(/for --curve but received "c\.json", whose floor is 0$/);
    for (const v of [0, 1e4, '2', null])
      expect(bad({ floor: 0.2, scale: 10, exponent: 0.4, heterogeneity: 0.1, syntheticWorth: v })).toMatch(
        new RegExp(`whose syntheticWorth is ${JSON.stringify(v)}$`),
      );
  });
});
