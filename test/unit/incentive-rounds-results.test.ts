// What `cocogen rounds` writes, as library functions (src/incentive/rounds-results.ts, src/plot/rounds-figure.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/game/index.js';
import { SCHEMES, simulateRounds } from '../../src/incentive/index.js';
import {
  roundsCsv,
  roundsRecordsJSON,
  roundsStandaloneJSON,
  SCHEME_LABELS,
} from '../../src/incentive/rounds-results.js';
import { roundsSvg } from '../../src/plot/rounds-figure.js';

const scenario = parseScenario(JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8')));
const result = simulateRounds(scenario, { rounds: 3, seed: 1, shapley: { seed: 1 } });

describe('rounds results', () => {
  it('roundsRecordsJSON: per scheme one record a round, ids for indices, null off members', () => {
    const j = roundsRecordsJSON(result);
    expect(Object.keys(j)).toEqual([...SCHEMES]);
    for (const s of SCHEMES) {
      expect(j[s]).toHaveLength(3);
      j[s].forEach((rec, t) => {
        const raw = result.records[s][t]!;
        expect(rec.round).toBe(raw.round);
        expect(rec.members).toEqual(raw.members.map((i) => scenario.ids[i]));
        expect(rec.payoffs).toEqual(Array.from(raw.payoffs, (v) => (Number.isFinite(v) ? v : null)));
      });
    }
    expect(roundsStandaloneJSON(result)).toHaveLength(scenario.n);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j); // nothing JSON cannot hold
  });

  it('roundsCsv: a header and one row per round and scheme', () => {
    const lines = roundsCsv(result).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 3 * SCHEMES.length);
    expect(lines[0]).toMatch(/^round,scheme,members,leavers,/);
    expect(lines[1]!.startsWith('1,none,')).toBe(true);
  });

  it('roundsSvg: retention and cumulative welfare, a line per scheme named in words', () => {
    const svg = roundsSvg(result, 'hospitals');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Retention and welfare over 3 rounds');
    for (const s of SCHEMES) expect(svg).toContain(SCHEME_LABELS[s]);
  });
});
