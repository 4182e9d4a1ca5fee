/**
 * The one table of payoff-matrix cases that every backend runs (js, native, webgpu). The expected values are
 * computed here independently of the kernels: U_n(s, x_−n) as levels from the game layer (`utilities` of
 * utility.ts at the profile with x_n replaced by s), in float64.
 *
 * Tolerances (per element, |actual − expected| ≤ atol):
 *   - every backend: 1e-12·M_n, the float64 rounding of the expected value itself, which is a difference of levels
 *     (M_n = |a_n|(|P| + g_n) + |r_n||P| + |h_n| + c_n x_n, the magnitude of the terms of U_n(x));
 *   - js and native (float64 kernels): + 1e-9·scale_nj, scale_nj = (|a_n| + |r_n|)·|ΔP| + |a_n μ_n Δg| + |c_n δ|,
 *     the magnitude of the terms of the gain before they cancel against each other;
 *   - webgpu (float32 kernels): + 2e-5·scale_nj (a few float32 roundings of each term, and of w_n = a_n − r_n when
 *     r_n comes from the float32 dense row sums) + 1e-6·(X_n + x_n)·slope_n, the change of U_n over an amount error
 *     of 2^-20 relative (x_n and X_n·t_j are float32), slope_n a bound on |∂U_n/∂s| over [0, X_n];
 *     U_n(x) itself (the level the gains are added to) within 1e-5·M_n (its row sums are float32 on WebGPU).
 * The argmax must be exact where the expected values differ by more than the two entries' tolerances: the gain at
 * the backend's best index is within tol(best) + tol(expected best) of the expected maximum; among equal grid
 * fractions the lowest index wins on every backend.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import {
  aggregatesAt,
  bestResponse1D,
  createGameModel,
  payoffMatrix,
  performance,
  privateGain,
  randomScenario,
  rowWeightedSums,
  solveEquilibrium,
  utilities,
  type GameModel,
  type PayoffMatrixOptions,
  type PayoffMatrixResult,
  type Scenario,
} from '../../src/game/index.js';
import { Random } from '../../src/util/random.js';

type Backend = 'js' | 'native' | 'webgpu';

export interface PayoffInput {
  scenario: Scenario | Scenario[];
  x: ArrayLike<number> | ArrayLike<number>[];
  options?: PayoffMatrixOptions;
}

export interface PayoffCase {
  name: string;
  make(): PayoffInput;
  error?: { code: string; message: RegExp };
}

/** A copy of `sc` with some per-organization fields replaced (label counts scaled with the samples). */
function modify(sc: Scenario, change: (i: number) => { samplesFactor?: number; maxSynthetic?: number }): Scenario {
  const samples = Float64Array.from(sc.samples);
  const labelCounts = Float64Array.from(sc.labelCounts);
  const maxSynthetic = Float64Array.from(sc.maxSynthetic);
  for (let i = 0; i < sc.n; i++) {
    const c = change(i);
    if (c.samplesFactor !== undefined) {
      samples[i] *= c.samplesFactor;
      for (let k = 0; k < sc.classes; k++) labelCounts[i * sc.classes + k] *= c.samplesFactor;
    }
    if (c.maxSynthetic !== undefined) maxSynthetic[i] = c.maxSynthetic;
  }
  return { ...sc, samples, labelCounts, maxSynthetic };
}

/** A profile inside the box: fractions of X from a seed (some at 0 and X exactly). */
function profile(sc: Scenario, seed: number): Float64Array {
  const rng = new Random(seed);
  return sc.maxSynthetic.map((X, i) => (i % 7 === 0 ? 0 : i % 7 === 1 ? X : X * rng.next()));
}

const equilibrium = (sc: Scenario) => solveEquilibrium(sc).x;

export const PAYOFF_CASES: PayoffCase[] = [
  {
    name: 'N = 1 (no rivals), S = 17',
    make: () => {
      const sc = randomScenario({ n: 1, seed: 1, privateGain: 0.05 });
      return { scenario: sc, x: [sc.maxSynthetic[0]! * 0.3], options: { gridSize: 17 } };
    },
  },
  {
    name: 'S = 1 (the single point s = 0)',
    make: () => {
      const sc = randomScenario({ n: 20, seed: 2 });
      return { scenario: sc, x: profile(sc, 2), options: { gridSize: 1 } };
    },
  },
  {
    name: 'S = 2 (the two ends of the box)',
    make: () => {
      const sc = randomScenario({ n: 20, seed: 3, rivalry: 1, intensity: 0.8 });
      return { scenario: sc, x: profile(sc, 3), options: { gridSize: 2 } };
    },
  },
  {
    name: 'X_n = 0 for some organizations (every gain 0, index 0)',
    make: () => {
      const sc = modify(randomScenario({ n: 12, seed: 4 }), (i) => (i % 3 === 0 ? { maxSynthetic: 0 } : {}));
      return { scenario: sc, x: profile(sc, 4), options: { gridSize: 9 } };
    },
  },
  {
    name: 'N = 37 and N = 300 rows: not multiples of the workgroup size (uniform Γ)',
    make: () => {
      const sc = randomScenario({ n: 300, seed: 5, intensity: 0.5, privateGain: 0.05 });
      return { scenario: sc, x: profile(sc, 5), options: { gridSize: 13 } };
    },
  },
  {
    name: 'a curve with syntheticWorth ω = 0.4 (folded into d and A), dense Γ, private gains',
    make: () => {
      const base = randomScenario({
        n: 23,
        seed: 21,
        competition: 'matrix',
        intensity: 0.3,
        privateGain: 0.05,
        rivalry: 0.5,
      });
      const sc = { ...base, learningCurve: { ...base.learningCurve, syntheticWorth: 0.4 } };
      return { scenario: sc, x: profile(sc, 21), options: { gridSize: 11 } };
    },
  },
  {
    name: 'uniform Γ, N = 37, at the equilibrium',
    make: () => {
      const sc = randomScenario({ n: 37, seed: 6, intensity: 0.4 });
      return { scenario: sc, x: equilibrium(sc), options: { gridSize: 33 } };
    },
  },
  {
    name: 'dense Γ, N = 40, λ = 0.5, private gains',
    make: () => {
      const sc = randomScenario({ n: 40, seed: 7, competition: 'matrix', rivalry: 0.5, privateGain: 0.1 });
      return { scenario: sc, x: profile(sc, 7), options: { gridSize: 21 } };
    },
  },
  {
    name: 'dense Γ, N = 257 (one row-sum workgroup per row, N not a multiple of it)',
    make: () => {
      const sc = randomScenario({ n: 257, seed: 8, competition: 'matrix', intensity: 0.6 });
      return { scenario: sc, x: profile(sc, 8), options: { gridSize: 5 } };
    },
  },
  {
    name: 'B = 3 scenarios, uniform Γ, different costs and λ',
    make: () => {
      const scs = [0, 0.5, 1].map((rivalry, b) => randomScenario({ n: 25, seed: 10 + b, rivalry }));
      return { scenario: scs, x: scs.map((sc, b) => profile(sc, 20 + b)), options: { gridSize: 11 } };
    },
  },
  {
    name: 'B = 3 scenarios sharing one dense Γ (a sweep over λ)',
    make: () => {
      const base = randomScenario({ n: 30, seed: 11, competition: 'matrix' });
      const scs = [0, 0.5, 1].map((rivalry) => ({ ...base, rivalry }));
      return { scenario: scs, x: scs.map((sc, b) => profile(sc, 30 + b)), options: { gridSize: 9 } };
    },
  },
  {
    name: 'B = 2 scenarios with different dense Γ, mixed with a uniform one',
    make: () => {
      const scs = [
        randomScenario({ n: 18, seed: 12, competition: 'matrix' }),
        randomScenario({ n: 18, seed: 13 }),
        randomScenario({ n: 18, seed: 14, competition: 'matrix', rivalry: 1 }),
      ];
      return { scenario: scs, x: scs.map((sc, b) => profile(sc, 40 + b)), options: { gridSize: 7 } };
    },
  },
  {
    name: 'ties: repeated grid fractions (the lowest index wins)',
    make: () => {
      const sc = randomScenario({ n: 15, seed: 15 });
      return { scenario: sc, x: profile(sc, 15), options: { grid: [0, 0, 0.25, 0.5, 0.5, 1, 1] } };
    },
  },
  {
    name: 'very small and very large amounts (d from 5e-3 to 1e8, X from 1e-4 to 1e9)',
    make: () => {
      const sc = modify(randomScenario({ n: 16, seed: 16, privateGain: 0.05 }), (i) =>
        i % 2 === 0 ? { samplesFactor: 1e-5, maxSynthetic: 1e-4 } : { samplesFactor: 1e4, maxSynthetic: 1e9 },
      );
      return { scenario: sc, x: profile(sc, 16), options: { gridSize: 9 } };
    },
  },
  {
    name: 'explicit non-uniform grid',
    make: () => {
      const sc = randomScenario({ n: 24, seed: 17, competition: 'matrix' });
      return { scenario: sc, x: profile(sc, 17), options: { grid: [0, 1e-6, 0.001, 0.1, 0.37, 0.9, 0.999999, 1] } };
    },
  },
  {
    name: 'matrix: false (argmax only)',
    make: () => {
      const sc = randomScenario({ n: 50, seed: 18 });
      return { scenario: sc, x: profile(sc, 18), options: { gridSize: 65, matrix: false } };
    },
  },
  // Bad input: INVALID_ARGUMENT naming the argument and the rule.
  ...(
    [
      [
        'not a scenario',
        () => ({ scenario: { n: 3 } as unknown as Scenario, x: [0, 0, 0] }),
        /Scenario .* for scenario but/,
      ],
      ['an empty batch', () => ({ scenario: [], x: [] }), /non-empty array of Scenarios for scenario/],
      [
        'scenarios of different N in a batch',
        () => ({
          scenario: [randomScenario({ n: 3 }), randomScenario({ n: 4 })],
          x: [
            [0, 0, 0],
            [0, 0, 0, 0],
          ],
        }),
        /Scenario of 3 organizations \(as scenario\[0\]\) for scenario\[1\] but received one of 4/,
      ],
      [
        'x of the wrong length',
        () => ({ scenario: randomScenario({ n: 3 }), x: [0, 0] }),
        /3 amounts \(one per organization\) for x but/,
      ],
      [
        'NaN in x',
        () => ({ scenario: randomScenario({ n: 3 }), x: [0, NaN, 0] }),
        /finite number for x\[1\] but received NaN/,
      ],
      [
        'negative x',
        () => ({ scenario: randomScenario({ n: 3 }), x: [0, 0, -1] }),
        /amount in \[0, .*\] .* for x\[2\] but received -1/,
      ],
      [
        'x above maxSynthetic',
        () => {
          const sc = randomScenario({ n: 3 });
          return { scenario: sc, x: [sc.maxSynthetic[0]! * 2, 0, 0] };
        },
        /for x\[0\] but received/,
      ],
      [
        'profiles of the wrong count in a batch',
        () => ({ scenario: [randomScenario({ n: 2 }), randomScenario({ n: 2 })], x: [[0, 0]] }),
        /2 profiles \(one per scenario\) for x but received 1/,
      ],
      [
        'a batch profile of the wrong length',
        () => ({ scenario: [randomScenario({ n: 2 })], x: [[0]] }),
        /2 amounts \(one per organization\) for x\[0\] but/,
      ],
      [
        'gridSize 0',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { gridSize: 0 } }),
        /integer from 1 to \d+ for options\.gridSize but received 0/,
      ],
      [
        'gridSize 2.5',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { gridSize: 2.5 } }),
        /for options\.gridSize but received 2\.5/,
      ],
      [
        'a grid fraction above 1',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { grid: [0, 1.5] } }),
        /fraction in \[0, 1\] for options\.grid\[1\] but received 1\.5/,
      ],
      [
        'an empty grid',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { grid: [] } }),
        /fractions in \[0, 1\] for options\.grid but/,
      ],
      [
        'grid and gridSize',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { grid: [0], gridSize: 3 } }),
        /either options\.grid or options\.gridSize for options\.grid but received both/,
      ],
      [
        'matrix not a boolean',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: { matrix: 'yes' as unknown as boolean } }),
        /boolean for options\.matrix but received "yes"/,
      ],
      [
        'options null',
        () => ({ scenario: randomScenario({ n: 2 }), x: [0, 0], options: null as unknown as PayoffMatrixOptions }),
        /object .* for options but received null/,
      ],
      [
        'a matrix too large to return',
        () => {
          const sc = randomScenario({ n: 1 });
          return {
            scenario: Array.from({ length: 300 }, () => sc),
            x: Array.from({ length: 300 }, () => [0]),
            options: { gridSize: 1 << 20 },
          };
        },
        /false for more than \d+ entries .* for options\.matrix but received true for \d+ entries/,
      ],
    ] as [string, () => PayoffInput, RegExp][]
  ).map(([name, make, message]) => ({ name, make, error: { code: 'INVALID_ARGUMENT', message } })),
];

/** Everything the expected values and tolerances need about one scenario at its profile. */
interface RowFacts {
  model: GameModel;
  x: Float64Array;
  /** U_n(x) levels */
  current: Float64Array;
  /** M_n */
  magnitude: Float64Array;
  /** slope_n bound on |∂U_n/∂s| */
  slope: Float64Array;
  harm: Float64Array;
}

function rowFacts(sc: Scenario, x: Float64Array): RowFacts {
  const model = createGameModel(sc);
  const n = sc.n;
  const current = utilities(model, x);
  const { D, Q } = aggregatesAt(model.d, model.s, x);
  const P = performance(model.curve, D, Q);
  const g = x.map((v, i) => privateGain(model.mu[i]!, model.d[i]!, v));
  const h = rowWeightedSums(
    sc.competition,
    g.map((v, i) => v * model.rho[i]!),
  );
  const magnitude = new Float64Array(n);
  const slope = new Float64Array(n);
  const { scale: A, exponent: beta, heterogeneity: eta } = model.curve;
  for (let i = 0; i < n; i++) {
    magnitude[i] =
      Math.abs(model.a[i]!) * (Math.abs(P) + g[i]!) +
      Math.abs(model.harm[i]!) * Math.abs(P) +
      h[i]! +
      model.c[i]! * x[i]!;
    const d = model.d[i]!;
    const Dmin = D - x[i]!;
    const Qmax = Q - model.s[i]! / (d + x[i]!) + model.s[i]! / d;
    const dP =
      beta * A * Math.pow(Dmin, -beta - 1) + (eta * Qmax) / (Dmin * Dmin) + (eta * model.s[i]!) / (Dmin * d * d);
    slope[i] =
      (Math.abs(model.a[i]!) + Math.abs(model.harm[i]!)) * dP +
      (Math.abs(model.a[i]!) * model.mu[i]!) / d +
      model.c[i]!;
  }
  return { model, x, current, magnitude, slope, harm: model.harm };
}

/** Expected gains (from levels) and each entry's tolerance for one scenario. */
function expectedRows(
  facts: RowFacts,
  grid: Float64Array,
  backend: Backend,
): { gains: Float64Array; tol: Float64Array } {
  const { model, x, current, magnitude, slope } = facts;
  const n = model.n;
  const S = grid.length;
  const gains = new Float64Array(n * S);
  const tol = new Float64Array(n * S);
  const probe = Float64Array.from(x);
  const { D, Q } = aggregatesAt(model.d, model.s, x);
  const P = performance(model.curve, D, Q);
  for (let i = 0; i < n; i++) {
    const X = model.X[i]!;
    for (let j = 0; j < S; j++) {
      const s = X * grid[j]!;
      probe[i] = s;
      const U = utilities(model, probe)[i]!;
      const delta = s - x[i]!;
      const agg = aggregatesAt(model.d, model.s, probe);
      const dP = Math.abs(performance(model.curve, agg.D, agg.Q) - P);
      const dg = Math.abs(privateGain(model.mu[i]!, model.d[i]!, s) - privateGain(model.mu[i]!, model.d[i]!, x[i]!));
      const scale =
        (Math.abs(model.a[i]!) + Math.abs(model.harm[i]!)) * dP +
        Math.abs(model.a[i]!) * dg +
        model.c[i]! * Math.abs(delta);
      gains[i * S + j] = U - current[i]!;
      tol[i * S + j] =
        1e-12 * magnitude[i]! + (backend === 'webgpu' ? 2e-5 * scale + 1e-6 * (X + x[i]!) * slope[i]! : 1e-9 * scale);
    }
    probe[i] = x[i]!;
  }
  return { gains, tol };
}

function gridOf(options: PayoffMatrixOptions | undefined): Float64Array {
  if (options?.grid) return Float64Array.from(options.grid);
  const S = options?.gridSize ?? 33;
  return Float64Array.from({ length: S }, (_, j) => (S === 1 ? 0 : j / (S - 1)));
}

function checkResult(result: PayoffMatrixResult, input: PayoffInput, backend: Backend): void {
  const scenarios = Array.isArray(input.scenario) ? input.scenario : [input.scenario];
  const profiles = (
    Array.isArray(input.scenario) ? (input.x as ArrayLike<number>[]) : [input.x as ArrayLike<number>]
  ).map((p) => Float64Array.from(p));
  const grid = gridOf(input.options);
  const S = grid.length;
  const n = scenarios[0]!.n;
  expect(result.batch).toBe(scenarios.length);
  expect(result.n).toBe(n);
  expect(result.gridSize).toBe(S);
  expect(Array.from(result.grid)).toEqual(Array.from(grid));
  const wantMatrix = input.options?.matrix ?? true;
  expect(result.gains === null).toBe(!wantMatrix);
  expect(result.utilities === null).toBe(!wantMatrix);
  scenarios.forEach((sc, b) => {
    const facts = rowFacts(sc, profiles[b]!);
    const { gains, tol } = expectedRows(facts, grid, backend);
    for (let i = 0; i < n; i++) {
      const r = b * n + i;
      const label = `scenario ${b}, organization ${i}`;
      const currentTol = (backend === 'webgpu' ? 1e-5 : 1e-12) * facts.magnitude[i]!;
      expect(Math.abs(result.current[r]! - facts.current[i]!), `${label}: U_n(x)`).toBeLessThanOrEqual(currentTol);
      let want = 0;
      for (let j = 1; j < S; j++) if (gains[i * S + j]! > gains[i * S + want]!) want = j;
      const got = result.bestIndex[r]!;
      expect(got >= 0 && got < S, `${label}: index in range`).toBe(true);
      expect(got === 0 || grid[got] !== grid[got - 1], `${label}: lowest index among equal grid fractions`).toBe(true);
      const slack = tol[i * S + got]! + tol[i * S + want]!;
      expect(gains[i * S + got]!, `${label}: argmax ${got} vs expected ${want}`).toBeGreaterThanOrEqual(
        gains[i * S + want]! - slack,
      );
      expect(Math.abs(result.bestGain[r]! - gains[i * S + got]!), `${label}: best gain`).toBeLessThanOrEqual(
        tol[i * S + got]!,
      );
      expect(result.bestAmount[r]).toBe(sc.maxSynthetic[i]! * grid[got]!);
      expect(result.bestUtility[r]).toBe(result.current[r]! + result.bestGain[r]!);
      if (sc.maxSynthetic[i] === 0) {
        expect(got).toBe(0);
        expect(result.bestGain[r]).toBe(0);
      }
      if (!result.gains || !result.utilities) continue;
      for (let j = 0; j < S; j++) {
        const e = gains[i * S + j]!;
        const a = result.gains[r * S + j]!;
        if (!(Math.abs(a - e) <= tol[i * S + j]!)) {
          throw new Error(
            `${label}, grid point ${j}: expected gain ${e} but received ${a} (tolerance ${tol[i * S + j]})`,
          );
        }
        expect(result.utilities[r * S + j]).toBe(result.current[r]! + a);
      }
      expect(result.bestGain[r]).toBe(result.gains[r * S + got]);
    }
  });
}

/** The case's options with the engine added; options that are not an object stay as they are (they are the error). */
function onEngine(options: unknown, engine: Engine): PayoffMatrixOptions {
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  return (isObject ? { ...options, engine } : options) as PayoffMatrixOptions;
}

/**
 * Run the whole table against one backend, plus (float64 backends) the agreement with the game layer's exact best
 * response and the equilibrium check of DESIGN §3.5.
 */
export function runPayoffMatrixTable(backend: Backend, open: () => Promise<Engine>): void {
  describe(`payoff-matrix shared table on ${backend}`, () => {
    let engine: Promise<Engine> | undefined;
    const engineFor = () => (engine ??= open());

    for (const c of PAYOFF_CASES) {
      it(c.name, async () => {
        const e = await engineFor();
        expect(e.backend).toBe(backend);
        const input = c.make();
        if (c.error) {
          const error = await payoffMatrix(input.scenario, input.x, onEngine(input.options, e)).then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(error).toBeInstanceOf(CocogenError);
          expect((error as CocogenError).code).toBe(c.error.code);
          expect((error as CocogenError).message).toMatch(c.error.message);
          return;
        }
        const result = await payoffMatrix(input.scenario, input.x, onEngine(input.options, e));
        checkResult(result, input, backend);
      });
    }

    if (backend !== 'webgpu') {
      for (const competition of ['uniform', 'matrix'] as const) {
        it(`best grid response agrees with bestResponse1D within one grid step (${competition} Γ)`, async () => {
          const e = await engineFor();
          const sc = randomScenario({ n: 30, seed: 50, competition, rivalry: 0.3, privateGain: 0.05 });
          const x = profile(sc, 50);
          const S = 1025;
          const result = await payoffMatrix(sc, x, { engine: e, gridSize: S, matrix: false });
          const model = createGameModel(sc);
          const { D, Q } = aggregatesAt(model.d, model.s, x);
          for (let i = 0; i < sc.n; i++) {
            const u = model.d[i]! + x[i]!;
            const exact = bestResponse1D(
              model.curve,
              model.w[i]!,
              model.a[i]! * model.mu[i]!,
              model.c[i]!,
              model.d[i]!,
              model.s[i]!,
              model.X[i]!,
              D - u,
              Q - model.s[i]! / u,
            );
            const step = model.X[i]! / (S - 1);
            expect(Math.abs(result.bestAmount[i]! - exact), `organization ${i}`).toBeLessThanOrEqual(step * (1 + 1e-9));
          }
        });

        it(`no grid point beats the equilibrium by more than 1e-9·|U_n| (${competition} Γ)`, async () => {
          const e = await engineFor();
          const sc = randomScenario({ n: 25, seed: 51, competition, intensity: 0.5, privateGain: 0.05 });
          const eq = solveEquilibrium(sc);
          expect(eq.converged).toBe(true);
          const result = await payoffMatrix(sc, eq.x, { engine: e, gridSize: 513, matrix: false });
          for (let i = 0; i < sc.n; i++) {
            expect(result.bestGain[i]!, `organization ${i}`).toBeLessThanOrEqual(1e-9 * Math.abs(eq.utilities[i]!));
          }
        });
      }
    }

    it('throws DISPOSED after dispose()', async () => {
      const e = await open();
      e.dispose();
      const sc = randomScenario({ n: 2 });
      await expect(payoffMatrix(sc, [0, 0], { engine: e })).rejects.toMatchObject({ code: 'DISPOSED' });
    });

    it('cleans up', async () => {
      if (engine) (await engine).dispose();
    });
  });
}
