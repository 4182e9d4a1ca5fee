/**
 * Plain-TypeScript references of the two payoff kernels (contract.ts states them), in float64. The native and WebGPU
 * kernels are checked against these.
 */
import {
  PAYOFF_ROW_FIELDS,
  ROW,
  denseRowSumsShape,
  scenarioConstants,
  type DenseRowSumsInput,
  type PayoffMatrixInput,
  type PayoffMatrixOutput,
} from './contract.js';

/**
 * The three terms of Δ for one row at amount s: w·ΔP, m·Δg and −c·δ. Their absolute values bound the scale the
 * float32 kernel's error is measured against (tests).
 */
export function rowGainTerms(
  D: number,
  QD: number,
  AD: number,
  beta: number,
  eta: number,
  d: number,
  x: number,
  k: number,
  w: number,
  m: number,
  c: number,
  s: number,
): [performance: number, privateGain: number, cost: number] {
  const delta = s - x;
  const dp =
    -AD * Math.expm1(-beta * Math.log1p(delta / D)) + eta * (delta / (D + delta)) * (QD + k / ((d + s) * (d + x)));
  return [w * dp, m * Math.log1p(delta / (d + x)), -c * delta];
}

export function payoffMatrixReference(input: PayoffMatrixInput): PayoffMatrixOutput {
  const { batch, rowsPerItem, rows, scenarios, grid, writeGains } = input;
  const S = grid.length;
  const R = batch * rowsPerItem;
  const gains = writeGains ? new Float64Array(R * S) : null;
  const bestIndex = new Int32Array(R);
  const bestGain = new Float64Array(R);
  for (let b = 0; b < batch; b++) {
    const { D, QD, AD, beta, eta } = scenarioConstants(scenarios, b);
    for (let i = 0; i < rowsPerItem; i++) {
      const r = b * rowsPerItem + i;
      const o = r * PAYOFF_ROW_FIELDS;
      const d = rows[o + ROW.d]!;
      const x = rows[o + ROW.x]!;
      const X = rows[o + ROW.X]!;
      const k = rows[o + ROW.k]!;
      const w = rows[o + ROW.w]!;
      const m = rows[o + ROW.m]!;
      const c = rows[o + ROW.c]!;
      const dx = d + x;
      let best = 0;
      let bestValue = -Infinity;
      for (let j = 0; j < S; j++) {
        const s = X * grid[j]!;
        const delta = s - x;
        const dp =
          -AD * Math.expm1(-beta * Math.log1p(delta / D)) + eta * (delta / (D + delta)) * (QD + k / ((d + s) * dx));
        const v = w * dp + m * Math.log1p(delta / dx) - c * delta;
        if (gains) gains[r * S + j] = v;
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
      }
      bestIndex[r] = best;
      bestGain[r] = bestValue;
    }
  }
  return { gains, bestIndex, bestGain };
}

/** out[(b·K + v)·N + i] = Σ_j G_b[i][j]·V_bv[j], float64, rows in order j = 0, 1, … */
export function denseRowSumsReference(
  input: DenseRowSumsInput,
  out = new Float64Array(input.vectors.length),
): Float64Array {
  const { batch, n, matrix, vectors } = input;
  const { k, shared } = denseRowSumsShape(input);
  for (let b = 0; b < batch; b++) {
    const g0 = shared ? 0 : b * n * n;
    const v0 = b * k * n;
    if (k === 2) {
      // The game's case (ρ and ρ∘g): one pass over the matrix row for both vectors.
      for (let i = 0; i < n; i++) {
        const row = g0 + i * n;
        let a0 = 0;
        let a1 = 0;
        for (let j = 0; j < n; j++) {
          const g = matrix[row + j]!;
          a0 += g * vectors[v0 + j]!;
          a1 += g * vectors[v0 + n + j]!;
        }
        out[v0 + i] = a0;
        out[v0 + n + i] = a1;
      }
      continue;
    }
    for (let v = 0; v < k; v++) {
      const vo = v0 + v * n;
      for (let i = 0; i < n; i++) {
        const row = g0 + i * n;
        let acc = 0;
        for (let j = 0; j < n; j++) acc += matrix[row + j]! * vectors[vo + j]!;
        out[vo + i] = acc;
      }
    }
  }
  return out;
}
