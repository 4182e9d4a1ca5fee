/**
 * Calibration of the game's learning curve (DESIGN §3.2, §5.4): train over a grid of pooled sizes D, label skews
 * (Dirichlet α over organizations) and amounts of generated data (each organization generating a fraction f of its
 * real samples with the generator, its label mix moving toward p*), measure test loss, and fit
 *
 *   L(D, H) = L∞ + A·D^(−β) + η·H,      D = Σ_n (d_n + x_n),  H = H_S(x) = (1/D)·Σ_n d_n²·(δ⁰_n)² / (d_n + x_n)
 *
 * with H the game's own heterogeneity at the amounts generated (at f = 0: Σ_n (d_n/D)·δ_n², δ_n = ‖p_n − p*‖₁), so
 * that η measures what the generator's samples do to the loss through the term the game plays with. Runs with real
 * data only leave η barely identified; generated amounts move H at a given skew. Points with generated samples in at
 * least two shares also identify ω (the curve's syntheticWorth: a generated sample counts as ω real ones, DESIGN §3.2),
 * which enters through D and H only and is profiled around the fit of the other four.
 *
 * by nonlinear least squares. Only β enters nonlinearly: for a fixed β the best (L∞, A, η) is a linear least-squares
 * problem (with L∞, A, η ≥ 0, solved exactly by trying every support of the three columns), so the fit runs
 * Levenberg–Marquardt on β alone over the projected residual (variable projection, Golub & Pereyra 1973, with
 * Kaufman's Jacobian), from the best point of a coarse log-spaced scan of β.
 */
import { Engine, onEngineOption } from '../engine/engine.js';
import { invalidArgument } from '../core/errors.js';
import { checkFiniteNumbers, integerOption, numberOption, optionsRecord, seedOption } from '../util/options.js';
import type { LearningCurveInput } from '../game/scenario.js';
import { solveDense } from '../numeric/linalg.js';
import { Random } from '../util/random.js';
import { partitionFederation } from './federation.js';
import { syntheticClassCounts, type Generator } from './generator.js';
import { createModel, type ModelKind } from './models.js';
import { checkSamples, featuresOf, selectSamples, type LabeledSamples } from './samples.js';
import { evaluateWhereTrained } from './engine-evaluation.js';
import { deriveSeed, federatedRound, type Organization } from './train.js';

/** One measured point: pooled size D, heterogeneity H, test loss. */
export interface CurvePoint {
  size: number;
  heterogeneity: number;
  loss: number;
  /** how many of the `size` samples were generated (default 0); points that differ in it identify ω */
  syntheticSamples?: number;
}

export interface CurveFitOptions {
  /** search range of β (default [1e-3, 4]) */
  exponentRange?: readonly [number, number];
  /** Levenberg–Marquardt iterations at most (default 100) */
  maxIterations?: number;
  /** hold ω at this value instead of fitting it (default: fitted where the points identify it, else 1) */
  syntheticWorth?: number;
}

/** The fitted curve with its goodness of fit. */
export interface CurveFit {
  /** L∞ */
  floor: number;
  /** A */
  scale: number;
  /** β */
  exponent: number;
  /** η */
  heterogeneity: number;
  /** ω, what a generated sample counts as in real samples (1 where the points do not identify it) */
  syntheticWorth: number;
  /** whether ω was fitted (the points hold generated samples in at least two shares) or held */
  syntheticWorthFitted: boolean;
  /** 1 − RSS/TSS */
  rSquared: number;
  /** root mean squared residual (loss units) */
  rmse: number;
  /** asymptotic standard errors of (L∞, A, β, η, ω) from the Jacobian at the fit (NaN where undetermined or held) */
  standardErrors: { floor: number; scale: number; exponent: number; heterogeneity: number; syntheticWorth: number };
  /** fitted loss at every point, in input order */
  fitted: number[];
  /** parameters held at their bound 0 (the data asked for a negative value) */
  atBound: ('floor' | 'scale' | 'heterogeneity')[];
  iterations: number;
  converged: boolean;
}

/** The curve's value at (D, H), D and H as the game counts them at ω (D = Σ(d + ωx)). */
export function curveLoss(
  fit: Pick<CurveFit, 'floor' | 'scale' | 'exponent' | 'heterogeneity'>,
  D: number,
  H: number,
): number {
  return fit.floor + fit.scale * Math.pow(D, -fit.exponent) + fit.heterogeneity * H;
}

/** Least squares of y on the given columns (normal equations on unit-scaled columns). */
function leastSquares(columns: Float64Array[], y: Float64Array): number[] | null {
  const k = columns.length;
  if (k === 0) return [];
  const norms = columns.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)) || 1);
  const M = new Array<number>(k * k).fill(0);
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < y.length; t++) s += columns[i]![t]! * columns[j]![t]!;
      M[i * k + j] = M[j * k + i] = s / (norms[i]! * norms[j]!);
    }
    let s = 0;
    for (let t = 0; t < y.length; t++) s += columns[i]![t]! * y[t]!;
    b[i] = s / norms[i]!;
  }
  const x = solveDense(M, b, k);
  return x && x.map((v, i) => v / norms[i]!);
}

interface Projection {
  /** (L∞, A, η) */
  coef: [number, number, number];
  /** which of the three columns are free (positive coefficient) */
  free: boolean[];
  residual: Float64Array;
  rss: number;
}

/**
 * For a fixed β: the non-negative least-squares (L∞, A, η), exactly, as the best feasible unconstrained fit over the
 * 8 supports of the three columns (the NNLS optimum is the unconstrained fit on its own support).
 */
function project(D: Float64Array, H: Float64Array, y: Float64Array, beta: number): Projection {
  const all = [new Float64Array(y.length).fill(1), D.map((d) => Math.pow(d, -beta)), H];
  let best: Projection | null = null;
  for (let mask = 0; mask < 8; mask++) {
    const cols = [0, 1, 2].filter((j) => mask & (1 << j));
    const x = leastSquares(
      cols.map((j) => all[j]!),
      y,
    );
    if (!x || x.some((v) => v < 0)) continue;
    const coef: [number, number, number] = [0, 0, 0];
    cols.forEach((j, i) => (coef[j] = x[i]!));
    const residual = new Float64Array(y.length);
    let rss = 0;
    for (let t = 0; t < y.length; t++) {
      residual[t] = y[t]! - coef[0] - coef[1] * all[1]![t]! - coef[2] * H[t]!;
      rss += residual[t]! * residual[t]!;
    }
    if (!best || rss < best.rss) best = { coef, free: [0, 1, 2].map((j) => (mask & (1 << j)) !== 0), residual, rss };
  }
  return best!;
}

/** The best β in [lo, hi] and its projection, for points at (D, H): a coarse scan of θ = ln β, then LM on θ. */
function fitExponent(
  D: Float64Array,
  H: Float64Array,
  y: Float64Array,
  lo: number,
  hi: number,
  maxIterations: number,
): { beta: number; proj: Projection; iterations: number; converged: boolean } {
  const n = y.length;
  const scan = 48;
  let theta = Math.log(lo);
  let proj = project(D, H, y, lo);
  for (let i = 1; i < scan; i++) {
    const t = Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (scan - 1);
    const p = project(D, H, y, Math.exp(t));
    if (p.rss < proj.rss) [theta, proj] = [t, p];
  }
  let mu = 1e-3;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const beta = Math.exp(theta);
    // Kaufman: J = −P⊥ (∂Φ/∂θ) c, with (∂Φ/∂θ) c = −A·β·ln D·D^(−β); P⊥ projects off the free columns.
    const dPhi = D.map((d) => -proj.coef[1] * beta * Math.log(d) * Math.pow(d, -beta));
    const cols = [new Float64Array(n).fill(1), D.map((d) => Math.pow(d, -beta)), H].filter((_, j) => proj.free[j]);
    const z = leastSquares(cols, dPhi) ?? [];
    const J = dPhi.map((v, t) => -(v - cols.reduce((s, c, i) => s + c[t]! * z[i]!, 0)));
    let jj = 0;
    let jr = 0;
    for (let t = 0; t < n; t++) {
      jj += J[t]! * J[t]!;
      jr += J[t]! * proj.residual[t]!;
    }
    if (!(jj > 0)) {
      converged = true;
      break;
    }
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const step = -jr / (jj * (1 + mu));
      const next = Math.min(Math.log(hi), Math.max(Math.log(lo), theta + step));
      const p = project(D, H, y, Math.exp(next));
      if (p.rss <= proj.rss) {
        const done = Math.abs(next - theta) < 1e-10 || proj.rss - p.rss <= 1e-14 * Math.max(proj.rss, 1e-300);
        [theta, proj] = [next, p];
        mu = Math.max(mu / 3, 1e-12);
        improved = true;
        if (done) converged = true;
        break;
      }
      mu *= 4;
    }
    if (!improved || converged) {
      converged = true;
      break;
    }
  }
  return { beta: Math.exp(theta), proj, iterations, converged };
}

/** Where ω is searched: wide of any plausible worth, inside the scenario's bounds. */
const OMEGA_SEARCH = [0.02, 50] as const;

/**
 * The points' (D, H) as the curve sees them at ω. A point with X of its `size` generated has D_ω = (size − X) + ωX;
 * its H, the game's H at ω = 1, scales to H·(size/D_ω)² — exact when every organization generated the same fraction
 * of its real samples, as `calibrate` does (up to rounding to whole samples).
 */
function atWorth(
  size: Float64Array,
  H: Float64Array,
  X: Float64Array,
  omega: number,
): { D: Float64Array; H: Float64Array } {
  const D = size.map((v, t) => v - X[t]! + omega * X[t]!);
  return { D, H: H.map((h, t) => h * (size[t]! / D[t]!) ** 2) };
}

/**
 * Fit (L∞, A, β, η) — and ω where the points identify it — to measured points by variable-projection
 * Levenberg–Marquardt, with L∞, A, η ≥ 0 and β in `exponentRange`. ω enters through D and H only, so it is profiled:
 * a log-spaced scan, then golden-section search in ln ω around the best, each step a fit of the other four.
 *
 * @example
 * const fit = fitLearningCurve(points); // { floor, scale, exponent, heterogeneity, syntheticWorth, rSquared, … }
 */
export function fitLearningCurve(points: readonly CurvePoint[], options: CurveFitOptions = {}): CurveFit {
  if (!Array.isArray(points) || points.length < 4)
    throw invalidArgument('points', 'an array of at least 4 points', points);
  points.forEach((p, i) => {
    if (!(Number.isFinite(p?.size) && p.size > 0))
      throw invalidArgument(`points[${i}].size`, 'a finite number > 0', p?.size);
    if (!(Number.isFinite(p.heterogeneity) && p.heterogeneity >= 0))
      throw invalidArgument(`points[${i}].heterogeneity`, 'a finite number ≥ 0', p.heterogeneity);
    if (!Number.isFinite(p.loss)) throw invalidArgument(`points[${i}].loss`, 'a finite number', p.loss);
    const x = p.syntheticSamples;
    if (x !== undefined && !(Number.isFinite(x) && x >= 0 && x < p.size))
      throw invalidArgument(`points[${i}].syntheticSamples`, `a finite number in [0, size = ${p.size})`, x);
  });
  optionsRecord(options, ['exponentRange', 'maxIterations', 'syntheticWorth'], 'options');
  const range = options.exponentRange === undefined ? [1e-3, 4] : options.exponentRange;
  const [lo, hi] = Array.isArray(range) && range.length === 2 ? range : [NaN, NaN];
  if (!(typeof lo === 'number' && typeof hi === 'number' && lo > 0 && hi > lo && Number.isFinite(hi)))
    throw invalidArgument('options.exponentRange', '[lo, hi] with 0 < lo < hi', options.exponentRange);
  const maxIterations = integerOption(options, 'maxIterations', 100, 1, Number.MAX_SAFE_INTEGER);
  const held =
    options.syntheticWorth === undefined
      ? undefined
      : numberOption(options, 'syntheticWorth', 1, (v) => v >= 1e-3 && v <= 1e3, 'a number in [0.001, 1000]');
  const size = Float64Array.from(points, (p) => p.size);
  const H0 = Float64Array.from(points, (p) => p.heterogeneity);
  const X = Float64Array.from(points, (p) => p.syntheticSamples ?? 0);
  const y = Float64Array.from(points, (p) => p.loss);
  const n = y.length;

  // ω is identified only by points whose generated shares differ (one common share only rescales A).
  const shares = new Set(Array.from(X, (x, t) => (x / size[t]!).toPrecision(6)));
  const fitOmega = held === undefined && shares.size >= 2 && X.some((x) => x > 0);
  const fitAt = (omega: number) => {
    const at = atWorth(size, H0, X, omega);
    return { omega, ...at, ...fitExponent(at.D, at.H, y, lo, hi, maxIterations) };
  };
  let best = fitAt(held ?? 1);
  if (fitOmega) {
    const [a, b] = OMEGA_SEARCH.map(Math.log) as [number, number];
    const steps = 24;
    const lnAt = (k: number) => a + ((b - a) * k) / steps;
    let k0 = 0;
    for (let k = 0; k <= steps; k++) {
      const f = fitAt(Math.exp(lnAt(k)));
      if (f.proj.rss < best.proj.rss || k === 0) [best, k0] = [f, k];
    }
    // Golden-section search on ln ω in the scan's best bracket.
    let [l, r] = [lnAt(Math.max(0, k0 - 1)), lnAt(Math.min(steps, k0 + 1))];
    const g = (Math.sqrt(5) - 1) / 2;
    let c = r - g * (r - l);
    let d = l + g * (r - l);
    let fc = fitAt(Math.exp(c));
    let fd = fitAt(Math.exp(d));
    for (let it = 0; it < 40 && r - l > 1e-7; it++) {
      if (fc.proj.rss <= fd.proj.rss) {
        [r, d, fd] = [d, c, fc];
        c = r - g * (r - l);
        fc = fitAt(Math.exp(c));
      } else {
        [l, c, fc] = [c, d, fd];
        d = l + g * (r - l);
        fd = fitAt(Math.exp(d));
      }
    }
    for (const f of [fc, fd]) if (f.proj.rss < best.proj.rss) best = f;
  }
  const { proj, beta, D, H, omega, iterations, converged } = best;

  const [floor, scale, eta] = proj.coef;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const tss = y.reduce((s, v) => s + (v - mean) * (v - mean), 0);
  const fitted = Array.from(y, (v, t) => v - proj.residual[t]!);
  // Asymptotic covariance s²(JᵀJ)⁻¹ over the five parameters (free ones only).
  const names = ['floor', 'scale', 'exponent', 'heterogeneity', 'syntheticWorth'] as const;
  const jac: Float64Array[] = [
    new Float64Array(n).fill(1),
    D.map((d) => Math.pow(d, -beta)),
    D.map((d) => -scale * Math.log(d) * Math.pow(d, -beta)),
    H,
    // ∂L/∂ω = −βA·D^(−β−1)·X + η·∂H/∂ω, with ∂H/∂ω = −2X·H/D at D = size − X + ωX.
    D.map((d, t) => -beta * scale * Math.pow(d, -beta - 1) * X[t]! - (2 * eta * X[t]! * H[t]!) / d),
  ];
  const freeParams = [proj.free[0], proj.free[1], proj.free[1], proj.free[2], fitOmega]
    .map((f, i) => (f ? i : -1))
    .filter((i) => i >= 0);
  const standardErrors = { floor: NaN, scale: NaN, exponent: NaN, heterogeneity: NaN, syntheticWorth: NaN };
  const dof = n - freeParams.length;
  if (dof > 0 && freeParams.length > 0) {
    const k = freeParams.length;
    const M = new Array<number>(k * k).fill(0);
    freeParams.forEach((a, i) =>
      freeParams.forEach((b, j) => {
        let s = 0;
        for (let t = 0; t < n; t++) s += jac[a]![t]! * jac[b]![t]!;
        M[i * k + j] = s;
      }),
    );
    const s2 = proj.rss / dof;
    freeParams.forEach((a, i) => {
      const e = new Array<number>(k).fill(0);
      e[i] = 1;
      const col = solveDense(M, e, k);
      if (col && col[i]! >= 0) standardErrors[names[a]!] = Math.sqrt(s2 * col[i]!);
    });
  }
  const atBound = (['floor', 'scale', 'heterogeneity'] as const).filter((_, j) => !proj.free[j]);
  return {
    floor,
    scale,
    exponent: beta,
    heterogeneity: eta,
    syntheticWorth: omega,
    syntheticWorthFitted: fitOmega,
    rSquared: tss > 0 ? 1 - proj.rss / tss : NaN,
    rmse: Math.sqrt(proj.rss / n),
    standardErrors,
    fitted,
    atBound,
    iterations,
    converged,
  };
}

/**
 * The fit as the game's `learningCurve` input. The game requires every parameter > 0, so a parameter the data held
 * at 0 becomes `minimum` (default 1e-9): that term then plays no part, as the fit said.
 */
export function curveInputOf(fit: CurveFit, classes = 10, minimum = 1e-9): LearningCurveInput {
  if (typeof fit !== 'object' || fit === null) throw invalidArgument('fit', 'a CurveFit (from fitLearningCurve)', fit);
  checkFiniteNumbers(
    [fit.floor, fit.scale, fit.exponent, fit.heterogeneity],
    'fit (floor, scale, exponent, heterogeneity)',
  );
  if (!(Number.isSafeInteger(classes) && classes >= 2)) throw invalidArgument('classes', 'an integer ≥ 2', classes);
  if (!(minimum > 0 && Number.isFinite(minimum))) throw invalidArgument('minimum', 'a finite number > 0', minimum);
  return {
    floor: Math.max(fit.floor, minimum),
    scale: Math.max(fit.scale, minimum),
    exponent: Math.max(fit.exponent, minimum),
    heterogeneity: Math.max(fit.heterogeneity, minimum),
    reference: Math.log(classes),
    ...(fit.syntheticWorth !== undefined && fit.syntheticWorth !== 1 ? { syntheticWorth: fit.syntheticWorth } : {}),
  };
}

/** The target p* of a set of label counts: the one given, or uniform over their classes. */
function targetOf(labelCounts: readonly (readonly number[])[], target?: readonly number[]): readonly number[] {
  const classes = labelCounts[0]?.length ?? 0;
  return target ?? new Array<number>(classes).fill(1 / classes);
}

/** An organization's d_n = Σ_c h_c and δ⁰_n = ‖h/d − p*‖₁ (δ 0 when it holds nothing). */
function skewOf(h: readonly number[], p: readonly number[]): { d: number; delta: number } {
  const d = h.reduce((a, b) => a + b, 0);
  let delta = 0;
  if (d > 0) for (let c = 0; c < p.length; c++) delta += Math.abs(h[c]! / d - p[c]!);
  return { d, delta };
}

/** Label counts: one non-empty row of non-negative counts per organization, all as long as `target` (if given). */
function checkHistograms(labelCounts: readonly (readonly number[])[], target: readonly number[] | undefined): void {
  if (!Array.isArray(labelCounts) || labelCounts.length === 0)
    throw invalidArgument('labelCounts', 'a non-empty array of label-count rows', labelCounts);
  labelCounts.forEach((h, n) => checkFiniteNumbers(h, `labelCounts[${n}]`, 0));
  const classes = labelCounts[0]!.length;
  labelCounts.forEach((h, n) => {
    if (h.length !== classes) throw invalidArgument(`labelCounts[${n}]`, `${classes} counts, as row 0`, h);
  });
  if (target !== undefined) {
    checkFiniteNumbers(target, 'target', 0);
    if (target.length !== classes) throw invalidArgument('target', `${classes} class shares`, target);
  }
}

/** H_S = Σ_n (d_n/D)·‖p_n − p*‖₁² of a federation's label counts (DESIGN §3.2, x = 0). */
export function federationHeterogeneity(
  labelCounts: readonly (readonly number[])[],
  target?: readonly number[],
): number {
  checkHistograms(labelCounts, target);
  const p = targetOf(labelCounts, target);
  let D = 0;
  let acc = 0;
  for (const h of labelCounts) {
    const { d, delta } = skewOf(h, p);
    if (d === 0) continue;
    acc += d * delta * delta;
    D += d;
  }
  return D > 0 ? acc / D : 0;
}

/**
 * The game's H_S(x) = (1/D)·Σ_n d_n²·(δ⁰_n)² / (d_n + x_n), D = Σ_n (d_n + x_n) (DESIGN §3.2), of real label counts
 * and amounts generated; at x = 0 it is federationHeterogeneity.
 */
export function gameHeterogeneity(
  labelCounts: readonly (readonly number[])[],
  amounts: readonly number[],
  target?: readonly number[],
): number {
  checkHistograms(labelCounts, target);
  checkFiniteNumbers(amounts, 'amounts', 0);
  if (amounts.length !== labelCounts.length)
    throw invalidArgument('amounts', `one amount per organization (${labelCounts.length})`, amounts);
  const p = targetOf(labelCounts, target);
  let D = 0;
  let Q = 0;
  labelCounts.forEach((h, n) => {
    const { d, delta } = skewOf(h, p);
    const u = d + (amounts[n] ?? 0);
    D += u;
    if (d > 0) Q += (d * d * delta * delta) / u;
  });
  return D > 0 ? Q / D : 0;
}

/** How each grid point is trained: federated rounds of FedAvg, as the simulation trains. */
export interface TrainingRecipe {
  model: ModelKind;
  /** hidden units of the MLP (default 64) */
  hidden?: number;
  /** federated rounds (default 5) */
  rounds: number;
  /** local epochs per round (default 1) */
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
}

export const DEFAULT_RECIPE: Readonly<TrainingRecipe> = {
  model: 'softmax',
  hidden: 64,
  rounds: 5,
  epochs: 1,
  batchSize: 32,
  learningRate: 0.01,
  momentum: 0.9,
};

const CALIBRATION_KEYS = [
  'sizes',
  'alphas',
  'organizations',
  'synthetic',
  'generator',
  'seed',
  'recipe',
  'onPoint',
  'engine',
];

export interface CalibrationOptions {
  /** pooled sizes D (each at most the pool's size) */
  sizes: readonly number[];
  /** Dirichlet concentrations of the label partition */
  alphas: readonly number[];
  /** organizations the pool is dealt to (default 5) */
  organizations?: number;
  /**
   * Fractions f ≥ 0 of its real samples that each organization generates at every grid point (default [0]: real
   * data only). Any f > 0 needs `generator`.
   */
  synthetic?: readonly number[];
  /** The generator of the synthetic samples (the simulation's: PPCA fitted on the public split). */
  generator?: Generator;
  seed: number;
  recipe?: Partial<TrainingRecipe>;
  /** called after each point (progress) */
  onPoint?: (done: number, total: number, point: CalibrationPoint) => void;
  /** the engine that trains and aggregates (default: a JS reference engine, disposed at the end) */
  engine?: Engine;
}

export interface CalibrationPoint extends CurvePoint {
  alpha: number;
  /** the fraction of its real samples each organization generated */
  synthetic: number;
  /** synthetic samples in all (part of `size`) */
  syntheticSamples: number;
  /** H of the label counts actually trained on (real + generated), beside the game's H in `heterogeneity` */
  realizedHeterogeneity: number;
  accuracy: number;
  /** samples per organization */
  shardSizes: number[];
  seconds: number;
}

export interface CalibrationResult {
  points: CalibrationPoint[];
  fit: CurveFit;
  recipe: TrainingRecipe;
  organizations: number;
  seed: number;
}

/**
 * Train over the grid sizes × alphas and fit the curve. At every size D the same D samples (a seeded draw from the
 * pool) are dealt to the organizations with Dirichlet(α) for each α; the federation then trains `recipe.rounds` FedAvg
 * rounds from a fixed initialization and the global model's test loss is the measured L.
 *
 * @example
 * const cal = await calibrate(pool, test, { engine, sizes: [250, 500, 1000], alphas: [0.1, 1, 10], seed: 1 });
 * cal.fit.rSquared;
 */
export function calibrate(
  pool: LabeledSamples,
  test: LabeledSamples,
  options: CalibrationOptions,
): Promise<CalibrationResult>;
/** @deprecated Use `calibrate(pool, test, { ...options, engine })`: the one form of domain code on an engine. */
export function calibrate(
  engine: Engine,
  pool: LabeledSamples,
  test: LabeledSamples,
  options: CalibrationOptions,
): Promise<CalibrationResult>;
export async function calibrate(
  ...args:
    [LabeledSamples, LabeledSamples, CalibrationOptions] | [Engine, LabeledSamples, LabeledSamples, CalibrationOptions]
): Promise<CalibrationResult> {
  const [pool, test, options] = (
    args[0] instanceof Engine ? [args[1], args[2], { ...args[3], engine: args[0] }] : args
  ) as [LabeledSamples, LabeledSamples, CalibrationOptions];
  optionsRecord(options, CALIBRATION_KEYS, 'options');
  if (options === undefined) throw invalidArgument('options', 'an object { sizes, alphas, seed, … }', options);
  integerOption(options, 'organizations', 5, 1, Number.MAX_SAFE_INTEGER);
  seedOption(options, 'seed', undefined);
  if (options.onPoint !== undefined && typeof options.onPoint !== 'function')
    throw invalidArgument('options.onPoint', 'a function', options.onPoint);
  const recipe = optionsRecord(
    options.recipe,
    Object.keys(DEFAULT_RECIPE),
    'options.recipe',
  ) as Partial<TrainingRecipe>;
  if (options.recipe === null) throw invalidArgument('options.recipe', 'a partial training recipe', null);
  if (recipe.model !== undefined && recipe.model !== 'softmax' && recipe.model !== 'mlp' && recipe.model !== 'cnn')
    throw invalidArgument('options.recipe.model', "'softmax', 'mlp' or 'cnn'", recipe.model);
  for (const k of ['hidden', 'rounds', 'epochs', 'batchSize'] as const)
    integerOption(recipe, k, 1, 1, Number.MAX_SAFE_INTEGER, 'options.recipe');
  numberOption(recipe, 'learningRate', 1, (v) => v > 0 && v < Infinity, 'a finite number > 0', 'options.recipe');
  numberOption(recipe, 'momentum', 0, (v) => v >= 0 && v < 1, 'a number in [0, 1)', 'options.recipe');
  const features = featuresOf(pool, 'pool');
  checkSamples('pool', pool, features, 10);
  checkSamples('test', test, features, 10);
  return onEngineOption(options.engine, 'calibrate', (engine) => calibrateOn(engine, pool, test, options));
}

async function calibrateOn(
  engine: Engine,
  pool: LabeledSamples,
  test: LabeledSamples,
  options: CalibrationOptions,
): Promise<CalibrationResult> {
  const recipe: TrainingRecipe = { ...DEFAULT_RECIPE, ...options.recipe };
  const organizations = options.organizations ?? 5;
  const { sizes, alphas, seed } = options;
  if (!Array.isArray(sizes) || sizes.length === 0) throw invalidArgument('options.sizes', 'a non-empty array', sizes);
  if (!Array.isArray(alphas) || alphas.length === 0)
    throw invalidArgument('options.alphas', 'a non-empty array', alphas);
  sizes.forEach((D, i) => {
    if (!(Number.isInteger(D) && D >= organizations && D <= pool.y.length))
      throw invalidArgument(`options.sizes[${i}]`, `an integer in [${organizations}, ${pool.y.length}]`, D);
  });
  alphas.forEach((a, i) => {
    if (!(Number.isFinite(a) && a > 0)) throw invalidArgument(`options.alphas[${i}]`, 'a finite number > 0', a);
  });
  const synthetic = options.synthetic ?? [0];
  if (!Array.isArray(synthetic) || synthetic.length === 0)
    throw invalidArgument('options.synthetic', 'a non-empty array of fractions', synthetic);
  synthetic.forEach((f, i) => {
    if (!(Number.isFinite(f) && f >= 0 && f <= 100))
      throw invalidArgument(`options.synthetic[${i}]`, 'a fraction in [0, 100]', f);
  });
  const generator = options.generator;
  if (synthetic.some((f) => f > 0) && generator === undefined)
    throw invalidArgument('options.generator', 'a generator (some options.synthetic fraction is > 0)', generator);
  const features = pool.x.length / Math.max(1, pool.y.length);
  const model = createModel({
    kind: recipe.model,
    inputs: features,
    classes: 10,
    ...(recipe.model === 'mlp' ? { hidden: recipe.hidden ?? 64 } : {}),
  });
  const init = model.init(new Random(deriveSeed(seed, 0)));
  const target = new Array<number>(10).fill(0.1);
  const points: CalibrationPoint[] = [];
  const total = sizes.length * alphas.length * synthetic.length;
  for (let si = 0; si < sizes.length; si++) {
    const D = sizes[si]!;
    const order = new Random(deriveSeed(seed, 1, si)).shuffle(Int32Array.from({ length: pool.y.length }, (_, i) => i));
    const subset = selectSamples(pool, order.subarray(0, D));
    for (let ai = 0; ai < alphas.length; ai++) {
      const alpha = alphas[ai]!;
      const fed = partitionFederation(subset, { organizations, alpha, seed: deriveSeed(seed, 2, si, ai) });
      for (let fi = 0; fi < synthetic.length; fi++) {
        const f = synthetic[fi]!;
        const t0 = performance.now();
        // f = 0 keeps the seeds of a calibration on real data only, so such a grid gives today's points.
        const orgs: Organization[] = [];
        const trained: number[][] = [];
        const amounts: number[] = [];
        for (let k = 0; k < fed.organizations.length; k++) {
          const h = fed.labelCounts[k]!;
          const x = Math.round(f * h.reduce((a, b) => a + b, 0));
          amounts.push(x);
          if (x === 0) {
            orgs.push(fed.organizations[k]!);
            trained.push(h);
            continue;
          }
          const classCounts = syntheticClassCounts(h, target, x);
          const rng = new Random(deriveSeed(seed, 4, si, ai, fi, k));
          orgs.push({ real: fed.organizations[k]!.real, synthetic: await generator!.generate(classCounts, rng) });
          trained.push(h.map((v, c) => v + classCounts[c]!));
        }
        let params = init;
        for (let round = 0; round < recipe.rounds; round++) {
          ({ params } = await federatedRound(params, orgs, {
            engine,
            model,
            epochs: recipe.epochs,
            batchSize: recipe.batchSize,
            learningRate: recipe.learningRate,
            momentum: recipe.momentum,
            seed: deriveSeed(seed, 3, si, ai),
            round,
            // The CNN trains on the engine's conv kernels (its reference loops are slow); the dense models keep the
            // reference path their shipped calibrations were measured on.
            trainOnEngine: model.kind === 'cnn' && engine.backend !== 'js',
          }));
        }
        const ev = await evaluateWhereTrained(engine, model, params, test);
        const syntheticSamples = amounts.reduce((a, b) => a + b, 0);
        const point: CalibrationPoint = {
          size: D + syntheticSamples,
          alpha,
          synthetic: f,
          syntheticSamples,
          // With nothing generated, the formula of calibrations on real data (bit for bit their points).
          heterogeneity:
            syntheticSamples === 0
              ? federationHeterogeneity(fed.labelCounts)
              : gameHeterogeneity(fed.labelCounts, amounts),
          realizedHeterogeneity: federationHeterogeneity(trained),
          loss: ev.loss,
          accuracy: ev.accuracy,
          shardSizes: fed.labelCounts.map((h) => h.reduce((a, b) => a + b, 0)),
          seconds: (performance.now() - t0) / 1000,
        };
        points.push(point);
        options.onPoint?.(points.length, total, point);
      }
    }
  }
  return { points, fit: fitLearningCurve(points), recipe, organizations, seed };
}
