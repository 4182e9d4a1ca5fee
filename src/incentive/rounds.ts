/**
 * Many rounds (DESIGN §4): each round the organizations still in the federation play the round game
 * among themselves (sub-scenario.ts: competition among members), are paid by a scheme (comparators.ts: none,
 * marginal, shapley, mechanism), and every organization whose payoff falls below its outside option leaves — for
 * good (it trains alone from then on). Each scheme runs its own history from the full federation.
 *
 * Welfare of a round is the whole market's, Σ_n U_n with every pairwise competition term of §3.3 (so it equals
 * SW(x) while everyone is in): members deploy the federation's model P_F(x_F) + g_n at the operating point the scheme
 * induces in the members' game (x^NE for the comparators, x^opt for the mechanism), organizations outside deploy
 * their standalone model at their own best amount (as in O_n), and W = Σ_n κ_n q_n − Σ_n c_n x_n with the full
 * model's κ. Retention after round t = members left after its departures / N. The scenario itself does not change between rounds, so a history settles once no one leaves;
 * rounds whose member set was seen before reuse that analysis.
 */
import {
  createGameModel,
  performance,
  privateGain,
  standaloneValue,
  type GameModel,
  type Scenario,
} from '../game/index.js';
import { compareSchemes, SCHEMES, type SchemeName } from './comparators.js';
import { analyzeRound } from './round-analysis.js';
import { restrictScenario } from './sub-scenario.js';
import { welfareSharing, welfareSharingSettings, type WelfareSharingOptions } from './welfare-sharing.js';
import { checkScenario } from '../game/scenario.js';
import { integerOption } from '../util/options.js';

export interface RoundsOptions extends WelfareSharingOptions {
  /** Rounds T ≥ 1. */
  rounds: number;
}

export interface RoundRecord {
  round: number;
  scheme: SchemeName;
  /** Members at the start of the round (indices into the scenario). */
  members: number[];
  /** Members that left at the end of the round. */
  leavers: number[];
  /** Members after the departures / N. */
  retention: number;
  /** The market's welfare Σ_n U_n (members in the federation, the others alone). */
  welfare: number;
  cumulativeWelfare: number;
  /** Payoffs and transfers per organization of the scenario (NaN for non-members). */
  payoffs: Float64Array;
  transfers: Float64Array;
  /** Whether the members' round was sustainable for the mechanism (Σ F ≤ SW*). */
  sustainable: boolean;
}

export interface RoundsResult {
  rounds: number;
  ids: readonly string[];
  /** records[scheme][t] for t = 0 … T−1. */
  records: Record<SchemeName, RoundRecord[]>;
  /** What each organization generates training alone. */
  standaloneAmounts: Float64Array;
  /** Distinct member sets analyzed. */
  analyses: number;
}

interface RoundPlay {
  sustainable: boolean;
  outcome: Record<SchemeName, { payoffs: Float64Array; transfers: Float64Array; leavers: number[]; welfare: number }>;
}

/** Σ_n κ_n q_n − Σ_n c_n x_n with members on the federation's model at xF (member order) and the rest alone. */
function marketWelfare(model: GameModel, members: number[], xF: Float64Array, alone: Float64Array): number {
  const N = model.n;
  let D = 0;
  let Q = 0;
  members.forEach((i, k) => {
    const u = model.d[i] + xF[k];
    D += u;
    Q += model.s[i] / u;
  });
  const PF = members.length ? performance(model.curve, D, Q) : 0;
  const inF = new Int32Array(N).fill(-1);
  members.forEach((i, k) => (inF[i] = k));
  let w = 0;
  for (let i = 0; i < N; i++) {
    const k = inF[i];
    const x = k >= 0 ? xF[k] : alone[i];
    const u = model.d[i] + x;
    const P = k >= 0 ? PF : performance(model.curve, u, model.s[i] / u);
    w += model.kappa[i] * (P + privateGain(model.mu[i], model.d[i], x)) - model.c[i] * x;
  }
  return w;
}

/**
 * The path of the first non-finite number in `r` that should be finite (e.g. `records.mechanism[2].payoffs[4]`), or
 * null. A non-member's payoff and transfer are NaN by design and skipped.
 */
export function firstNonFiniteRound(r: RoundsResult): string | null {
  for (let i = 0; i < r.standaloneAmounts.length; i++)
    if (!Number.isFinite(r.standaloneAmounts[i])) return `standaloneAmounts[${i}]`;
  for (const scheme of SCHEMES) {
    for (const [t, rec] of r.records[scheme].entries()) {
      const at = `records.${scheme}[${t}]`;
      for (const key of ['retention', 'welfare', 'cumulativeWelfare'] as const)
        if (!Number.isFinite(rec[key])) return `${at}.${key}`;
      for (const i of rec.members) {
        if (!Number.isFinite(rec.payoffs[i])) return `${at}.payoffs[${i}]`;
        if (!Number.isFinite(rec.transfers[i])) return `${at}.transfers[${i}]`;
      }
    }
  }
  return null;
}

/**
 * Simulates T rounds under every scheme.
 * @example const r = simulateRounds(scenario, { rounds: 10 }); r.records.mechanism.at(-1)!.retention
 */
export function simulateRounds(scenario: Scenario, options: RoundsOptions): RoundsResult {
  checkScenario(scenario);
  const { analysis: analysisOptions } = welfareSharingSettings(options, ['rounds']);
  const { rounds, ...sharing } = options ?? {};
  const T = integerOption({ rounds }, 'rounds', undefined, 1, Number.MAX_SAFE_INTEGER);
  const N = scenario.n;
  const full = analyzeRound(scenario, analysisOptions);
  const fullModel = createGameModel(scenario);
  const standaloneAmounts = new Float64Array(N);
  for (let i = 0; i < N; i++) standaloneAmounts[i] = standaloneValue(fullModel, i, analysisOptions.tolerance).x;
  const memo = new Map<string, RoundPlay>();
  const play = (members: number[]) => {
    const key = members.join(',');
    const hit = memo.get(key);
    if (hit) return hit;
    const sub = members.length === N ? scenario : restrictScenario(scenario, members);
    const analysis = members.length === N ? full : analyzeRound(sub, analysisOptions);
    const mech = welfareSharing(sub, sharing, undefined, analysis);
    const schemes = compareSchemes(analysis, mech);
    const outcome = {} as RoundPlay['outcome'];
    for (const s of SCHEMES) {
      const payoffs = new Float64Array(N).fill(NaN);
      const transfers = new Float64Array(N).fill(NaN);
      members.forEach((i, k) => {
        payoffs[i] = schemes[s].payoffs[k];
        transfers[i] = schemes[s].transfers[k];
      });
      outcome[s] = {
        payoffs,
        transfers,
        leavers: schemes[s].leavers.map((k) => members[k]),
        welfare: marketWelfare(fullModel, members, schemes[s].x, standaloneAmounts),
      };
    }
    const entry = { sustainable: mech.sustainable, outcome };
    memo.set(key, entry);
    return entry;
  };
  const records = {} as Record<SchemeName, RoundRecord[]>;
  for (const s of SCHEMES) {
    let members = Array.from({ length: N }, (_, i) => i);
    let cumulative = 0;
    const list: RoundRecord[] = [];
    for (let t = 1; t <= T; t++) {
      let welfare = marketWelfare(fullModel, [], new Float64Array(0), standaloneAmounts);
      let leavers: number[] = [];
      let payoffs: Float64Array = new Float64Array(N).fill(NaN);
      let transfers: Float64Array = new Float64Array(N).fill(NaN);
      let sustainable = true;
      if (members.length > 0) {
        const e = play(members);
        const o = e.outcome[s];
        welfare = o.welfare;
        leavers = o.leavers;
        payoffs = o.payoffs;
        transfers = o.transfers;
        sustainable = e.sustainable;
      }
      cumulative += welfare;
      const left = new Set(leavers);
      const next = members.filter((i) => !left.has(i));
      list.push({
        round: t,
        scheme: s,
        members,
        leavers,
        retention: next.length / N,
        welfare,
        cumulativeWelfare: cumulative,
        payoffs,
        transfers,
        sustainable,
      });
      members = next;
    }
    records[s] = list;
  }
  return { rounds: T, ids: scenario.ids, records, standaloneAmounts, analyses: memo.size };
}
