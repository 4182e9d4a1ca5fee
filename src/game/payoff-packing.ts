/**
 * The game-specific half of the payoff matrix: turns scenarios and strategy profiles into the numeric inputs of the
 * engine's payoff kernels (src/engine/kernels/payoff-matrix/contract.ts states their contract), and back.
 *
 * For organization n of scenario b at profile x, with everyone else held at x (DESIGN §3.3):
 *   U_n(s, x_−n) = a_n q_n − Σ_{m≠n} γ_nm ρ_m q_m − c_n s,   q_m = P_N + g_m
 *                = a_n·(P_N(s, x_−n) + g_n(s)) − r_n·P_N(s, x_−n) − h_n − c_n s
 *                = w_n·P_N(s, x_−n) + a_n·g_n(s) − h_n − c_n s
 * with r_n = Σ_{m≠n} γ_nm ρ_m, h_n = Σ_{m≠n} γ_nm ρ_m g_m(x_m), a_n = ρ_n + λ r_n, w_n = a_n − r_n. So each row of
 * the kernel is (d, x, X, k = d²δ⁰², w, m = a·μ, c) and each item (D, Q, A, β, η) at x. The two row sums r and h
 * are the O(N²) part for a dense Γ: one `denseRowSums` call with the vectors ρ and ρ∘g(x) (O(N) when uniform).
 * d and A are packed with the curve's ω folded in (src/game/synthetic-worth.ts), so the kernels know nothing of it.
 */
import type { DenseRowSumsInput, PayoffMatrixInput } from '../engine/kernels/payoff-matrix/contract.js';
import { PAYOFF_ROW_FIELDS, PAYOFF_SCENARIO_FIELDS, ROW, SCENARIO } from '../engine/kernels/payoff-matrix/contract.js';
import { rowWeightedSums } from './competition.js';
import { aggregatesAt } from '../numeric/aggregates.js';
import { initialSkew, skewMass } from './heterogeneity.js';
import { performance } from '../numeric/learning-curve.js';
import { privateGain } from './private-gain.js';
import type { Scenario } from './scenario.js';
import { foldSyntheticWorth } from './synthetic-worth.js';

/** ρ and ρ∘g(x) of every scenario, and the dense-Γ part as one batched row-sums input (null when all uniform). */
export interface RivalSumsPlan {
  /** Per scenario: [ρ, ρ∘g(x)] concatenated (2·N). */
  vectors: Float64Array[];
  /** Indices of the scenarios with a dense matrix, in `dense.vectors` order. */
  denseItems: number[];
  dense: DenseRowSumsInput | null;
}

export function planRivalSums(scenarios: readonly Scenario[], profiles: readonly Float64Array[]): RivalSumsPlan {
  const n = scenarios[0]!.n;
  const vectors = scenarios.map((sc, b) => {
    const v = new Float64Array(2 * n);
    const x = profiles[b]!;
    const d = foldSyntheticWorth(sc.learningCurve, sc.samples).samples;
    for (let i = 0; i < n; i++) {
      const rho = sc.marketValue[i]!;
      v[i] = rho;
      v[n + i] = rho * privateGain(sc.privateGain[i]!, d[i]!, x[i]!);
    }
    return v;
  });
  const denseItems: number[] = [];
  scenarios.forEach((sc, b) => {
    if (sc.competition.kind === 'matrix') denseItems.push(b);
  });
  if (denseItems.length === 0) return { vectors, denseItems, dense: null };
  const matrices = denseItems.map((b) => (scenarios[b]!.competition as { gamma: Float64Array }).gamma);
  // One matrix for the whole batch (a sweep over costs, λ or skew with Γ fixed) is passed once and shared.
  const shared = matrices.every((g) => g === matrices[0]);
  let matrix: Float64Array;
  if (shared || matrices.length === 1) {
    matrix = matrices[0]!;
  } else {
    matrix = new Float64Array(matrices.length * n * n);
    matrices.forEach((g, k) => matrix.set(g, k * n * n));
  }
  const packed = new Float64Array(denseItems.length * 2 * n);
  denseItems.forEach((b, k) => packed.set(vectors[b]!, k * 2 * n));
  return { vectors, denseItems, dense: { batch: denseItems.length, n, matrix, vectors: packed } };
}

/** r = Γρ and h = Γ(ρ∘g(x)) per scenario, from the dense sums (when any) or in O(N) for uniform competition. */
export function rivalSums(
  scenarios: readonly Scenario[],
  plan: RivalSumsPlan,
  denseSums: Float64Array | null,
): { r: Float64Array; h: Float64Array }[] {
  const n = scenarios[0]!.n;
  return scenarios.map((sc, b) => {
    const k = plan.denseItems.indexOf(b);
    if (k >= 0 && denseSums) {
      const o = k * 2 * n;
      return { r: denseSums.subarray(o, o + n), h: denseSums.subarray(o + n, o + 2 * n) };
    }
    const v = plan.vectors[b]!;
    return {
      r: rowWeightedSums(sc.competition, v.subarray(0, n)),
      h: rowWeightedSums(sc.competition, v.subarray(n, 2 * n)),
    };
  });
}

/** The kernel's input, and U_n(x) per row (float64, on the host: the level every gain is added to). */
export function packPayoffInput(
  scenarios: readonly Scenario[],
  profiles: readonly Float64Array[],
  sums: readonly { r: Float64Array; h: Float64Array }[],
  grid: Float64Array,
  writeGains: boolean,
): { input: PayoffMatrixInput; current: Float64Array } {
  const B = scenarios.length;
  const n = scenarios[0]!.n;
  const rows = new Float64Array(B * n * PAYOFF_ROW_FIELDS);
  const items = new Float64Array(B * PAYOFF_SCENARIO_FIELDS);
  const current = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    const sc = scenarios[b]!;
    const x = profiles[b]!;
    const { r, h } = sums[b]!;
    const { curve, samples: d } = foldSyntheticWorth(sc.learningCurve, sc.samples);
    const k = skewMass(d, initialSkew(sc));
    const { D, Q } = aggregatesAt(d, k, x);
    const P = performance(curve, D, Q);
    const io = b * PAYOFF_SCENARIO_FIELDS;
    items[io + SCENARIO.D] = D;
    items[io + SCENARIO.Q] = Q;
    items[io + SCENARIO.A] = curve.scale;
    items[io + SCENARIO.beta] = curve.exponent;
    items[io + SCENARIO.eta] = curve.heterogeneity;
    const lambda = sc.rivalry;
    for (let i = 0; i < n; i++) {
      const a = sc.marketValue[i]! + lambda * r[i]!;
      const w = a - r[i]!;
      const mu = sc.privateGain[i]!;
      const o = (b * n + i) * PAYOFF_ROW_FIELDS;
      rows[o + ROW.d] = d[i]!;
      rows[o + ROW.x] = x[i]!;
      rows[o + ROW.X] = sc.maxSynthetic[i]!;
      rows[o + ROW.k] = k[i]!;
      rows[o + ROW.w] = w;
      rows[o + ROW.m] = a * mu;
      rows[o + ROW.c] = sc.costPerSample[i]!;
      current[b * n + i] = a * (P + privateGain(mu, d[i]!, x[i]!)) - r[i]! * P - h[i]! - sc.costPerSample[i]! * x[i]!;
    }
  }
  return { input: { batch: B, rowsPerItem: n, rows, scenarios: items, grid, writeGains, current }, current };
}
