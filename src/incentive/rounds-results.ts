/**
 * What `cocogen rounds` writes and prints (docs/incentive.md): the schemes in words, rounds.csv, and the per-round
 * records as JSON (ids for member indices, null for non-finite numbers), so that a program running
 * simulateRounds() writes the same.
 */
import { toCsv } from '../util/atomic-write.js';
import { SCHEMES, type SchemeName } from './comparators.js';
import type { RoundsResult } from './rounds.js';

/** Each payment scheme in words, as the tables and figures name it. */
export const SCHEME_LABELS: Readonly<Record<SchemeName, string>> = {
  none: 'no incentive',
  marginal: 'marginal (leave-one-out)',
  shapley: 'plain Shapley',
  mechanism: 'welfare sharing (mechanism)',
};

/** A finite number as itself, anything else (NaN for a non-member, ±∞) as null: JSON has no NaN. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** The standalone amounts with non-finite entries as null. */
export function roundsStandaloneJSON(r: RoundsResult): (number | null)[] {
  return Array.from(r.standaloneAmounts, finiteOrNull);
}

/** Per scheme, its records with member and leaver ids, and payoffs and transfers as plain arrays (null off members). */
export function roundsRecordsJSON(r: RoundsResult) {
  const schemes = {} as Record<
    SchemeName,
    {
      round: number;
      members: string[];
      leavers: string[];
      retention: number;
      welfare: number | null;
      cumulativeWelfare: number | null;
      sustainable: boolean;
      payoffs: (number | null)[];
      transfers: (number | null)[];
    }[]
  >;
  for (const s of SCHEMES) {
    schemes[s] = r.records[s].map((rec) => ({
      round: rec.round,
      members: rec.members.map((i) => r.ids[i]!),
      leavers: rec.leavers.map((i) => r.ids[i]!),
      retention: rec.retention,
      welfare: finiteOrNull(rec.welfare),
      cumulativeWelfare: finiteOrNull(rec.cumulativeWelfare),
      sustainable: rec.sustainable,
      payoffs: Array.from(rec.payoffs, finiteOrNull),
      transfers: Array.from(rec.transfers, finiteOrNull),
    }));
  }
  return schemes;
}

/** rounds.csv: one row per round and scheme. */
export function roundsCsv(r: RoundsResult): string {
  const rows: (string | number | boolean | null)[][] = [];
  for (const s of SCHEMES) {
    for (const rec of r.records[s]) {
      rows.push([
        rec.round,
        s,
        rec.members.length,
        rec.leavers.map((i) => r.ids[i]).join(';'),
        rec.retention,
        rec.welfare,
        rec.cumulativeWelfare,
        rec.sustainable,
      ]);
    }
  }
  return toCsv(
    [
      'round',
      'scheme',
      'members',
      'leavers',
      'retention (fraction of N)',
      'welfare (value units)',
      'cumulative welfare (value units)',
      'mechanism sustainable',
    ],
    rows,
  );
}
