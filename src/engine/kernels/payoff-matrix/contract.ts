/**
 * The contracts of the two payoff kernels: their packed layouts, numeric inputs and outputs (reference.ts holds the
 * float64 references the native and WebGPU kernels are checked against). The game layer (src/game/payoff-packing.ts)
 * packs a scenario into these inputs and checks their preconditions (src/game/payoff-matrix.ts).
 *
 * 1. `payoffMatrix` — rows of an aggregative objective on a strategy grid. Row r (organization n of batch
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
 * 2. `denseRowSums` — out[b][v][n] = Σ_m G[b][n][m]·V[b][v][m]: the O(N²) matrix–vector part of a dense
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
