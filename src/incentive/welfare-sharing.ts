/**
 * The payoff-redistribution mechanism of DESIGN §4: welfare sharing with floors, Shapley contributions and
 * competition compensation.
 *
 * Transfers (paid among the organizations, no outside money):
 *   τ_n(x) = s_n·SW(x) − U_n(x) + b_n,    s_n > 0, Σ s_n = 1,    Σ b_n = 0.
 * Each payoff becomes π_n(x) = U_n(x) + τ_n(x) = s_n·SW(x) + b_n, so the game with transfers is a weighted potential
 * game with potential SW and weights s_n: its equilibrium is the social optimum x^opt, whatever the (positive)
 * shares. Shares default to market value, s_n = ρ_n / Σρ (always positive; a larger stake in the model gets a larger
 * share of welfare); 'equal' and explicit positive shares are options. The lump sums are b_n = π*_n − s_n·SW(x^opt),
 * where π*_n is the payoff n is meant to end up with at the optimum, chosen as follows with SW* = SW(x^opt),
 * floors F_n = max(O_n, U_n(x^NE)) and surplus S = SW* − Σ F_n:
 *
 * - sustainable (S ≥ 0):  π*_n = F_n + S·[θ·Sh⁺_n / Σ Sh⁺ + (1 − θ)·C⁺_n / Σ C⁺]
 *   with Sh⁺_n = max(φ_n, 0) the (positive part of the) Shapley value of v (contribution part), C⁺_n = max(C_n, 0)
 *   the competition-caused loss C_n = Σ_{m≠n} γ_nm ρ_m [P_N(x^opt) − P_{N∖n}(x^opt_{−n})] (compensation part), each
 *   part split equally when its total is 0, and mixing weight θ = `contributionWeight` (default 1/2: half of the
 *   surplus rewards contribution, half compensates competition-caused loss). Every payoff ≥ its floor, every weight
 *   is non-decreasing in n's own Sh_n and C_n (monotonicity), identical organizations get identical payoffs;
 * - floors infeasible, outside options feasible (Σ O_n ≤ SW* < Σ F_n): `sustainable: false`, deficit Σ F − SW*;
 *   π*_n = O_n + t·(F_n − O_n) with t = (SW* − Σ O)/(Σ F − Σ O) ∈ [0, 1): everyone keeps its outside option (no one
 *   leaves) and the shortfall against the no-mechanism utilities is shared in proportion to F_n − O_n; those left
 *   below their floor are listed in `belowFloor`;
 * - outside options infeasible (SW* < Σ O_n): `sustainable: false`; no budget-balanced mechanism keeps everyone.
 *   The largest sustainable coalition S* is searched (sustainability.ts); its members get π*_n = O_n and the
 *   organizations outside it — `wouldLeave` — share the deficit Σ O − SW* equally, π*_n = O_n − (Σ O − SW*)/|N∖S*|.
 *   (When the search is skipped, N > 200, everyone shares it and every organization is listed.)
 *
 * The mechanism's operating point is x^opt (the equilibrium of the game with transfers), so its efficiency
 * SW(x^opt)/SW* is 1 up to the optimum solver's tolerance; `equilibriumKkt` is the KKT residual of every s_n·SW at
 * that point (the same number for every n), i.e. how exactly x^opt is an equilibrium of the game with transfers.
 */
import { socialWelfare, utilities, type GameSolution, type Scenario } from '../game/index.js';
import { invalidArgument } from '../core/errors.js';
import {
  analyzeRound,
  checkRoundAnalysis,
  roundAnalysisSettings,
  type RoundAnalysis,
  type RoundAnalysisOptions,
} from './round-analysis.js';
import { booleanOption, checkArrayLike, checkFiniteNumbers, numberOption } from '../util/options.js';
import { largestSustainableCoalition, type LargestCoalition } from './sustainability.js';

export type ShareRule = 'market-value' | 'equal' | ArrayLike<number>;

export interface WelfareSharingOptions extends RoundAnalysisOptions {
  /** s_n: 'market-value' (default, ∝ ρ_n), 'equal', or explicit positive numbers (normalized to sum 1). */
  shares?: ShareRule;
  /** θ ∈ [0, 1]: the part of the surplus split by Shapley contribution (the rest by competition loss). Default 0.5. */
  contributionWeight?: number;
  /** Search the largest sustainable coalition when the federation is not sustainable. Default true. */
  searchCoalition?: boolean;
}

export type SustainabilityStatus = 'sustainable' | 'floors-infeasible' | 'participation-infeasible';

export interface WelfareSharingResult {
  /** The operating point: x^opt. */
  x: Float64Array;
  /** U_n(x) before transfers. */
  utilities: Float64Array;
  /** τ_n(x) */
  transfers: Float64Array;
  /** π_n = U_n + τ_n */
  payoffs: Float64Array;
  shares: Float64Array;
  lumpSums: Float64Array;
  /** F_n */
  floors: Float64Array;
  /** O_n */
  outsideOptions: Float64Array;
  /** The contribution part's weights Sh⁺_n/ΣSh⁺ and the compensation part's C⁺_n/ΣC⁺. */
  contributionWeights: Float64Array;
  compensationWeights: Float64Array;
  contributionWeight: number;
  /** SW* − Σ F (negative when not sustainable). */
  surplus: number;
  sustainable: boolean;
  status: SustainabilityStatus;
  /** max(0, Σ F − SW*) */
  deficit: number;
  /** max(0, Σ O − SW*) */
  participationDeficit: number;
  /** Organizations (indices) whose payoff is below their outside option: they would leave. */
  wouldLeave: number[];
  /** Organizations (indices) whose payoff is below their floor. */
  belowFloor: number[];
  largestSustainableCoalition: LargestCoalition | null;
  /** SW at the operating point. */
  socialWelfare: number;
  /** |Σ τ_n| / Σ |U_n| */
  budgetBalance: number;
  /** SW(x)/SW(x^opt), generalized as 1 − (SW* − SW)/|SW*| when SW* ≤ 0. */
  efficiency: number;
  /** KKT residual of SW at x (every s_n·SW has the same one): x is an equilibrium of the game with transfers. */
  equilibriumKkt: number;
  analysis: RoundAnalysis;
}

const SHARING_KEYS = ['shares', 'contributionWeight', 'searchCoalition'];

/**
 * @internal {@link WelfareSharingOptions} checked (no key outside its own and `extra`, every value of its type and
 * range) and with their defaults; `analysis` is what analyzeRound takes of them.
 */
export function welfareSharingSettings(options: unknown, extra: readonly string[] = []) {
  const analysis = roundAnalysisSettings(options, [...SHARING_KEYS, ...extra]);
  const o = (options ?? {}) as WelfareSharingOptions;
  return {
    analysis,
    shares: o.shares,
    contributionWeight: numberOption(o, 'contributionWeight', 0.5, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    searchCoalition: booleanOption(o, 'searchCoalition', true),
  };
}

/**
 * @internal INVALID_ARGUMENT naming `name` unless `m` has the shape of a welfareSharing result (its analysis
 * included): the check of the functions that read one.
 */
export function checkWelfareSharingResult(m: unknown, name = 'mechanism'): asserts m is WelfareSharingResult {
  const r = m as Partial<WelfareSharingResult> | null;
  if (typeof r !== 'object' || r === null || !(r.payoffs instanceof Float64Array && r.x instanceof Float64Array))
    throw invalidArgument(name, 'a WelfareSharingResult (from welfareSharing)', m);
  checkRoundAnalysis(r.analysis, `${name}.analysis`);
}

/** 1 − (SW* − SW)/|SW*|: SW/SW* when SW* > 0; 1 at the optimum in every case. */
export function efficiencyOf(sw: number, swOpt: number): number {
  checkFiniteNumbers([sw, swOpt], 'efficiencyOf(sw, swOpt)');
  if (sw === swOpt) return 1;
  return 1 - (swOpt - sw) / Math.abs(swOpt);
}

export function resolveShares(rule: ShareRule | undefined, rho: Float64Array): Float64Array {
  const n = rho.length;
  const s = new Float64Array(n);
  if (rule === undefined || rule === 'market-value') s.set(rho);
  else if (rule === 'equal') s.fill(1);
  else {
    if (typeof rule !== 'object' || rule === null || rule.length !== n)
      throw invalidArgument('options.shares', `"market-value", "equal" or ${n} positive numbers`, rule);
    for (let i = 0; i < n; i++) {
      const v = rule[i];
      if (!(Number.isFinite(v) && v > 0)) throw invalidArgument(`options.shares[${i}]`, 'a positive finite number', v);
      s[i] = v;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += s[i];
  for (let i = 0; i < n; i++) s[i] /= total;
  return s;
}

/** INVALID_ARGUMENT naming `name` unless `v` is an array or typed array (of length `n` if given). */
function checkNumbers(v: unknown, name: string, n?: number): asserts v is ArrayLike<number> {
  const rule = n === undefined ? 'an array of numbers' : `an array of ${n} numbers`;
  checkArrayLike(v, name, rule);
  if (n !== undefined && v.length !== n) throw invalidArgument(name, rule, v);
}

/** Weights w_n = max(v_n, 0)/Σ max(v, 0), equal when that sum is 0. */
export function positivePartWeights(v: ArrayLike<number>): Float64Array {
  checkNumbers(v, 'v');
  const n = v.length;
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i] = Math.max(v[i], 0);
  if (!(total > 0)) w.fill(1 / n);
  else for (let i = 0; i < n; i++) w[i] /= total;
  return w;
}

/**
 * The surplus split of the sustainable case: φ_n = S·[θ·Sh⁺_n/ΣSh⁺ + (1 − θ)·C⁺_n/ΣC⁺]. Exposed for the
 * monotonicity check.
 */
export function surplusSplit(
  surplus: number,
  shapley: ArrayLike<number>,
  compensation: ArrayLike<number>,
  theta: number,
): Float64Array {
  if (!(typeof surplus === 'number' && Number.isFinite(surplus)))
    throw invalidArgument('surplus', 'a finite number', surplus);
  checkNumbers(shapley, 'shapley');
  checkNumbers(compensation, 'compensation', shapley.length);
  if (!(typeof theta === 'number' && theta >= 0 && theta <= 1))
    throw invalidArgument('theta', 'a number in [0, 1]', theta);
  const a = positivePartWeights(shapley);
  const b = positivePartWeights(compensation);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = surplus * (theta * a[i] + (1 - theta) * b[i]);
  return out;
}

/**
 * Runs the mechanism on one round.
 *
 * @example
 * const mech = welfareSharing(parseScenario(json));
 * mech.sustainable; mech.transfers; mech.payoffs; // Σ transfers = 0, payoffs ≥ floors when sustainable
 */
export function welfareSharing(
  scenario: Scenario,
  options: WelfareSharingOptions = {},
  solved?: GameSolution,
  analysis?: RoundAnalysis,
): WelfareSharingResult {
  const settings = welfareSharingSettings(options);
  const theta = settings.contributionWeight;
  if (analysis !== undefined) checkRoundAnalysis(analysis);
  const a = analysis ?? analyzeRound(scenario, settings.analysis, solved);
  const { model, optimum } = a;
  const N = model.n;
  const shares = resolveShares(settings.shares, model.rho);
  const x = optimum.x;
  const U = utilities(model, x);
  const sw = socialWelfare(model, x);
  const swOpt = optimum.socialWelfare;
  const F = a.floors;
  const O = a.outsideOptions;
  let sumF = 0;
  let sumO = 0;
  for (let i = 0; i < N; i++) {
    sumF += F[i];
    sumO += O[i];
  }
  const tol = 1e-9 * a.scale;
  const surplus = swOpt - sumF;
  const contributionWeights = positivePartWeights(a.shapley.values);
  const compensationWeights = positivePartWeights(a.compensation);
  const target = new Float64Array(N);
  let status: SustainabilityStatus;
  let largest: LargestCoalition | null = null;
  if (surplus >= -tol) {
    status = 'sustainable';
    const split = surplusSplit(Math.max(surplus, 0), a.shapley.values, a.compensation, theta);
    for (let i = 0; i < N; i++) target[i] = F[i] + split[i];
  } else if (swOpt >= sumO - tol) {
    status = 'floors-infeasible';
    const t = sumF - sumO > 0 ? Math.min(Math.max((swOpt - sumO) / (sumF - sumO), 0), 1) : 0;
    for (let i = 0; i < N; i++) target[i] = O[i] + t * (F[i] - O[i]);
  } else {
    status = 'participation-infeasible';
    if (settings.searchCoalition) largest = largestSustainableCoalition(scenario, settings.analysis.tolerance);
    const keep = new Uint8Array(N);
    if (largest?.coalition) for (const i of largest.coalition.members) keep[i] = 1;
    let leavers = 0;
    for (let i = 0; i < N; i++) if (!keep[i]) leavers++;
    if (leavers === 0) {
      keep.fill(0);
      leavers = N;
    }
    const each = (sumO - swOpt) / leavers;
    for (let i = 0; i < N; i++) target[i] = keep[i] ? O[i] : O[i] - each;
  }
  // b_n = π*_n − s_n SW*, re-centred so that Σ b = 0 exactly up to rounding (Σ π* = SW* by construction).
  const lumpSums = new Float64Array(N);
  let sumB = 0;
  for (let i = 0; i < N; i++) sumB += lumpSums[i] = target[i] - shares[i] * swOpt;
  for (let i = 0; i < N; i++) lumpSums[i] -= sumB / N;
  const transfers = new Float64Array(N);
  const payoffs = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    transfers[i] = shares[i] * sw - U[i] + lumpSums[i];
    payoffs[i] = U[i] + transfers[i];
  }
  let sumT = 0;
  let sumAbsU = 0;
  for (let i = 0; i < N; i++) {
    sumT += transfers[i];
    sumAbsU += Math.abs(U[i]);
  }
  const wouldLeave: number[] = [];
  const belowFloor: number[] = [];
  for (let i = 0; i < N; i++) {
    if (payoffs[i] < O[i] - tol) wouldLeave.push(i);
    if (payoffs[i] < F[i] - tol) belowFloor.push(i);
  }
  return {
    x,
    utilities: U,
    transfers,
    payoffs,
    shares,
    lumpSums,
    floors: F,
    outsideOptions: O,
    contributionWeights,
    compensationWeights,
    contributionWeight: theta,
    surplus,
    sustainable: status === 'sustainable',
    status,
    deficit: Math.max(0, sumF - swOpt),
    participationDeficit: Math.max(0, sumO - swOpt),
    wouldLeave,
    belowFloor,
    largestSustainableCoalition: largest,
    socialWelfare: sw,
    budgetBalance: Math.abs(sumT) / (sumAbsU > 0 ? sumAbsU : 1),
    efficiency: efficiencyOf(sw, swOpt),
    equilibriumKkt: optimum.kktResidual,
    analysis: a,
  };
}
