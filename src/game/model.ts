/**
 * The game model of one round (DESIGN §3.3–3.4): the scenario plus the per-organization coefficients that the
 * utilities, welfare and potential are made of. Built once per scenario in O(N) (uniform competition) or O(N²)
 * (dense Γ); everything after that reads these arrays.
 *
 *   harm_n  = Σ_{m≠n} γ_nm ρ_m                (what n loses per unit of everyone else's quality)
 *   a_n     = ρ_n + λ·harm_n                   (weight of n's own quality in U_n)
 *   w_n     = a_n − harm_n = ρ_n − (1−λ)·harm_n (potential weight; the game is a weighted potential game iff all > 0)
 *   κ_n     = a_n − ρ_n·Σ_{m≠n} γ_mn           (weight of n's quality in social welfare)
 */
import { columnSums, rowWeightedSums } from './competition.js';
import { initialSkew, skewMass } from './heterogeneity.js';
import { invalidArgument } from '../core/errors.js';
import { checkScenario, isScenario, type LearningCurve, type Scenario } from './scenario.js';
import { foldSyntheticWorth } from './synthetic-worth.js';

export interface GameModel {
  readonly scenario: Scenario;
  readonly n: number;
  /** the scenario's curve with its syntheticWorth ω folded in (A·ω^(−β); src/game/synthetic-worth.ts) */
  readonly curve: LearningCurve;
  /** d_n in synthetic-sample units, d_n/ω (the scenario's samples themselves when ω = 1) */
  readonly d: Float64Array;
  /** δ⁰_n */
  readonly delta0: Float64Array;
  /** s_n = d_n²δ⁰_n² (with the folded d_n) */
  readonly s: Float64Array;
  /** ρ_n */
  readonly rho: Float64Array;
  /** c_n */
  readonly c: Float64Array;
  /** X_n */
  readonly X: Float64Array;
  /** μ_n */
  readonly mu: Float64Array;
  /** Σ_{m≠n} γ_nm ρ_m */
  readonly harm: Float64Array;
  /** a_n */
  readonly a: Float64Array;
  /** w_n */
  readonly w: Float64Array;
  /** κ_n */
  readonly kappa: Float64Array;
}

/**
 * Precomputes the model's coefficients for a scenario.
 * @example const model = createGameModel(parseScenario(json)); model.w; // potential weights
 */
export function createGameModel(scenario: Scenario): GameModel {
  checkScenario(scenario);
  const { n, rivalry: lambda } = scenario;
  const rho = scenario.marketValue;
  const harm = rowWeightedSums(scenario.competition, rho);
  const exposure = columnSums(scenario.competition, n);
  const a = new Float64Array(n);
  const w = new Float64Array(n);
  const kappa = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rho[i] + lambda * harm[i];
    w[i] = a[i] - harm[i];
    kappa[i] = a[i] - rho[i] * exposure[i];
  }
  const delta0 = initialSkew(scenario);
  // ω folded in (d/ω, A·ω^(−β)): the model the solvers see is the ω = 1 model, amounts still in samples.
  const { curve, samples: d } = foldSyntheticWorth(scenario.learningCurve, scenario.samples);
  return {
    scenario,
    n,
    curve,
    d,
    delta0,
    s: skewMass(d, delta0),
    rho,
    c: scenario.costPerSample,
    X: scenario.maxSynthetic,
    mu: scenario.privateGain,
    harm,
    a,
    w,
    kappa,
  };
}

/** Indices of organizations whose potential weight w_n ≤ 0 (they break the potential structure, §3.4). */
export function nonPotentialMembers(model: GameModel): number[] {
  const out: number[] = [];
  for (let i = 0; i < model.n; i++) if (!(model.w[i] > 0)) out.push(i);
  return out;
}

/** @internal INVALID_ARGUMENT naming `name` unless `v` has the shape of a createGameModel result. */
export function checkGameModel(v: unknown, name = 'model'): asserts v is GameModel {
  const m = v as Partial<GameModel> | null;
  if (!(
    typeof m === 'object' &&
    m !== null &&
    isScenario(m.scenario) &&
    m.n === m.scenario.n &&
    m.w instanceof Float64Array
  ))
    throw invalidArgument(name, 'a GameModel (from createGameModel)', v);
}

/** @internal A scenario's model, or the model itself when one is given (the solvers take either). */
export function modelOf(scenario: Scenario | GameModel): GameModel {
  return typeof scenario === 'object' && scenario !== null && 'scenario' in scenario
    ? scenario
    : createGameModel(scenario);
}
