/**
 * Many rounds (DESIGN §4, issue 4 item 7): each round the organizations still in the federation play the round game
 * among themselves (sub-scenario.ts: competition among members), are paid by a scheme (comparators.ts: none,
 * marginal, shapley, mechanism), and every organization whose payoff falls below its outside option leaves — for
 * good (it trains alone from then on). Each scheme runs its own history from the full federation.
 *
 * Welfare of a round = the welfare the federation realizes under the scheme (SW(x^NE) of the members' game for the
 * comparators, SW(x^opt) for the mechanism) + Σ over the organizations outside it of their standalone value v({n})
 * (what they get training alone, as in the coalition game). Retention after round t = members left after its
 * departures / N. The scenario itself does not change between rounds, so a history settles once no one leaves;
 * rounds whose member set was seen before reuse that analysis.
 */
import type { Scenario } from '../game/index.js';
import { compareSchemes, SCHEMES, type SchemeName } from './comparators.js';
import { analyzeRound } from './round-analysis.js';
import { restrictScenario } from './sub-scenario.js';
import { welfareSharing, type WelfareSharingOptions } from './welfare-sharing.js';
import { invalidArgument } from '../errors.js';

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
  /** Federation welfare + standalone values of everyone outside it. */
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
  /** v({n}) of every organization. */
  standalone: Float64Array;
  /** Distinct member sets analyzed. */
  analyses: number;
}

interface RoundPlay {
  welfare: number;
  sustainable: boolean;
  outcome: Record<SchemeName, { payoffs: Float64Array; transfers: Float64Array; leavers: number[] }>;
}

/**
 * Simulates T rounds under every scheme.
 * @example const r = simulateRounds(scenario, { rounds: 10 }); r.records.mechanism.at(-1)!.retention
 */
export function simulateRounds(scenario: Scenario, options: RoundsOptions): RoundsResult {
  const T = options.rounds;
  if (!(Number.isInteger(T) && T >= 1)) throw invalidArgument('rounds', 'an integer ≥ 1', T);
  const N = scenario.n;
  const full = analyzeRound(scenario, options);
  const standalone = full.standalone;
  const memo = new Map<string, { federation: Record<SchemeName, number>; play: RoundPlay }>();
  const play = (members: number[]) => {
    const key = members.join(',');
    const hit = memo.get(key);
    if (hit) return hit;
    const sub = members.length === N ? scenario : restrictScenario(scenario, members);
    const analysis = members.length === N ? full : analyzeRound(sub, options);
    const mech = welfareSharing(sub, options, undefined, analysis);
    const schemes = compareSchemes(analysis, mech);
    const federation = {} as Record<SchemeName, number>;
    const outcome = {} as RoundPlay['outcome'];
    for (const s of SCHEMES) {
      federation[s] = schemes[s].socialWelfare;
      const payoffs = new Float64Array(N).fill(NaN);
      const transfers = new Float64Array(N).fill(NaN);
      members.forEach((i, k) => {
        payoffs[i] = schemes[s].payoffs[k];
        transfers[i] = schemes[s].transfers[k];
      });
      outcome[s] = { payoffs, transfers, leavers: schemes[s].leavers.map((k) => members[k]) };
    }
    const entry = { federation, play: { welfare: 0, sustainable: mech.sustainable, outcome } };
    memo.set(key, entry);
    return entry;
  };
  const records = {} as Record<SchemeName, RoundRecord[]>;
  for (const s of SCHEMES) {
    let members = Array.from({ length: N }, (_, i) => i);
    let cumulative = 0;
    const list: RoundRecord[] = [];
    for (let t = 1; t <= T; t++) {
      let outside = 0;
      const inFed = new Uint8Array(N);
      for (const i of members) inFed[i] = 1;
      for (let i = 0; i < N; i++) if (!inFed[i]) outside += standalone[i];
      let welfare = outside;
      let leavers: number[] = [];
      let payoffs: Float64Array = new Float64Array(N).fill(NaN);
      let transfers: Float64Array = new Float64Array(N).fill(NaN);
      let sustainable = true;
      if (members.length > 0) {
        const e = play(members);
        const o = e.play.outcome[s];
        welfare += e.federation[s];
        leavers = o.leavers;
        payoffs = o.payoffs;
        transfers = o.transfers;
        sustainable = e.play.sustainable;
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
  return { rounds: T, ids: scenario.ids, records, standalone, analyses: memo.size };
}
