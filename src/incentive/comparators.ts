/**
 * The mechanism's comparators (DESIGN §4), each scored on welfare, participation and the worst-off organization:
 *
 * - `none`: no incentive; the organizations play the plain equilibrium x^NE and keep U_n(x^NE);
 * - `marginal`: marginal-contribution (leave-one-out) payments: the welfare realized at x^NE is divided in
 *   proportion to each organization's leave-one-out contribution v(N) − v(N∖n) of the coalition game;
 * - `shapley`: plain Shapley payments: the realized welfare divided in proportion to the Shapley values φ_n.
 *
 * These two are the payment rules of the federated-learning incentive literature: they reward contribution as
 * measured on the coalition game, which does not depend on an organization's own generation decision, so they are
 * lump sums with respect to x_n, leave the equilibrium at x^NE and are budget-balanced by construction
 * (π_n = W·w_n/Σw with W = SW(x^NE); an equal split when Σw ≤ 0). The `mechanism` (welfare-sharing.ts) moves the
 * operating point to x^opt and pays floors first.
 *
 * Participation counts organizations whose payoff is at least their outside option O_n (within 1e-9·Σ|U|); the
 * worst-off organization is the one with the lowest payoff, and the tightest one the lowest π_n − O_n.
 */
import { socialWelfare } from '../game/index.js';
import { invalidArgument } from '../core/errors.js';
import { checkRoundAnalysis, type RoundAnalysis } from './round-analysis.js';
import { checkWelfareSharingResult, efficiencyOf, type WelfareSharingResult } from './welfare-sharing.js';

export type SchemeName = 'none' | 'marginal' | 'shapley' | 'mechanism';
export const SCHEMES: readonly SchemeName[] = ['none', 'marginal', 'shapley', 'mechanism'];

export interface SchemeOutcome {
  scheme: SchemeName;
  /** The operating point the scheme induces. */
  x: Float64Array;
  payoffs: Float64Array;
  /** π_n − U_n(x) */
  transfers: Float64Array;
  socialWelfare: number;
  /** SW/SW(x^opt) (generalized as in welfare-sharing.ts). */
  efficiency: number;
  /** Organizations with π_n ≥ O_n. */
  participants: number;
  /** Indices with π_n < O_n: they would leave. */
  leavers: number[];
  /** Organizations with π_n ≥ F_n. */
  floorsMet: number;
  worstOff: { index: number; payoff: number };
  /** The lowest π_n − O_n and whose it is. */
  tightest: { index: number; margin: number };
}

function proportional(W: number, weights: ArrayLike<number>): Float64Array {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = total > 0 ? (W * weights[i]) / total : W / n;
  return out;
}

/** Scores payoffs π at x against the analysis' outside options and floors. */
export function scoreScheme(
  scheme: SchemeName,
  a: RoundAnalysis,
  x: Float64Array,
  utilitiesAtX: Float64Array,
  payoffs: Float64Array,
): SchemeOutcome {
  if (!SCHEMES.includes(scheme)) throw invalidArgument('scheme', `one of ${SCHEMES.join(', ')}`, scheme);
  checkRoundAnalysis(a, 'a');
  const N = a.model.n;
  const vectors = { x, utilitiesAtX, payoffs };
  for (const [name, v] of Object.entries(vectors))
    if (!(v instanceof Float64Array && v.length === N)) throw invalidArgument(name, `a Float64Array of ${N} values`, v);
  const tol = 1e-9 * a.scale;
  const sw = socialWelfare(a.model, x);
  const transfers = new Float64Array(N);
  const leavers: number[] = [];
  let floorsMet = 0;
  let worst = 0;
  let tight = 0;
  for (let i = 0; i < N; i++) {
    transfers[i] = payoffs[i] - utilitiesAtX[i];
    if (payoffs[i] < a.outsideOptions[i] - tol) leavers.push(i);
    if (payoffs[i] >= a.floors[i] - tol) floorsMet++;
    if (payoffs[i] < payoffs[worst]) worst = i;
    if (payoffs[i] - a.outsideOptions[i] < payoffs[tight] - a.outsideOptions[tight]) tight = i;
  }
  return {
    scheme,
    x,
    payoffs,
    transfers,
    socialWelfare: sw,
    efficiency: efficiencyOf(sw, a.optimum.socialWelfare),
    participants: N - leavers.length,
    leavers,
    floorsMet,
    worstOff: { index: worst, payoff: payoffs[worst] },
    tightest: { index: tight, margin: payoffs[tight] - a.outsideOptions[tight] },
  };
}

/**
 * The four schemes on one round.
 * @example const out = compareSchemes(mech.analysis, mech); out.shapley.participants;
 */
export function compareSchemes(a: RoundAnalysis, mechanism: WelfareSharingResult): Record<SchemeName, SchemeOutcome> {
  checkRoundAnalysis(a, 'a');
  checkWelfareSharingResult(mechanism);
  const eq = a.equilibrium;
  const W = eq.socialWelfare;
  return {
    none: scoreScheme('none', a, eq.x, eq.utilities, Float64Array.from(eq.utilities)),
    marginal: scoreScheme('marginal', a, eq.x, eq.utilities, proportional(W, a.leaveOneOut)),
    shapley: scoreScheme('shapley', a, eq.x, eq.utilities, proportional(W, a.shapley.values)),
    mechanism: scoreScheme('mechanism', a, mechanism.x, mechanism.utilities, mechanism.payoffs),
  };
}
