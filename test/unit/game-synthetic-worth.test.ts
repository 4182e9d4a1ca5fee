// What a generated sample is worth (DESIGN §3.2): the folded model against the formulas written out in real samples,
// ω = 1 as today's model bit for bit, the solvers' guarantees (§3.5) and convexity on random instances with ω ≠ 1,
// and the scenario field's parsing.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import {
  createGameModel,
  initialSkew,
  gameSolutionToJSON,
  parseScenario,
  randomScenario,
  scenarioToJSON,
  solveGame,
  utilities,
  type Scenario,
} from '../../src/game/index.js';

const withWorth = (sc: Scenario, omega: number): Scenario => ({
  ...sc,
  learningCurve: { ...sc.learningCurve, syntheticWorth: omega },
});

/** γ_nm of the scenario, dense or uniform. */
function gammaOf(sc: Scenario, n: number, m: number): number {
  if (n === m) return 0;
  return sc.competition.kind === 'uniform'
    ? sc.competition.intensity / (sc.n - 1)
    : sc.competition.gamma[n * sc.n + m]!;
}

/** L(x) written out in real samples: a generated sample counts as ω real ones in D and in the mixing. */
function lossInRealSamples(sc: Scenario, x: Float64Array): number {
  const { floor, scale, exponent, heterogeneity } = sc.learningCurve;
  const omega = sc.learningCurve.syntheticWorth ?? 1;
  const delta0 = initialSkew(sc);
  const d = sc.samples;
  let D = 0;
  for (let i = 0; i < sc.n; i++) D += d[i]! + omega * x[i]!;
  let H = 0;
  for (let i = 0; i < sc.n; i++) {
    const u = d[i]! + omega * x[i]!;
    const delta = (delta0[i]! * d[i]!) / u;
    H += (u / D) * delta * delta;
  }
  return floor + scale * Math.pow(D, -exponent) + heterogeneity * H;
}

/** U_n(x) of §3.3 on that loss, with the private gain μ·ln(1 + ωx/d). */
function utilitiesInRealSamples(sc: Scenario, x: Float64Array): Float64Array {
  const omega = sc.learningCurve.syntheticWorth ?? 1;
  const d = sc.samples;
  const P = sc.learningCurve.reference - lossInRealSamples(sc, x);
  const q = Float64Array.from(d, (di, i) => P + sc.privateGain[i]! * Math.log(1 + (omega * x[i]!) / di));
  const lambda = sc.rivalry;
  const rho = sc.marketValue;
  return Float64Array.from(d, (_, n) => {
    let own = rho[n]! * q[n]!;
    for (let m = 0; m < sc.n; m++) {
      const g = gammaOf(sc, n, m);
      own += lambda * g * rho[m]! * (q[n]! - q[m]!) - (1 - lambda) * g * rho[m]! * q[m]!;
    }
    return own - sc.costPerSample[n]! * x[n]!;
  });
}

const instances = [
  { n: 4, seed: 41, competition: 'matrix' as const, rivalry: 0.5, intensity: 0.4, privateGain: 0.05, omega: 0.3 },
  { n: 6, seed: 42, competition: 'uniform' as const, rivalry: 0, intensity: 0.3, omega: 1.7 },
  { n: 3, seed: 43, competition: 'uniform' as const, rivalry: 1, intensity: 0.8, privateGain: 0.02, omega: 4 },
];

describe.each(instances)('syntheticWorth on %o', ({ omega, ...opts }) => {
  const sc = withWorth(randomScenario(opts), omega);
  const model = createGameModel(sc);
  const rng = new Random(opts.seed);

  it('the folded model gives the utilities of the formulas in real samples', () => {
    for (let t = 0; t < 20; t++) {
      const x = model.X.map((X) => X * rng.next());
      const expected = utilitiesInRealSamples(sc, x);
      const actual = utilities(model, x);
      for (let n = 0; n < sc.n; n++)
        expect(Math.abs(actual[n]! - expected[n]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected[n]!)));
    }
  });

  it('keeps L convex in x on the box (midpoints of random segments)', () => {
    const lossAt = (x: Float64Array) => lossInRealSamples(sc, x);
    for (let t = 0; t < 200; t++) {
      const a = model.X.map((X) => X * rng.next());
      const b = model.X.map((X) => X * rng.next());
      const mid = a.map((v, i) => (v + b[i]!) / 2);
      const [la, lb, lm] = [lossAt(a), lossAt(b), lossAt(mid)];
      expect(lm).toBeLessThanOrEqual((la + lb) / 2 + 1e-12 * Math.abs(la + lb));
    }
  });

  it('is a weighted potential game in the real-sample formulas: ΔU_n = w_n·ΔΦ for unilateral changes', () => {
    // Φ(x) = P_N(x) + Σ_n [a_n·g_n(x_n) − c_n·x_n]/w_n (§3.4), with D, δ and g_n counting ωx.
    const phi = (x: Float64Array) => {
      let v = sc.learningCurve.reference - lossInRealSamples(sc, x);
      for (let n = 0; n < sc.n; n++)
        v +=
          (model.a[n]! * sc.privateGain[n]! * Math.log1p((omega * x[n]!) / sc.samples[n]!) -
            sc.costPerSample[n]! * x[n]!) /
          model.w[n]!;
      return v;
    };
    for (let t = 0; t < 20; t++) {
      const x = model.X.map((X) => X * rng.next());
      const n = t % sc.n;
      const y = Float64Array.from(x);
      y[n] = model.X[n]! * rng.next();
      const dU = utilitiesInRealSamples(sc, y)[n]! - utilitiesInRealSamples(sc, x)[n]!;
      const scale = Math.abs(utilitiesInRealSamples(sc, x)[n]!) + 1;
      expect(Math.abs(dU - model.w[n]! * (phi(y) - phi(x)))).toBeLessThanOrEqual(1e-10 * scale);
    }
  });

  it('solves to KKT ≤ 1e-9 with no profitable unilateral deviation, in the real-sample formulas', () => {
    const sol = solveGame(sc, { outsideOptions: false });
    expect(sol.potentialGame).toBe(true);
    expect(sol.equilibrium.kktResidual).toBeLessThanOrEqual(1e-9);
    expect(sol.optimum.kktResidual).toBeLessThanOrEqual(1e-9);
    const x = Float64Array.from(sol.equilibrium.x);
    const U = utilitiesInRealSamples(sc, x);
    for (let n = 0; n < sc.n; n++) {
      const y = Float64Array.from(x);
      for (let k = 0; k <= 400; k++) {
        y[n] = (sc.maxSynthetic[n]! * k) / 400;
        expect(utilitiesInRealSamples(sc, y)[n]! - U[n]!).toBeLessThanOrEqual(1e-9 * Math.abs(U[n]!));
      }
    }
  });
});

describe('syntheticWorth ω = 1', () => {
  it('is today’s model bit for bit, and a scenario without it writes no field', () => {
    const sc = randomScenario({ n: 5, seed: 7, competition: 'matrix', intensity: 0.5, privateGain: 0.05 });
    const explicit = withWorth(sc, 1);
    // Every number but the timings.
    const untimed = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'seconds' ? 0 : x)));
    expect(untimed(gameSolutionToJSON(solveGame(explicit)))).toEqual(untimed(gameSolutionToJSON(solveGame(sc))));
    expect('syntheticWorth' in scenarioToJSON(sc).learningCurve).toBe(false);
    expect('syntheticWorth' in scenarioToJSON(explicit).learningCurve).toBe(false);
  });

  it('round-trips through JSON when it differs from 1', () => {
    const sc = withWorth(randomScenario({ n: 3, seed: 8 }), 0.6);
    const again = parseScenario(JSON.parse(JSON.stringify(scenarioToJSON(sc))));
    expect(again.learningCurve.syntheticWorth).toBe(0.6);
    expect(solveGame(again).equilibrium.x).toEqual(solveGame(sc).equilibrium.x);
  });
});

describe('the scenario field', () => {
  const json = scenarioToJSON(randomScenario({ n: 2, seed: 9 }));
  it.each([0, -1, 1e-4, 2e3, NaN, '1', null, true])('refuses syntheticWorth = %o by name', (v) => {
    const bad = { ...json, learningCurve: { ...json.learningCurve, syntheticWorth: v } };
    let error: unknown;
    try {
      parseScenario(JSON.parse(JSON.stringify(bad)) as never);
    } catch (e) {
      error = e;
    }
    // JSON turns NaN into null: both are "not a number in range".
    expect(error).toBeInstanceOf(CocogenError);
    expect((error as CocogenError).code).toBe('INVALID_SCENARIO');
    expect((error as CocogenError).message).toMatch(/learningCurve\.syntheticWorth/);
    expect((error as CocogenError).message).toMatch(/\[0\.001, 1000\]/);
  });
});
