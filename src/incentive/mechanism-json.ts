/**
 * The JSON form of a mechanism run: the `mechanism` block of `cocogen solve --json` (docs/incentive.md) with the
 * property report and the comparators beside it. Typed arrays become arrays, non-finite numbers null, indices ids.
 */
import { compareSchemes, SCHEMES, type SchemeName, type SchemeOutcome } from './comparators.js';
import { propertyReport, type PropertyReport } from './properties.js';
import { checkWelfareSharingResult, type WelfareSharingResult } from './welfare-sharing.js';

function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
const arr = (v: ArrayLike<number>): (number | null)[] => Array.from(v, num);

export interface SchemeJSON {
  socialWelfare: number | null;
  efficiency: number | null;
  participants: number;
  leavers: string[];
  floorsMet: number;
  worstOff: { id: string; payoff: number | null };
  tightest: { id: string; margin: number | null };
  payoffs: (number | null)[];
  transfers: (number | null)[];
}

export interface MechanismJSON {
  x: (number | null)[];
  transfers: (number | null)[];
  payoffs: (number | null)[];
  shares: (number | null)[];
  lumpSums: (number | null)[];
  shapley: {
    values: (number | null)[];
    standardErrors: (number | null)[];
    method: 'exact' | 'monte-carlo';
    permutations: number;
    relativeStandardError: number | null;
    seed: number | null;
    coalitions: number;
    seconds: number;
  };
  compensation: (number | null)[];
  leaveOneOut: (number | null)[];
  floors: (number | null)[];
  outsideOptions: (number | null)[];
  contributionWeight: number;
  sustainable: boolean;
  status: WelfareSharingResult['status'];
  surplus: number | null;
  deficit: number | null;
  participationDeficit: number | null;
  wouldLeave: string[];
  belowFloor: string[];
  largestSustainableCoalition: {
    method: 'exact' | 'greedy' | 'not-searched';
    members: string[] | null;
    socialWelfare: number | null;
    floorSum: number | null;
    tested: number;
  } | null;
  socialWelfare: number | null;
  budgetBalance: number | null;
  efficiency: number | null;
  equilibriumKkt: number | null;
  properties: PropertyReport;
  comparators: Record<SchemeName, SchemeJSON>;
}

function schemeJSON(o: SchemeOutcome, ids: readonly string[]): SchemeJSON {
  return {
    socialWelfare: num(o.socialWelfare),
    efficiency: num(o.efficiency),
    participants: o.participants,
    leavers: o.leavers.map((i) => ids[i]),
    floorsMet: o.floorsMet,
    worstOff: { id: ids[o.worstOff.index], payoff: num(o.worstOff.payoff) },
    tightest: { id: ids[o.tightest.index], margin: num(o.tightest.margin) },
    payoffs: arr(o.payoffs),
    transfers: arr(o.transfers),
  };
}

/**
 * Plain JSON of a mechanism run, with its property report and comparators.
 * @example JSON.stringify(mechanismToJSON(welfareSharing(scenario)))
 */
export function mechanismToJSON(m: WelfareSharingResult): MechanismJSON {
  checkWelfareSharingResult(m);
  const a = m.analysis;
  const ids = a.scenario.ids;
  const sh = a.shapley;
  const lsc = m.largestSustainableCoalition;
  const schemes = compareSchemes(a, m);
  const comparators = {} as Record<SchemeName, SchemeJSON>;
  for (const s of SCHEMES) comparators[s] = schemeJSON(schemes[s], ids);
  return {
    x: arr(m.x),
    transfers: arr(m.transfers),
    payoffs: arr(m.payoffs),
    shares: arr(m.shares),
    lumpSums: arr(m.lumpSums),
    shapley: {
      values: arr(sh.values),
      standardErrors: arr(sh.standardErrors),
      method: sh.method,
      permutations: sh.permutations,
      relativeStandardError: num(sh.relativeStandardError),
      seed: sh.seed,
      coalitions: sh.coalitionStats.solves,
      seconds: sh.seconds,
    },
    compensation: arr(a.compensation),
    leaveOneOut: arr(a.leaveOneOut),
    floors: arr(m.floors),
    outsideOptions: arr(m.outsideOptions),
    contributionWeight: m.contributionWeight,
    sustainable: m.sustainable,
    status: m.status,
    surplus: num(m.surplus),
    deficit: num(m.deficit),
    participationDeficit: num(m.participationDeficit),
    wouldLeave: m.wouldLeave.map((i) => ids[i]),
    belowFloor: m.belowFloor.map((i) => ids[i]),
    largestSustainableCoalition: lsc
      ? {
          method: lsc.method,
          members: lsc.coalition ? lsc.coalition.members.map((i) => ids[i]) : null,
          socialWelfare: lsc.coalition ? num(lsc.coalition.socialWelfare) : null,
          floorSum: lsc.coalition ? num(lsc.coalition.floorSum) : null,
          tested: lsc.tested,
        }
      : null,
    socialWelfare: num(m.socialWelfare),
    budgetBalance: num(m.budgetBalance),
    efficiency: num(m.efficiency),
    equilibriumKkt: num(m.equilibriumKkt),
    properties: propertyReport(m),
    comparators,
  };
}
