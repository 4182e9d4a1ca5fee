import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { loadFederatedData } from '../../src/fl/simulation-data.js';
import {
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  setUpSimulation,
  simulate,
  stateFromJSON,
  stateToJSON,
  type SimulationConfig,
} from '../../src/fl/simulation.js';
import { BUILT_IN_CURVES } from '../../src/fl/built-in-curves.js';
import { builtInCurve, curveFromCalibration, shippedCurve } from '../../src/fl/simulation-curve.js';
import { strategyAmounts, utilitiesAtPerformance } from '../../src/fl/strategies.js';
import { performanceAt, utilities } from '../../src/game/index.js';

const { rSquared: _r, ...curve } = SUBSET_SOFTMAX_CURVE;
const config: SimulationConfig = {
  ...SIMULATION_DEFAULTS,
  organizations: 3,
  rounds: 2,
  pool: 600,
  cost: 2e-4,
  curve,
  curveSource: 'test',
  curveUncertainty: null,
  generator: { components: 4, iterations: 3 },
};
const data = loadFederatedData(undefined, { pool: 600, seed: 1, testCount: 300 });

describe('strategies on the calibrated curve', () => {
  const setup = setUpSimulation(data, config);
  const { plan } = setup;

  it('solve to the tolerance, the optimum above the equilibrium in welfare', () => {
    expect(plan.solution.equilibrium.kktResidual).toBeLessThanOrEqual(1e-9);
    expect(plan.solution.optimum.kktResidual).toBeLessThanOrEqual(1e-9);
    expect(plan.solution.optimum.socialWelfare).toBeGreaterThanOrEqual(plan.solution.equilibrium.socialWelfare);
    const x = strategyAmounts(plan, 'vcfl', 0);
    expect(Array.from(x)).toEqual([0, 0, 0]);
    expect(strategyAmounts(plan, 'radg', 0)).not.toEqual(strategyAmounts(plan, 'radg', 1));
    expect(strategyAmounts(plan, 'radg', 1)).toEqual(strategyAmounts(plan, 'radg', 1));
  });

  it("utilities at a given performance are the game's utilities at the curve's performance", () => {
    const x = strategyAmounts(plan, 'equilibrium', 0);
    const P = performanceAt(plan.model, x);
    const a = utilitiesAtPerformance(plan.model, x, P);
    const b = utilities(plan.model, x);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 12);
  });

  it('simulates, and a checkpoint round-trips exactly and resumes to the same result', async () => {
    const engine = await createEngine({ backend: 'js' });
    try {
      const small = { ...config, strategies: ['vcfl', 'mechanism'] as SimulationConfig['strategies'] };
      const s = setUpSimulation(data, small);
      let saved = '';
      const full = await simulate(data, s, small, {
        engine,
        onRound: (st) => {
          if (st.completedRounds === 1) saved = stateToJSON(st);
        },
      });
      const resumed = await simulate(data, s, small, {
        engine,
        resume: stateFromJSON(saved),
      });
      expect(resumed.strategies.mechanism!.params).toEqual(full.strategies.mechanism!.params);
      const strip = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'seconds' ? undefined : x)));
      expect(strip(resumed.strategies.mechanism!.rounds)).toEqual(strip(full.strategies.mechanism!.rounds));
      expect(full.strategies.vcfl!.rounds[1]!.gain).toBe(0);
      expect(full.strategies.mechanism!.rounds[1]!.payoffs).toHaveLength(3);
      expect(() => stateFromJSON('{"format":"x"}')).toThrow(/checkpoint/);
      // The checkpoint records its dataset; resuming it under another is refused before any training.
      expect(stateFromJSON(saved).config.dataset).toBe('fashion-mnist');
      const mnist = loadFederatedData(undefined, { dataset: 'mnist', pool: 600, seed: 1, testCount: 300 });
      const other = { ...small, dataset: 'mnist' as const };
      await expect(simulate(mnist, s, other, { engine, resume: stateFromJSON(saved) })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: { argument: 'resume' },
      });
    } finally {
      engine.dispose();
    }
  });
});

describe('the dataset of a run', () => {
  const mnist = loadFederatedData(undefined, { dataset: 'mnist', pool: 600, seed: 1, testCount: 300 });

  it("must be the data's: MNIST data under a Fashion-MNIST config is INVALID_ARGUMENT naming data.dataset", () => {
    expect(mnist.dataset).toBe('mnist');
    expect(() => setUpSimulation(mnist, config)).toThrow(/data\.dataset/);
    expect(() => setUpSimulation(data, { ...config, dataset: 'mnist' })).toThrow(/Expected config\.dataset/);
    expect(() => setUpSimulation(mnist, { ...config, dataset: 'mnist' })).not.toThrow();
  });

  it('picks the built-in curve of the dataset and model, each its own calibration', () => {
    expect(builtInCurve('fashion-mnist', 'softmax')).toEqual(shippedCurve());
    const pairs = [
      ['fashion-mnist', 'mlp', 'Fashion-MNIST'],
      ['mnist', 'softmax', 'MNIST'],
      ['mnist', 'mlp', 'MNIST'],
      ['fashion-mnist', 'cnn', 'Fashion-MNIST'],
      ['mnist', 'cnn', 'MNIST'],
    ] as const;
    const seen = new Set([JSON.stringify(shippedCurve().curve)]);
    for (const [dataset, model, title] of pairs) {
      const b = builtInCurve(dataset, model);
      expect(b.curve).toEqual(BUILT_IN_CURVES[`${dataset}/${model}` as keyof typeof BUILT_IN_CURVES].curve);
      expect(b.source).toBe(`built-in (shipped ${title} subset, ${model})`);
      expect(b.uncertainty.rmse).toBeGreaterThan(0);
      // A curve file could hold it, and no two tasks share one.
      expect(curveFromCalibration(b.curve)).toEqual(b.curve);
      expect(seen.has(JSON.stringify(b.curve))).toBe(false);
      seen.add(JSON.stringify(b.curve));
    }
    expect(() => builtInCurve('digits' as never, 'softmax')).toThrow(/for dataset but/);
    expect(() => builtInCurve('fashion-mnist', 'rnn' as never)).toThrow(/for model but/);
  });

  it('reads as fashion-mnist from a checkpoint written before there were two', () => {
    const legacy = JSON.parse(stateToJSON({ config, completedRounds: 0, strategies: {} }));
    delete legacy.config.dataset;
    for (const name of config.strategies) legacy.strategies[name] = { rounds: [], params: '' };
    expect(stateFromJSON(JSON.stringify(legacy)).config.dataset).toBe('fashion-mnist');
    legacy.config.dataset = 'mnist';
    expect(stateFromJSON(JSON.stringify(legacy)).config.dataset).toBe('mnist');
    legacy.config.dataset = 'digits';
    expect(() => stateFromJSON(JSON.stringify(legacy))).toThrow(/config\.dataset/);
  });
});
