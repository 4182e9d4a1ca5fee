/**
 * The native payoff kernels below the engine: the AVX2 grid kernel (vector log1p/expm1) against the float64 JS
 * reference and against the scalar path, its libm fallback for special values, the levels output, and the row sums'
 * independence of the thread count and of how rows are grouped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  PAYOFF_ROW_FIELDS,
  PAYOFF_SCENARIO_FIELDS,
  scenarioConstants,
  type PayoffMatrixInput,
} from '../../src/engine/kernels/payoff-matrix/contract.js';
import {
  denseRowSumsReference,
  payoffMatrixReference,
  rowGainTerms,
} from '../../src/engine/kernels/payoff-matrix/reference.js';
import { addon, expectCocogenError, native, runInChild, seeded } from './native-addon.js';

/** Rows with amounts from 1e-3 to 1e7, some at 0 and at X, over two items; S not a multiple of 4. */
function makeInput(seed: number, rowsPerItem: number, S: number): PayoffMatrixInput {
  const batch = 2;
  const u = seeded(seed, batch * rowsPerItem * 8, 0, 1);
  const rows = new Float64Array(batch * rowsPerItem * PAYOFF_ROW_FIELDS);
  const scenarios = new Float64Array(batch * PAYOFF_SCENARIO_FIELDS);
  for (let b = 0; b < batch; b++) {
    let D = 0;
    for (let i = 0; i < rowsPerItem; i++) {
      const r = b * rowsPerItem + i;
      const o = r * PAYOFF_ROW_FIELDS;
      const q = (k: number) => u[r * 8 + k]!;
      const d = 10 ** (-3 + 10 * q(0));
      const X = i % 11 === 0 ? 0 : d * 10 ** (4 * q(1) - 2);
      const x = i % 5 === 0 ? 0 : i % 5 === 1 ? X : X * q(2);
      rows.set([d, x, X, d * d * q(3), q(4) * 4 - 1, q(5), q(6) * 1e-3, 0], o);
      D += d + x;
    }
    scenarios.set([D, D * 0.7, 0.9 + b, 0.35 + b * 0.5, 0.4, 0, 0, 0], b * PAYOFF_SCENARIO_FIELDS);
  }
  const grid = Float64Array.from({ length: S }, (_, j) => (S === 1 ? 0.5 : j / (S - 1)));
  return { batch, rowsPerItem, rows, scenarios, grid, writeGains: true };
}

async function runNative(input: PayoffMatrixInput, current?: Float64Array) {
  const count = input.batch * input.rowsPerItem;
  const gains = new Float64Array(count * input.grid.length);
  const bestIndex = new Int32Array(count);
  const bestGain = new Float64Array(count);
  const levels = current ? new Float64Array(gains.length) : null;
  await native().payoffMatrix(
    input.rows,
    input.scenarios,
    input.grid,
    input.rowsPerItem,
    gains,
    bestIndex,
    bestGain,
    current ?? null,
    levels,
  );
  return { gains, bestIndex, bestGain, levels };
}

/** |Δ| tolerance per entry: 1e-12 of the magnitude of the gain's terms (float64 kernels, a few roundings). */
function tolerances(input: PayoffMatrixInput): Float64Array {
  const S = input.grid.length;
  const tol = new Float64Array(input.batch * input.rowsPerItem * S);
  for (let b = 0; b < input.batch; b++) {
    const { D, QD, AD, beta, eta } = scenarioConstants(input.scenarios, b);
    for (let i = 0; i < input.rowsPerItem; i++) {
      const r = b * input.rowsPerItem + i;
      const [d, x, X, k, w, m, c] = input.rows.subarray(r * PAYOFF_ROW_FIELDS, r * PAYOFF_ROW_FIELDS + 7);
      for (let j = 0; j < S; j++) {
        const terms = rowGainTerms(D, QD, AD, beta, eta, d!, x!, k!, w!, m!, c!, X! * input.grid[j]!);
        tol[r * S + j] = 1e-12 * terms.reduce((s, t) => s + Math.abs(t), 0) + 1e-300;
      }
    }
  }
  return tol;
}

describe.skipIf(!addon)('native payoff kernels', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => native().setThreads(threads));

  it('agrees with the float64 reference to 1e-12 of the terms, with the reference argmax where it is clear', async () => {
    for (const [rowsPerItem, S] of [
      [37, 23],
      [64, 64],
      [5, 3],
      [9, 1],
    ] as const) {
      const input = makeInput(rowsPerItem * 31 + S, rowsPerItem, S);
      const want = payoffMatrixReference(input);
      const got = await runNative(input);
      const tol = tolerances(input);
      for (let e = 0; e < tol.length; e++) {
        expect(Math.abs(got.gains[e]! - want.gains![e]!), `entry ${e}`).toBeLessThanOrEqual(tol[e]!);
      }
      for (let r = 0; r < got.bestIndex.length; r++) {
        const j = got.bestIndex[r]!;
        expect(got.bestGain[r]).toBe(got.gains[r * S + j]);
        // The best entry is within the tolerances of the reference's best.
        const wj = want.bestIndex[r]!;
        expect(want.bestGain[r]! - want.gains![r * S + j]!).toBeLessThanOrEqual(tol[r * S + j]! + tol[r * S + wj]!);
        // Lowest index among equal values.
        for (let l = 0; l < j; l++) expect(got.gains[r * S + l]!).toBeLessThan(got.bestGain[r]!);
      }
    }
  });

  it('covers the range of the vector log1p/expm1 arguments (expm1 from -550 to 550) within 1e-12 of the terms', async () => {
    // One row per item with D = d + x: δ/D runs from -x/(d + x) (near -1) to X/(d + x) - 1 (up to ~1e6).
    const betas = [0.1, 0.7, 1, 5, 40];
    const amounts = [
      [1, 0, 1e6],
      [1e-3, 999, 1e3],
      [5, 2, 40],
      [1e4, 1e10, 1e10],
    ];
    const batch = betas.length * amounts.length;
    const rows = new Float64Array(batch * PAYOFF_ROW_FIELDS);
    const scenarios = new Float64Array(batch * PAYOFF_SCENARIO_FIELDS);
    let b = 0;
    for (const beta of betas) {
      for (const [d, x, X] of amounts) {
        rows.set([d!, x!, X!, d! * d! * 0.3, 1.5, 0.2, 1e-4, 0], b * PAYOFF_ROW_FIELDS);
        scenarios.set([d! + x!, 0.8 * (d! + x!), 2, beta, 0.3, 0, 0, 0], b * PAYOFF_SCENARIO_FIELDS);
        b++;
      }
    }
    const grid = Float64Array.from({ length: 61 }, (_, j) => (j === 0 ? 0 : 10 ** (-(60 - j) / 6)));
    const input: PayoffMatrixInput = { batch, rowsPerItem: 1, rows, scenarios, grid, writeGains: true };
    const want = payoffMatrixReference(input);
    const got = await runNative(input);
    const tol = tolerances(input);
    for (let e = 0; e < tol.length; e++) {
      expect(Math.abs(got.gains[e]! - want.gains![e]!), `entry ${e}`).toBeLessThanOrEqual(tol[e]!);
    }
  });

  it('writes the levels current + gain in the same pass, and nothing else changes', async () => {
    const input = makeInput(5, 41, 19);
    const current = Float64Array.from(seeded(6, 82, -1e3, 1e3));
    const plain = await runNative(input);
    const withLevels = await runNative(input, current);
    expect(Array.from(withLevels.gains)).toEqual(Array.from(plain.gains));
    expect(Array.from(withLevels.bestIndex)).toEqual(Array.from(plain.bestIndex));
    const S = input.grid.length;
    for (let e = 0; e < withLevels.levels!.length; e++) {
      expect(withLevels.levels![e]).toBe(current[Math.floor(e / S)]! + plain.gains[e]!);
    }
  });

  it('rejects levels without current, and outputs that alias current', async () => {
    const input = makeInput(7, 4, 5);
    const gains = new Float64Array(8 * 5);
    const args = [input.rows, input.scenarios, input.grid, 4, gains, new Int32Array(8), new Float64Array(8)] as const;
    await expectCocogenError(
      () => native().payoffMatrix(...args, null, new Float64Array(40)),
      'INVALID_ARGUMENT',
      /for current/,
    );
    await expectCocogenError(
      () => native().payoffMatrix(...args, new Float64Array(7), new Float64Array(40)),
      'INVALID_ARGUMENT',
      /8 .*for current/,
    );
    const shared = new Float64Array(40);
    await expectCocogenError(
      () => native().payoffMatrix(...args, shared.subarray(0, 8), shared),
      'INVALID_ARGUMENT',
      /share no memory/,
    );
  });

  it('falls back to libm for special values: NaN and infinities propagate as on the scalar path', async () => {
    const input = makeInput(9, 8, 8);
    const S = 8;
    // Row 1: D = 0 for item 0 makes every log1p argument infinite; row 10 (item 1): a NaN cost.
    input.scenarios[0] = 0;
    input.rows[10 * PAYOFF_ROW_FIELDS + 6] = NaN;
    const want = payoffMatrixReference(input);
    const got = await runNative(input);
    for (let e = 0; e < got.gains.length; e++) {
      const w = want.gains![e]!;
      if (Number.isFinite(w)) expect(Math.abs(got.gains[e]! - w)).toBeLessThanOrEqual(1e-12 * Math.abs(w) + 1e-300);
      else expect(got.gains[e]).toBe(w);
    }
    expect(Array.from(got.bestIndex.subarray(8, 16))).toEqual(Array.from(want.bestIndex.subarray(8, 16)));
    expect(got.bestIndex[10]).toBe(0);
    expect(got.bestGain[10]).toBe(-Infinity);
    expect(Number.isNaN(got.gains[10 * S + 3])).toBe(true);
  });

  it('gives the same bits with 1 and with 2 threads, and the AVX2 path stays within 1e-12 of the scalar one', async () => {
    const input = makeInput(13, 301, 33);
    native().setThreads(1);
    const one = await runNative(input);
    native().setThreads(2);
    const two = await runNative(input);
    expect(Buffer.from(two.gains.buffer).equals(Buffer.from(one.gains.buffer))).toBe(true);
    expect(Array.from(two.bestIndex)).toEqual(Array.from(one.bestIndex));
    const scalar = runInChild(
      `
      const [rows, scenarios, grid] = ${JSON.stringify([input.rows, input.scenarios, input.grid].map((a) => Array.from(a)))}
        .map((a) => Float64Array.from(a));
      const count = rows.length / 8;
      const gains = new Float64Array(count * grid.length);
      await addon.payoffMatrix(rows, scenarios, grid, ${input.rowsPerItem}, gains, new Int32Array(count), new Float64Array(count));
      console.log(JSON.stringify({ simd: addon.buildInfo().simd, gains: Array.from(gains) }));
    `,
      { COCOGEN_NATIVE_ISA: 'scalar' },
    ) as { simd: string[]; gains: number[] };
    expect(scalar.simd).toEqual(['scalar']);
    const tol = tolerances(input);
    scalar.gains.forEach((v, e) => expect(Math.abs(one.gains[e]! - v)).toBeLessThanOrEqual(tol[e]!));
  });

  it('row sums: same bits with 1 and 2 threads, for every N mod 4 and a batch, within rounding of the reference', async () => {
    for (const n of [1, 2, 3, 4, 5, 37, 130, 259]) {
      for (const batch of [1, 3]) {
        const matrix = Float64Array.from(seeded(n * 7 + batch, batch * n * n, -1, 1));
        const vectors = Float64Array.from(seeded(n * 11 + batch, batch * 2 * n, 0, 2));
        const input = { batch, n, matrix, vectors };
        native().setThreads(1);
        const one = new Float64Array(vectors.length);
        await native().denseRowSums(matrix, vectors, n, batch, one);
        native().setThreads(2);
        const two = new Float64Array(vectors.length);
        await native().denseRowSums(matrix, vectors, n, batch, two);
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), `n = ${n}, batch = ${batch}`).toBe(true);
        const want = denseRowSumsReference(input);
        // |error| <= n·2^-52 · Σ|g·v| (a bound for any summation order), with Σ|g·v| <= 2n here.
        want.forEach((w, e) => expect(Math.abs(one[e]! - w)).toBeLessThanOrEqual(n * 2 ** -52 * 2 * n));
      }
    }
  });
});
