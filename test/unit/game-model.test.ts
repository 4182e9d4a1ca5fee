// Model components (DESIGN §3.2–3.4): each formula against its definition, the potential identity, and the
// derivatives against finite differences, on seeded random instances.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/util/random.js';
import {
  aggregatesAt,
  createGameModel,
  initialSkew,
  performanceAt,
  potential,
  potentialGradient,
  privateGain,
  randomScenario,
  skewAfter,
  socialWelfare,
  utilities,
  welfareGradient,
  ownUtilityGradient,
  buildScenario,
  scenarioToJSON,
  parseScenario,
  type GameModel,
} from '../../src/game/index.js';

function randomProfile(model: GameModel, seed: number): Float64Array {
  const rng = new Random(seed);
  return model.X.map((v) => v * rng.next());
}

const instances = [
  { n: 5, seed: 1, competition: 'matrix' as const, rivalry: 0, intensity: 0.3 },
  { n: 7, seed: 2, competition: 'uniform' as const, rivalry: 1, intensity: 0.6 },
  { n: 4, seed: 3, competition: 'matrix' as const, rivalry: 0.5, intensity: 0.4 },
  { n: 12, seed: 4, competition: 'uniform' as const, rivalry: 0.3, intensity: 0.2 },
];

describe('heterogeneity', () => {
  it('δ_n(x) is the L1 distance of the mixed label distribution to p* (exact under mixing)', () => {
    const s = randomScenario({ n: 6, seed: 9 });
    const delta0 = initialSkew(s);
    for (let i = 0; i < s.n; i++) {
      const d = s.samples[i];
      const x = 0.7 * d;
      let dist = 0;
      for (let k = 0; k < s.classes; k++) {
        const mixed = (s.labelCounts[i * s.classes + k] + x * s.targetDistribution[k]) / (d + x);
        dist += Math.abs(mixed - s.targetDistribution[k]);
      }
      expect(skewAfter(delta0[i], d, x)).toBeCloseTo(dist, 12);
    }
  });

  it('H_S = Σ ((d+x)/D) δ_n(x)² equals Q/D', () => {
    const model = createGameModel(randomScenario({ n: 8, seed: 5 }));
    const x = randomProfile(model, 3);
    const { D, Q } = aggregatesAt(model.d, model.s, x);
    let H = 0;
    for (let i = 0; i < model.n; i++) {
      const u = model.d[i] + x[i];
      H += (u / D) * skewAfter(model.delta0[i], model.d[i], x[i]) ** 2;
    }
    expect(Q / D).toBeCloseTo(H, 14);
  });
});

describe.each(instances)('model on %o', (opts) => {
  const model = createGameModel(randomScenario(opts));
  const x = randomProfile(model, opts.seed + 100);

  it('utilities follow the two forms of §3.3 and sum to SW', () => {
    const U = utilities(model, x);
    const P = performanceAt(model, x);
    const gamma = (n: number, m: number): number => {
      const c = model.scenario.competition;
      if (n === m) return 0;
      return c.kind === 'uniform' ? c.intensity / (model.n - 1) : c.gamma[n * model.n + m];
    };
    const lambda = model.scenario.rivalry;
    let sum = 0;
    for (let n = 0; n < model.n; n++) {
      const q = (m: number): number => P + privateGain(model.mu[m], model.d[m], x[m]);
      let expected = model.rho[n] * q(n) - model.c[n] * x[n];
      for (let m = 0; m < model.n; m++) {
        if (m === n) continue;
        expected +=
          lambda * gamma(n, m) * model.rho[m] * (q(n) - q(m)) - (1 - lambda) * gamma(n, m) * model.rho[m] * q(m);
      }
      expect(U[n]).toBeCloseTo(expected, 9);
      sum += U[n];
    }
    expect(socialWelfare(model, x)).toBeCloseTo(sum, 8);
  });

  it('satisfies the potential identity U_n(x′_n, x₋n) − U_n(x) = w_n [Φ(x′_n, x₋n) − Φ(x)]', () => {
    expect(Array.from(model.w).every((w) => w > 0)).toBe(true);
    const rng = new Random(opts.seed + 7);
    const U = utilities(model, x);
    const phi = potential(model, x);
    for (let trial = 0; trial < 20; trial++) {
      const n = Math.floor(rng.next() * model.n);
      const y = Float64Array.from(x);
      y[n] = model.X[n] * rng.next();
      const dU = utilities(model, y)[n] - U[n];
      const dPhi = model.w[n] * (potential(model, y) - phi);
      expect(Math.abs(dU - dPhi)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(U[n]), 1));
    }
  });

  it('gradients match central finite differences', () => {
    const gPhi = potentialGradient(model, x);
    const gSW = welfareGradient(model, x);
    const gU = ownUtilityGradient(model, x);
    for (let n = 0; n < model.n; n++) {
      const h = 1e-3 * (model.d[n] + x[n]);
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[n] += h;
      dn[n] -= h;
      const fd = (f: (y: Float64Array) => number): number => (f(up) - f(dn)) / (2 * h);
      const rel = (a: number, b: number, scale: number): number => Math.abs(a - b) / scale;
      // Compare relative to the size of the terms (the gradient itself may be near zero).
      const scalePhi = Math.abs(model.c[n] / model.w[n]) + Math.abs(gPhi[n]) + 1e-30;
      expect(
        rel(
          gPhi[n],
          fd((y) => potential(model, y)),
          scalePhi,
        ),
      ).toBeLessThan(1e-5);
      expect(
        rel(
          gSW[n],
          fd((y) => socialWelfare(model, y)),
          Math.abs(model.c[n]) + Math.abs(gSW[n]),
        ),
      ).toBeLessThan(1e-5);
      expect(
        rel(
          gU[n],
          fd((y) => utilities(model, y)[n]),
          Math.abs(model.c[n]) + Math.abs(gU[n]),
        ),
      ).toBeLessThan(1e-5);
    }
  });
});

describe('competition representations', () => {
  it('uniform competition equals the dense matrix with γ = g/(N−1)', () => {
    const s = randomScenario({ n: 6, seed: 11, intensity: 0.5, rivalry: 0.25 });
    const json = scenarioToJSON(s);
    const dense = {
      ...json,
      competition: Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 0 : 0.5 / 5))),
    };
    const a = createGameModel(s);
    const b = createGameModel(parseScenario(dense));
    const x = randomProfile(a, 1);
    const Ua = utilities(a, x);
    const Ub = utilities(b, x);
    for (let i = 0; i < 6; i++) {
      expect(Ua[i]).toBeCloseTo(Ub[i], 9);
      expect(a.w[i]).toBeCloseTo(b.w[i], 12);
      expect(a.kappa[i]).toBeCloseTo(b.kappa[i], 12);
    }
  });

  it('a single organization has no rivals', () => {
    const s = buildScenario({
      ids: ['solo'],
      classes: 2,
      samples: [10],
      labelCounts: [7, 3],
      marketValue: [5],
      costPerSample: [0],
      maxSynthetic: [10],
      competition: { uniform: 0.9 },
      learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
    });
    const m = createGameModel(s);
    expect(m.w[0]).toBe(5);
    expect(m.kappa[0]).toBe(5);
  });
});
