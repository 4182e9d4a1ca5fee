/**
 * The one table of coalition-value cases that every implementation runs: the game-layer reference in the unit tier
 * (`COALITION_CASES` against each coalition's own scenario optimum, test/unit/incentive-shapley.test.ts), and the
 * kernel on the js, native and webgpu backends (`runCoalitionValuesTable`).
 *
 * Expected values come from the game layer, independently of the kernel's packing: `coalitionValues` of
 * src/incentive/coalition-values.ts (one CoalitionSolver per mask, κ^S from ρ, Γ and λ directly). The kernel returns
 * NaN exactly where the coalition's welfare is not concave (the incentive layer solves those), so the NaN pattern
 * is compared too, and `coalitionValuesOn` (the kernel plus that fill) must match every value.
 *
 * Tolerances, per coalition S with scale_S = |K_S|·(|base| + A·D^(−β) + η·Q/D) + Σ_{i∈S} (|m_i|·ln(1 + x_i/d_i)
 * + e_i·x_i) at the reference optimum (the size of the terms that the value adds up, before they cancel):
 *   - js and native (float64, KKT tolerance 1e-9): |v − v_ref| ≤ 1e-12·scale_S (measured: ≤ 6e-16). The value is stationary at the
 *     optimum, so a KKT residual of 1e-12 moves it by far less; what is left is float64 rounding of the terms and of
 *     κ^S (summed in another order: W_ij vs harm/exposure).
 *   - webgpu (float32 inputs and arithmetic, Newton on (D, Q) with a fixed iteration cap): |v − v_ref| ≤
 *     WEBGPU_RTOL·scale_S, WEBGPU_RTOL = 2e-6 (≈ 16 float32 ulps of the terms: every input is rounded to float32,
 *     which moves each term by ~2^-24 relative, and the terms are summed in float32). The worst measured excess is
 *     printed with each case.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { createGameModel, maximizeAggregative, parseScenario, randomScenario } from '../../src/game/index.js';
import {
  coalitionGame,
  coalitionValues,
  coalitionValuesOn,
  emptyStats,
  packCoalitionGame,
  type CoalitionGame,
} from '../../src/incentive/coalition-values.js';
import { shapleyValues } from '../../src/incentive/shapley.js';
import {
  COALITION_MEMBER_FIELDS,
  type CoalitionValuesInput,
} from '../../src/engine/kernels/coalition-values/contract.js';
import { CocogenError } from '../../src/core/errors.js';
import { expectClose } from '../support/expect-close.js';

type BackendName = 'js' | 'native' | 'webgpu';

const example = (name: string) =>
  parseScenario(JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')));

export interface CoalitionCase {
  name: string;
  scenario: () => ReturnType<typeof example>;
  game: () => CoalitionGame;
}

function fromScenario(name: string, scenario: () => ReturnType<typeof example>): CoalitionCase {
  return { name, scenario, game: () => coalitionGame(createGameModel(scenario())) };
}

/** The games of the table (each is run on every coalition). */
export const COALITION_CASES: CoalitionCase[] = [
  fromScenario('hospitals (uniform Γ, λ = 0)', () => example('hospitals-uniform')),
  fromScenario('banks (dense Γ, λ = 0.5)', () => example('banks-dense')),
  fromScenario('retailers (g = 0.9, λ = 1)', () => example('retailers-arms-race')),
  fromScenario('random N = 7, dense Γ, λ = 0.3', () =>
    randomScenario({ n: 7, seed: 11, competition: 'matrix', intensity: 0.6, rivalry: 0.3 }),
  ),
  fromScenario('random N = 6, dense Γ g = 1.5: 20 of 63 coalitions not concave', () =>
    randomScenario({ n: 6, seed: 21, competition: 'matrix', intensity: 1.5, privateGain: 0.05 }),
  ),
  fromScenario('N = 1 (a coalition of one)', () => randomScenario({ n: 1, seed: 4, privateGain: 0.05 })),
  fromScenario('random N = 6, a curve with syntheticWorth ω = 2.5 (folded into d and A)', () => {
    const sc = randomScenario({ n: 6, seed: 31, competition: 'matrix', intensity: 0.4, privateGain: 0.05 });
    return { ...sc, learningCurve: { ...sc.learningCurve, syntheticWorth: 2.5 } };
  }),
];

/** A larger game for ranges that cross Gray-code blocks (2^12 masks each) and start mid-block. */
const rangeGame = () =>
  coalitionGame(
    createGameModel(randomScenario({ n: 14, seed: 9, competition: 'matrix', intensity: 0.5, rivalry: 0.5 })),
  );

export const WEBGPU_RTOL = 2e-6;

/** scale_S of the module comment for each mask (0 for the empty coalition and for NaN entries). */
export function coalitionScales(input: CoalitionValuesInput, masks: ArrayLike<number>): Float64Array {
  const { n, members, pairWeights: W, curve } = input;
  const F = COALITION_MEMBER_FIELDS;
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  const X = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = members[i * F];
    s[i] = members[i * F + 1];
    X[i] = members[i * F + 2];
    e[i] = members[i * F + 3];
  }
  const lc = {
    reference: curve.base,
    floor: 0,
    scale: curve.scale,
    exponent: curve.exponent,
    heterogeneity: curve.heterogeneity,
  };
  const out = new Float64Array(masks.length);
  for (let k = 0; k < masks.length; k++) {
    const mask = masks[k];
    const idx = Int32Array.from({ length: n }, (_, i) => i).filter((i) => (mask >>> i) & 1);
    if (idx.length === 0) continue;
    const m = new Float64Array(n);
    let K = 0;
    let concave = true;
    for (const i of idx) {
      let kap = members[i * F + 5];
      for (const j of idx) if (j !== i) kap += W[i * n + j];
      K += kap;
      m[i] = kap * members[i * F + 4];
      if (m[i] < 0) concave = false;
    }
    if (!concave || K < 0) continue;
    const sol = maximizeAggregative({ curve: lc, d, s, X, alpha: K, m, e, members: idx });
    let scale =
      Math.abs(K) *
      (Math.abs(curve.base) + curve.scale * sol.D ** -curve.exponent + (curve.heterogeneity * sol.Q) / sol.D);
    for (const i of idx) scale += Math.abs(m[i]) * Math.log1p(sol.x[i] / d[i]) + e[i] * sol.x[i];
    out[k] = scale;
  }
  return out;
}

/** Compares kernel values with the game-layer values: NaN exactly where not concave, the rest within tolerance. */
function expectKernelValues(
  backend: BackendName,
  game: CoalitionGame,
  input: CoalitionValuesInput,
  masks: ArrayLike<number>,
  actual: Float64Array,
): number {
  const stats = emptyStats();
  const expected = coalitionValues(game, masks, {}, stats);
  const scales = coalitionScales(input, masks);
  const nonConcaveExpected: number[] = [];
  const nonConcaveActual: number[] = [];
  for (let k = 0; k < masks.length; k++) {
    if (Number.isNaN(actual[k])) nonConcaveActual.push(masks[k]);
    if (masks[k] !== 0 && scales[k] === 0) nonConcaveExpected.push(masks[k]);
  }
  expect(nonConcaveActual, 'coalitions left as NaN (not concave)').toEqual(nonConcaveExpected);
  expect(stats.nonConcave).toBe(nonConcaveExpected.length);
  const a: number[] = [];
  const e: number[] = [];
  const atol: number[] = [];
  let worst = 0;
  const rel = backend === 'webgpu' ? WEBGPU_RTOL : 1e-12;
  for (let k = 0; k < masks.length; k++) {
    if (Number.isNaN(actual[k])) continue;
    a.push(actual[k]);
    e.push(expected[k]);
    atol.push(rel * scales[k]);
    if (scales[k] > 0) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / scales[k]);
  }
  expectClose(a, e, { rtol: 0, atol });
  return worst;
}

/** Registers the shared table for one backend. */
export function runCoalitionValuesTable(backend: BackendName, makeEngine: () => Promise<Engine>): void {
  describe(`coalition-value kernel shared table on ${backend}`, () => {
    let engine: Engine;
    const withEngine = async (f: () => Promise<void>) => {
      engine = await makeEngine();
      try {
        await f();
      } finally {
        engine.dispose();
      }
    };

    for (const c of COALITION_CASES) {
      it(`${c.name}: every mask (list, from scratch) and the full range (Gray-code walk)`, () =>
        withEngine(async () => {
          const game = c.game();
          const total = 2 ** game.n;
          const masks = Uint32Array.from({ length: total }, (_, m) => m);
          const listInput = packCoalitionGame(game, { masks });
          const list = await engine.coalitionValues(listInput);
          const worstList = expectKernelValues(backend, game, listInput, masks, list.values);
          const rangeInput = packCoalitionGame(game, { masks: null });
          const range = await engine.coalitionValues(rangeInput);
          const worstRange = expectKernelValues(backend, game, rangeInput, masks, range.values);
          expect(list.values[0]).toBe(0);
          expect(range.values[0]).toBe(0);
          expect(range.stats.solves + range.stats.nonConcave).toBe(total - 1);
          if (backend !== 'webgpu') {
            expect(range.stats.notConverged).toBe(0);
            expect(range.stats.worstKkt).toBeLessThanOrEqual(1e-9);
          }
          // The kernel plus the incentive layer's fill of the non-concave coalitions: every value.
          const filled = await coalitionValuesOn(engine, game, 'all');
          const expected = coalitionValues(game, masks);
          const tol = coalitionScales(rangeInput, masks).map((s, k) =>
            Number.isNaN(range.values[k])
              ? 1e-12 * Math.abs(expected[k])
              : (backend === 'webgpu' ? WEBGPU_RTOL : 1e-12) * s,
          );
          expectClose(filled, expected, { rtol: 0, atol: tol });
          console.log(
            `${backend} ${c.name}: worst |Δv|/scale list ${worstList.toExponential(2)}, range ${worstRange.toExponential(2)}`,
          );
        }));
    }

    it('ranges that start mid-block and cross Gray-code blocks; masks in any order; empty list', () =>
      withEngine(async () => {
        const game = rangeGame();
        for (const [first, count] of [
          [1000, 5000],
          [4095, 2],
          [2 ** 14 - 300, 300],
        ] as const) {
          const input = packCoalitionGame(game, { masks: null, first, count });
          const out = await engine.coalitionValues(input);
          const masks = Uint32Array.from({ length: count }, (_, k) => first + k);
          expectKernelValues(backend, game, input, masks, out.values);
        }
        const masks = Uint32Array.of(2 ** 14 - 1, 5, 0, 5, 8191, 1 << 13);
        const input = packCoalitionGame(game, { masks });
        expectKernelValues(backend, game, input, masks, (await engine.coalitionValues(input)).values);
        const empty = await engine.coalitionValues(packCoalitionGame(game, { masks: new Uint32Array(0) }));
        expect(empty.values.length).toBe(0);
      }));

    it('exact Shapley values through the engine match the JS path (|Δφ_n| ≤ tol · max_S scale_S)', () =>
      withEngine(async () => {
        const model = createGameModel(
          randomScenario({ n: 10, seed: 5, competition: 'matrix', intensity: 0.5, rivalry: 0.5 }),
        );
        const js = shapleyValues(model);
        const on = await shapleyValues(model, { engine });
        expect(on.method).toBe('exact');
        const input = packCoalitionGame(coalitionGame(model), { masks: null });
        const maxScale = Math.max(
          ...coalitionScales(
            input,
            Array.from({ length: 2 ** 10 }, (_, m) => m),
          ),
        );
        const rel = backend === 'webgpu' ? WEBGPU_RTOL : 1e-12;
        expectClose(on.values, js.values, { rtol: 0, atol: rel * maxScale });
        expect(on.coalitionStats.solves).toBe(2 ** 10 - 1);
      }));

    it('rejects masks outside [0, 2^N), ranges past 2^N and more than 30 members', () =>
      withEngine(async () => {
        const game = COALITION_CASES[0].game();
        const bad = async (input: CoalitionValuesInput, pattern: RegExp) => {
          const err = await engine.coalitionValues(input).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(CocogenError);
          expect((err as CocogenError).code).toBe('INVALID_ARGUMENT');
          expect((err as Error).message).toMatch(pattern);
        };
        await bad(packCoalitionGame(game, { masks: Uint32Array.of(1, 2 ** game.n) }), /masks\[1\]/);
        await bad({ ...packCoalitionGame(game, { masks: null }), count: 2 ** game.n + 1 }, /range of masks/);
        const big = packCoalitionGame(game, { masks: null });
        await bad({ ...big, n: 31 }, /at most|\[0, 30\]/);
        await bad({ ...big, tolerance: 0 }, /tolerance/);
      }));
  });
}
