// `cocogen rounds` end to end (npm run build:ts first): JSON records per scheme, CSV and SVG written atomically,
// departures as documented, and bad input exits 2. Also the mechanism block of `cocogen solve --json`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/game/index.js';
import { simulateRounds } from '../../src/incentive/index.js';
import { roundsCsv, roundsRecordsJSON } from '../../src/incentive/rounds-results.js';
import { roundsSvg } from '../../src/plot/rounds-figure.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-rounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMES = ['none', 'marginal', 'shapley', 'mechanism'];

describe('cocogen rounds', () => {
  it('writes rounds.csv and rounds.svg and prints per-round records for every scheme', () => {
    const out = join(dir, 'hospitals');
    const r = runCli(['rounds', 'examples/hospitals-uniform.json', '--rounds', '4', '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.rounds).toBe(4);
    expect(Object.keys(j.schemes)).toEqual(SCHEMES);
    for (const s of SCHEMES) {
      const recs = j.schemes[s];
      expect(recs).toHaveLength(4);
      let cumulative = 0;
      for (const rec of recs) {
        cumulative += rec.welfare;
        expect(rec.cumulativeWelfare).toBeCloseTo(cumulative, 6);
        expect(rec.payoffs).toHaveLength(5);
        // every leaver was a member and was paid less than it would get alone
        for (const id of rec.leavers) expect(rec.members).toContain(id);
      }
    }
    expect(j.schemes.mechanism.at(-1).retention).toBe(1);
    expect(j.schemes.none[0].leavers.length).toBeGreaterThan(0);
    expect(readdirSync(out).sort()).toEqual(['rounds.csv', 'rounds.svg']);
    const csv = readFileSync(join(out, 'rounds.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('retention (fraction of N)');
    expect(csv).toHaveLength(1 + 4 * 4);
    const svg = readFileSync(join(out, 'rounds.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Retention');
    expect(svg).toContain('welfare sharing (mechanism)');
  });

  it('writes what simulateRounds, roundsCsv and roundsSvg give from the API', () => {
    const file = 'examples/retailers-arms-race.json';
    const out = join(dir, 'api');
    const r = runCli(['rounds', file, '--rounds', '3', '--seed', '2', '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
    const result = simulateRounds(scenario, { rounds: 3, seed: 2, shapley: { seed: 2 } });
    expect(JSON.parse(r.stdout).schemes).toEqual(roundsRecordsJSON(result));
    expect(readFileSync(join(out, 'rounds.csv'), 'utf8')).toBe(roundsCsv(result));
    expect(readFileSync(join(out, 'rounds.svg'), 'utf8')).toBe(roundsSvg(result, scenario.name ?? file));
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['rounds', 'examples/retailers-arms-race.json', '--rounds', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('welfare sharing (mechanism)');
    expect(r.stdout).toContain('retention');
  });

  it('bad input exits 2 naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['rounds', 'examples/banks-dense.json'], /--rounds/],
      [['rounds', 'examples/banks-dense.json', '--rounds', '0'], /--rounds/],
      [['rounds', '--rounds', '3'], /FILE/],
      [['rounds', join(dir, 'missing.json'), '--rounds', '3'], /scenario file/],
    ];
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    cases.push([['rounds', 'examples/banks-dense.json', '--rounds', '2', '--out', file], /--out/]);
    for (const [args, re] of cases) {
      const r = runCli([...args, '--json']);
      expect(r.status, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.message).toMatch(re);
    }
    expect(existsSync(join(file, 'rounds.csv'))).toBe(false);
  });
});

describe('cocogen solve --json: mechanism', () => {
  it('has the mechanism fields of docs/design.md §4 and a property report that holds on every example', () => {
    for (const name of ['hospitals-uniform', 'banks-dense', 'retailers-arms-race']) {
      const r = runCli(['solve', `examples/${name}.json`, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const m = JSON.parse(r.stdout).mechanism;
      for (const key of [
        'x',
        'transfers',
        'payoffs',
        'shares',
        'lumpSums',
        'shapley',
        'floors',
        'sustainable',
        'deficit',
        'socialWelfare',
        'budgetBalance',
        'efficiency',
      ]) {
        expect(m, `${name}.${key}`).toHaveProperty(key);
      }
      expect(m.budgetBalance).toBeLessThanOrEqual(1e-9);
      expect(m.efficiency).toBeGreaterThanOrEqual(0.999);
      expect(m.properties.holds).toBe(true);
      expect(m.sustainable).toBe(m.deficit === 0);
    }
  });

  it('is null without outside options', () => {
    const r = runCli(['solve', 'examples/banks-dense.json', '--json', '--no-outside-options']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).mechanism).toBeNull();
  });
});
