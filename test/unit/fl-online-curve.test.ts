import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { curveLoss } from '../../src/fl/calibration.js';
import { refitCurve, uncertaintyOf, type CurveObservation } from '../../src/fl/online-curve.js';
import { loadFederatedData } from '../../src/fl/simulation-data.js';
import {
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  SUBSET_SOFTMAX_UNCERTAINTY,
  checkSimulationConfig,
  setUpSimulation,
  simulate,
  stateFromJSON,
  stateToJSON,
  type SimulationConfig,
} from '../../src/fl/simulation.js';
import type { LabeledSamples } from '../../src/fl/samples.js';

const { rSquared: _r, ...prior } = SUBSET_SOFTMAX_CURVE;
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof CocogenError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
};

describe('refitCurve (MAP with the calibrated curve as prior)', () => {
  it('returns the prior exactly without observations', () => {
    const r = refitCurve(prior, SUBSET_SOFTMAX_UNCERTAINTY, []);
    expect(r.curve).toEqual(prior);
    expect(r.observations).toBe(0);
    const withWorth = { ...prior, syntheticWorth: 1.5 };
    expect(refitCurve(withWorth, SUBSET_SOFTMAX_UNCERTAINTY, []).curve).toEqual(withWorth);
  });

  it('recovers a known curve from many exact points spread over D and H, under a wide prior', () => {
    const truth = { floor: 0.3, scale: 9, exponent: 0.5, heterogeneity: 0.25, reference: Math.log(10) };
    const points: CurveObservation[] = [];
    for (const size of [300, 800, 2000, 5000, 12000])
      for (const heterogeneity of [0, 0.3, 0.9])
        points.push({ size, heterogeneity, loss: curveLoss(truth, size, heterogeneity), lossStandardError: 1e-4 });
    const wide = { standardErrors: { floor: 10, scale: 1000, exponent: 10, heterogeneity: 10 }, rmse: 0 };
    const r = refitCurve(prior, wide, points);
    expect(r.converged).toBe(true);
    for (const k of ['floor', 'scale', 'exponent', 'heterogeneity'] as const)
      expect(r.curve[k]).toBeCloseTo(truth[k], 3);
  });

  it('moves toward one observation by what the prior and the noise allow, and less under a tighter prior', () => {
    const D = 5000;
    const H = 0.4;
    const predicted = curveLoss(prior, D, H);
    const obs = [{ size: D, heterogeneity: H, loss: predicted + 0.2, lossStandardError: 0.02 }];
    const loose = refitCurve(prior, SUBSET_SOFTMAX_UNCERTAINTY, obs);
    const fitted = curveLoss(loose.curve, D, H);
    expect(fitted).toBeGreaterThan(predicted + 0.05);
    expect(fitted).toBeLessThan(predicted + 0.2);
    const tight = uncertaintyOf({
      standardErrors: { floor: 1e-3, scale: 1e-2, exponent: 1e-4, heterogeneity: 1e-4 },
      rmse: SUBSET_SOFTMAX_UNCERTAINTY.rmse,
    });
    const pinned = curveLoss(refitCurve(prior, tight, obs).curve, D, H);
    expect(pinned - predicted).toBeLessThan(fitted - predicted);
    expect(pinned).toBeGreaterThanOrEqual(predicted);
  });

  it('stays in the box the game accepts', () => {
    const obs = [{ size: 1000, heterogeneity: 0, loss: -5, lossStandardError: 0 }];
    const { curve } = refitCurve(prior, null, obs);
    for (const k of ['floor', 'scale', 'exponent', 'heterogeneity'] as const) expect(curve[k]).toBeGreaterThan(0);
    expect(curve.exponent).toBeLessThanOrEqual(4);
  });

  it('refuses bad input with typed errors naming the field', () => {
    const ok = { size: 10, heterogeneity: 0, loss: 1, lossStandardError: 0.1 };
    expect(code(() => refitCurve({ ...prior, scale: 0 }, null, []))).toMatch(/INVALID_ARGUMENT.*prior\.scale/);
    expect(code(() => refitCurve(prior, null, [{ ...ok, size: -1 }]))).toMatch(/observations\[0\]\.size/);
    expect(code(() => refitCurve(prior, null, [ok, { ...ok, loss: NaN }]))).toMatch(/observations\[1\]\.loss/);
    expect(code(() => refitCurve(prior, null, [{ ...ok, lossStandardError: -1 }]))).toMatch(/lossStandardError/);
    const bad = { standardErrors: { ...SUBSET_SOFTMAX_UNCERTAINTY.standardErrors, exponent: -1 }, rmse: 0.1 };
    expect(code(() => refitCurve(prior, bad, [ok]))).toMatch(/uncertainty\.standardErrors\.exponent/);
    expect(code(() => refitCurve(prior, { ...SUBSET_SOFTMAX_UNCERTAINTY, rmse: NaN }, [ok]))).toMatch(/rmse/);
  });
});

const base: SimulationConfig = {
  ...SIMULATION_DEFAULTS,
  organizations: 3,
  rounds: 3,
  pool: 600,
  cost: 2e-4,
  curve: prior,
  curveSource: 'test',
  curveUncertainty: SUBSET_SOFTMAX_UNCERTAINTY,
  recalibrate: 'online',
  validation: 200,
  generator: { components: 4, iterations: 3 },
};
const data = loadFederatedData(undefined, { pool: 600, seed: 1, testCount: 300, validation: 200 });

/** What a strategy decided and predicted in every round: what must not depend on the test set or other strategies. */
function decisions(state: Awaited<ReturnType<typeof simulate>>, name: 'wco' | 'mechanism' | 'equilibrium') {
  return state.strategies[name]!.rounds.map((r) => ({
    generated: r.generated,
    curve: r.curve,
    validationLoss: r.validationLoss,
    predictedGain: r.predictedGain,
  }));
}

describe('simulate --recalibrate online', () => {
  it('holds the validation split out of the public split, disjoint from it', () => {
    const whole = loadFederatedData(undefined, { pool: 600, seed: 1, testCount: 300 });
    expect(data.validation!.y.length).toBe(200);
    expect(data.public.y.length + 200).toBe(whole.public.y.length);
    const rows = (s: LabeledSamples) => {
      const f = s.x.length / s.y.length;
      return new Set(Array.from({ length: s.y.length }, (_, i) => s.x.subarray(i * f, (i + 1) * f).join(',')));
    };
    const pub = rows(data.public);
    for (const r of rows(data.validation!)) expect(pub.has(r)).toBe(false);
    expect(code(() => loadFederatedData(undefined, { validation: 1000 }))).toMatch(/INVALID_ARGUMENT.*validation/);
    expect(code(() => loadFederatedData(undefined, { validatoin: 1 } as never))).toMatch(/options\.validatoin/);
  });

  it('refits from its own validation losses: never the test set, never another strategy', async () => {
    const all = await simulate(data, setUpSimulation(data, base), base);
    // Round 1 plays the calibrated curve; later rounds a refit, and the amounts follow it.
    const mech = all.strategies.mechanism!.rounds;
    expect(mech[0]!.curve).toEqual(prior);
    expect(mech[1]!.curve).not.toEqual(prior);
    for (const r of mech) expect(r.validationLoss).toBeGreaterThan(0);
    // Each strategy refits on its own rounds: VCFL (nothing generated) sees another pool than the mechanism.
    expect(mech[0]!.generated.some((v) => v > 0)).toBe(true);
    expect(all.strategies.vcfl!.rounds[1]!.curve).not.toEqual(mech[1]!.curve);

    // Another test set (its labels shifted): the test losses change, no decision does.
    const shifted = { x: data.test.x, y: data.test.y.map((y) => (y + 1) % 10) };
    const other = { ...data, test: shifted };
    const t = await simulate(other, setUpSimulation(other, base), base);
    expect(t.strategies.mechanism!.rounds[2]!.loss).not.toBe(mech[2]!.loss);
    for (const name of ['wco', 'equilibrium', 'mechanism'] as const)
      expect(decisions(t, name)).toEqual(decisions(all, name));

    // The mechanism alone (no VCFL counterfactual, no other strategy): the same decisions.
    const alone = { ...base, strategies: ['mechanism' as const] };
    const m = await simulate(data, setUpSimulation(data, alone), alone);
    expect(decisions(m, 'mechanism')).toEqual(decisions(all, 'mechanism'));
  });

  it('keeps the prior’s ω and counts its observations’ sizes in real samples, Σ(d + ωx)', async () => {
    const omega = 0.5;
    const config: SimulationConfig = {
      ...base,
      rounds: 2,
      strategies: ['mechanism'],
      curve: { ...prior, syntheticWorth: omega },
    };
    const setup = setUpSimulation(data, config);
    const rounds = (await simulate(data, setup, config)).strategies.mechanism!.rounds;
    const first = rounds[0]!;
    const real = setup.scenario.samples.reduce((a, b) => a + b, 0);
    const expected = refitCurve(config.curve, config.curveUncertainty, [
      {
        size: real + omega * first.generated.reduce((a, b) => a + b, 0),
        heterogeneity: first.predictedHeterogeneity,
        loss: first.validationLoss!,
        lossStandardError: first.validationLossStandardError!,
      },
    ]).curve;
    expect(rounds[1]!.curve).toEqual(expected);
    expect(rounds[1]!.curve!.syntheticWorth).toBe(omega);
  });

  it('resumes from a checkpoint to the same rounds', async () => {
    const setup = setUpSimulation(data, base);
    const short = { ...base, rounds: 2 };
    const first = await simulate(data, setUpSimulation(data, short), short);
    const resumed = stateFromJSON(stateToJSON(first));
    resumed.config = base;
    const done = await simulate(data, setup, base, { resume: resumed });
    const straight = await simulate(data, setUpSimulation(data, base), base);
    expect(decisions(done, 'mechanism')).toEqual(decisions(straight, 'mechanism'));
  });

  it('refuses data whose validation split is not the one the config names', async () => {
    const none = loadFederatedData(undefined, { pool: 600, seed: 1, testCount: 300 });
    await expect(simulate(none, setUpSimulation(none, base), base)).rejects.toThrow(/data\.validation.*none/);
    const other = loadFederatedData(undefined, { pool: 600, seed: 1, testCount: 300, validation: 100 });
    await expect(simulate(other, setUpSimulation(other, base), base)).rejects.toThrow(
      /200 validation images.*100 images/,
    );
  });

  it('checks its config fields', () => {
    expect(code(() => checkSimulationConfig({ ...base, recalibrate: 'offline' as never }))).toMatch(
      /none, online for config\.recalibrate/,
    );
    expect(code(() => checkSimulationConfig({ ...base, validation: 0 }))).toMatch(/config\.validation/);
    expect(code(() => checkSimulationConfig({ ...base, recalibrate: 'none', validation: 5 }))).toMatch(
      /0 when config\.recalibrate is 'none' for config\.validation/,
    );
    expect(code(() => checkSimulationConfig({ ...base, curveUncertainty: { rmse: 1 } as never }))).toMatch(
      /config\.curveUncertainty/,
    );
  });

  it('reads a checkpoint from before recalibration as a none run', () => {
    const legacy = { ...base, strategies: ['vcfl' as const], recalibrate: 'none' as const, validation: 0 };
    const vcfl = { rounds: [], params: new Float32Array(4) };
    const json = JSON.parse(stateToJSON({ config: legacy, completedRounds: 0, strategies: { vcfl } }));
    delete json.config.recalibrate;
    delete json.config.validation;
    delete json.config.curveUncertainty;
    const state = stateFromJSON(JSON.stringify(json));
    expect(state.config.recalibrate).toBe('none');
    expect(state.config.validation).toBe(0);
    expect(state.config.curveUncertainty).toBeNull();
  });
});
