/**
 * Plain-TypeScript reference of the two payoff kernels, in float64. The native and WebGPU kernels are checked
 * against these; the game layer (src/game/payoff-matrix.ts) packs a scenario into their numeric inputs.
 *
 * 1. `payoffMatrixReference` — rows of an aggregative objective on a strategy grid. Row r (organization n of batch
 *    item b) is the function of one amount s ≥ 0
 *        f_r(s) = w·P(D + s − x, Q + k/(d + s) − k/(d + x)) + m·ln(1 + s/d) − c·s    (+ a constant)
 *    with P(D, Q) = const − A·D^(−β) − η·Q/D the item's curve and (D, Q) its aggregates at the current point
 *    (D ≥ d + x). For every grid fraction t_j it returns the gain over the current amount,
 *        Δ_rj = f_r(X·t_j) − f_r(x),
 *    computed without cancellation (δ = s − x):
 *        A·D^(−β) − A·(D+δ)^(−β) = −A·D^(−β)·expm1(−β·log1p(δ/D))
 *        η·Q/D − η·Q'/D'         = η·(δ/(D+δ))·(Q/D + k/((d+s)(d+x)))
 *        m·ln(1+s/d) − m·ln(1+x/d) = m·log1p(δ/(d+x))
 *    and the row's argmax over j (the lowest index among equal values) with its gain.
 * 2. `denseRowSumsReference` — out[b][v][n] = Σ_m G[b][n][m]·V[b][v][m]: the O(N²) matrix–vector part of a dense
 *    competition matrix, for a batch of B matrices (or one matrix shared by the batch) and K vectors per item.
 */

/** Float64 values per row in the packed row array: (d, x, X, k, w, m, c, 0). */
export const PAYOFF_ROW_FIELDS = 8;
/** Offsets inside a packed row. */
export const ROW = { d: 0, x: 1, X: 2, k: 3, w: 4, m: 5, c: 6 } as const;
/** Float64 values per batch item in the packed scenario array: (D, Q, A, β, η, 0, 0, 0). */
export const PAYOFF_SCENARIO_FIELDS = 8;
export const SCENARIO = { D: 0, Q: 1, A: 2, beta: 3, eta: 4 } as const;

/**
 * The numeric input of the payoff-matrix kernel. Preconditions (checked by the caller): `rows` holds B·N packed rows,
 * `scenarios` B packed items, `grid` S ≥ 1 fractions in [0, 1]; every value finite; d > 0, x ≥ 0, X ≥ 0, k ≥ 0,
 * D ≥ d + x > 0, A ≥ 0, β > 0, η ≥ 0.
 */
export interface PayoffMatrixInput {
  batch: number;
  /** Rows per batch item (N). */
  rowsPerItem: number;
  rows: Float64Array;
  scenarios: Float64Array;
  grid: Float64Array;
  /** Write the B·N·S gains (false: only the argmax and its gain, for huge N·S). */
  writeGains: boolean;
  /**
   * Optional level of each row at x (B·N). A backend may then also return the levels current + gain with the gains
   * (`utilities`); one that does not (the reference) leaves that addition to the caller.
   */
  current?: Float64Array;
}

export interface PayoffMatrixOutput {
  /** Δ_rj at [r·S + j], or null when not requested. */
  gains: Float64Array | null;
  /** argmax_j Δ_rj per row (lowest j among equal values). */
  bestIndex: Int32Array;
  /** max_j Δ_rj per row. */
  bestGain: Float64Array;
  /** current[r] + Δ_rj at [r·S + j], when the backend computed them (input.current given and gains written). */
  utilities?: Float64Array;
}

/** The per-item constants the rows share: A·D^(−β) and Q/D. */
export function scenarioConstants(
  scenarios: Float64Array,
  b: number,
): { D: number; QD: number; AD: number; beta: number; eta: number } {
  const o = b * PAYOFF_SCENARIO_FIELDS;
  const D = scenarios[o + SCENARIO.D]!;
  const beta = scenarios[o + SCENARIO.beta]!;
  return {
    D,
    QD: scenarios[o + SCENARIO.Q]! / D,
    AD: scenarios[o + SCENARIO.A]! * Math.pow(D, -beta),
    beta,
    eta: scenarios[o + SCENARIO.eta]!,
  };
}

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

/**
 * The numeric input of the dense row-sums kernel: `matrix` holds B row-major N×N matrices (or one, shared by every
 * item), `vectors` B·K vectors of length N (item b's vector v at [(b·K + v)·N]). Values finite.
 */
export interface DenseRowSumsInput {
  batch: number;
  n: number;
  matrix: Float64Array;
  vectors: Float64Array;
}

/** K, the vectors per item, and whether one matrix is shared by the batch. */
export function denseRowSumsShape(input: DenseRowSumsInput): { k: number; shared: boolean } {
  const { batch, n } = input;
  return { k: input.vectors.length / (batch * n), shared: input.matrix.length === n * n && batch > 1 };
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
