// `cocogen sweep` end to end: the built CLI in a child process, as a user runs it (npm run build:ts first).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInSweepBase, sweepBaseFromScenario, sweepCsv, sweepGame, type SweepGrid } from '../../src/fl/sweep.js';
import { parseScenario } from '../../src/game/index.js';
import {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  sweepHold,
  welfareSvg,
} from '../../src/plot/sweep-figures.js';
import { ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ['--orgs', '6', '--g', '0,0.5,1', '--rivalry', '0,1', '--alpha', '0.1,1', '--cost', '0.004'];
const FILES = ['sweep.csv', 'generation-vs-competition.svg', 'generation-vs-skew.svg', 'welfare.svg'];

/** A minimal RFC 4180 reader: enough for the quoted headers the sweep writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

function sweep(out: string, ...flags: string[]): { json: any; stderr: string } {
  const r = runCli(['sweep', '--out', out, '--json', ...flags]);
  expect(r.status, r.stderr).toBe(0);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

/** Checks an SVG minimally: one root element, balanced tags, the given texts, no NaN coordinates. */
function expectSvg(path: string, texts: string[]): string {
  const svg = readFileSync(path, 'utf8');
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg.match(/<svg[\s>]/g)!.length).toBe(svg.match(/<\/svg>/g)!.length);
  expect(svg.match(/<text[\s>]/g)!.length).toBe(svg.match(/<\/text>/g)!.length);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  expect(svg).toMatch(/<path d="M/); // some line was drawn
  for (const t of texts) expect(svg, t).toContain(t);
  return svg;
}

describe('cocogen sweep on a small grid', () => {
  const out = join(dir, 'small');
  const { json, stderr } = sweep(out, ...SMALL, '--seed', '3');

  it('reports config, one point per grid point and the files, and keeps stderr quiet off a terminal', () => {
    expect(stderr).toBe('');
    expect(json.config).toMatchObject({
      organizations: 6,
      seed: 3,
      g: [0, 0.5, 1],
      rivalry: [0, 1],
      alpha: [0.1, 1],
      cost: [0.004],
    });
    expect(json.points).toHaveLength(3 * 2 * 2);
    expect(json.files).toEqual(FILES.map((f) => join(out, f)));
    for (const f of json.files) expect(existsSync(f), f).toBe(true);
    for (const p of json.points) {
      for (const k of ['equilibrium', 'optimum', 'wco', 'radg']) expect(Number.isFinite(p.generation[k]), k).toBe(true);
      for (const k of ['equilibrium', 'optimum', 'vcfl', 'wco', 'radg'])
        expect(Number.isFinite(p.socialWelfare[k]), k).toBe(true);
      expect(p.generation.equilibrium).toBeGreaterThanOrEqual(0);
      expect(p.meanInitialSkew).toBeGreaterThan(0);
      expect(p.meanInitialSkew).toBeLessThanOrEqual(2);
      // The optimum is the best profile for social welfare.
      for (const k of ['equilibrium', 'vcfl', 'wco', 'radg']) {
        expect(p.socialWelfare.optimum).toBeGreaterThanOrEqual(
          p.socialWelfare[k] - 1e-9 * Math.abs(p.socialWelfare[k]),
        );
      }
    }
    // More skew with a smaller α (the same seed draws both).
    const skew = (alpha: number) => json.points.find((p: any) => p.alpha === alpha).meanInitialSkew;
    expect(skew(0.1)).toBeGreaterThan(skew(1));
  });

  it('writes sweep.csv: a header with units and one row per point, matching the JSON', () => {
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    const [header, ...body] = rows;
    expect(body).toHaveLength(json.points.length);
    for (const h of header!) expect(h, 'every column names its unit').toMatch(/^[a-z_]+ \[[^\]]+\]$/);
    const col = (name: string) => header!.findIndex((h) => h.startsWith(`${name} [`));
    for (const name of [
      'competition_g',
      'rivalry_lambda',
      'alpha',
      'cost_per_sample',
      'mean_initial_skew',
      'generation_equilibrium',
      'generation_optimum',
      'generation_wco',
      'generation_radg',
      'welfare_equilibrium',
      'welfare_optimum',
      'welfare_vcfl',
      'welfare_wco',
      'welfare_radg',
    ]) {
      expect(col(name), name).toBeGreaterThanOrEqual(0);
    }
    expect(header![col('generation_equilibrium')]).toBe('generation_equilibrium [samples]');
    body.forEach((row, i) => {
      const p = json.points[i];
      expect(row).toHaveLength(header!.length);
      expect(Number(row[col('competition_g')])).toBe(p.g);
      expect(Number(row[col('rivalry_lambda')])).toBe(p.rivalry);
      expect(Number(row[col('alpha')])).toBe(p.alpha);
      expect(Number(row[col('cost_per_sample')])).toBe(p.cost);
      expect(Number(row[col('generation_equilibrium')])).toBe(p.generation.equilibrium);
      expect(Number(row[col('welfare_optimum')])).toBe(p.socialWelfare.optimum);
    });
    // every (g, λ, α) once
    const keys = new Set(body.map((r) => `${r[col('competition_g')]}|${r[col('rivalry_lambda')]}|${r[col('alpha')]}`));
    expect(keys.size).toBe(12);
  });

  it('draws three titled SVG figures with axis labels, units and legends', () => {
    expectSvg(join(out, 'generation-vs-competition.svg'), [
      'Synthetic data generation vs competition',
      'competition intensity g',
      'total synthetic samples Σ x_n (thousands)',
      'equilibrium, λ = 0',
      'equilibrium, λ = 1',
      'social optimum, λ = 0',
      'social optimum, λ = 1',
    ]);
    expectSvg(join(out, 'generation-vs-skew.svg'), [
      'Synthetic data generation vs label skew',
      'mean initial label skew δ⁰',
      'total synthetic samples Σ x_n (thousands)',
      'equilibrium, λ = 0',
    ]);
    const welfare = expectSvg(join(out, 'welfare.svg'), [
      'Social welfare vs competition',
      'social welfare Σ U_n (value units)',
      'competition intensity g',
      'VCFL (no generation)',
      'WCO (competition-oblivious)',
      'RaDG (random amounts)',
      'social optimum',
    ]);
    expect(welfare).toContain('λ = 0');
    expect(welfare).toContain('λ = 1');
  });

  it('gives the points, sweep.csv and figures that sweepGame and the figure builders give from the API', () => {
    const grid: SweepGrid = { g: [0, 0.5, 1], rivalry: [0, 1], alpha: [0.1, 1], cost: [0.004] };
    const base = builtInSweepBase(6, 3);
    const points = sweepGame(base, grid, { seed: 3 });
    expect(JSON.parse(JSON.stringify(points))).toEqual(json.points);
    expect(sweepCsv(points)).toBe(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    const hold = sweepHold(grid);
    expect(hold).toEqual(json.config.plotsHold);
    const setting = { organizations: 6, base: null, seed: 3, cap: base.maxSynthetic.reduce((a, b) => a + b, 0) };
    const figures: [string, string][] = [
      ['generation-vs-competition.svg', generationVsCompetitionSvg(points, grid.rivalry, hold, setting)],
      ['generation-vs-skew.svg', generationVsSkewSvg(points, grid.rivalry, hold, setting)],
      ['welfare.svg', welfareSvg(points, grid.rivalry, hold, setting)],
    ];
    for (const [file, svg] of figures) expect(svg, file).toBe(readFileSync(join(out, file), 'utf8'));
  });

  it('is reproducible from the seed, and another seed gives other rows', () => {
    sweep(join(dir, 'again'), ...SMALL, '--seed', '3');
    sweep(join(dir, 'other'), ...SMALL, '--seed', '4');
    const csv = (d: string) => readFileSync(join(dir, d, 'sweep.csv'), 'utf8');
    expect(csv('again')).toBe(csv('small'));
    expect(csv('other')).not.toBe(csv('small'));
    for (const f of FILES.slice(1))
      expect(readFileSync(join(dir, 'again', f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
  });
});

describe('cocogen sweep with its defaults', () => {
  it('runs over 10 organizations, prints a summary and writes every file', () => {
    const out = join(dir, 'defaults');
    const r = runCli(['sweep', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Swept 528 points \(11 g × 2 λ × 8 α × 3 cost\) over 10 organizations/);
    expect(r.stdout).toContain('Wrote');
    for (const f of FILES) expect(existsSync(join(out, f)), f).toBe(true);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows).toHaveLength(1 + 528);
    // docs/design.md §3.3: as an externality (λ = 0) competition discourages generation; as relative standing (λ = 1)
    // it encourages it (through the private gains). Read at the slice the plots show (α = 0.5, c = 0.004).
    const [header, ...body] = rows;
    const col = (name: string) => header!.findIndex((h) => h.startsWith(`${name} [`));
    const generation = (lambda: number, g: number) =>
      Number(
        body.find(
          (r) =>
            Number(r[col('alpha')]) === 0.5 &&
            Number(r[col('cost_per_sample')]) === 0.004 &&
            Number(r[col('rivalry_lambda')]) === lambda &&
            Number(r[col('competition_g')]) === g,
        )![col('generation_equilibrium')],
      );
    expect(generation(0, 1)).toBeLessThan(generation(0, 0));
    expect(generation(1, 1)).toBeGreaterThan(generation(1, 0));
  });
});

describe('cocogen sweep --base', () => {
  it('takes the organizations from a scenario file and, without --cost, keeps their own costs', () => {
    const base = join(ROOT, 'examples', 'hospitals-uniform.json');
    const out = join(dir, 'base');
    const { json } = sweep(out, '--base', base, '--g', '0,1', '--rivalry', '0', '--alpha', '0.5');
    expect(json.config).toMatchObject({ organizations: 5, base, cost: [null] });
    expect(json.points).toHaveLength(2);
    expect(json.points[0].cost).toBeNull();
    const [header, row] = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(row![header!.findIndex((h) => h.startsWith('cost_per_sample'))]).toBe('');
    expectSvg(join(out, 'generation-vs-competition.svg'), ['each organization’s own cost']);
    const api = sweepGame(
      sweepBaseFromScenario(parseScenario(JSON.parse(readFileSync(base, 'utf8')))),
      { g: [0, 1], rivalry: [0], alpha: [0.5], cost: [null] },
      { seed: 1 },
    );
    expect(sweepCsv(api)).toBe(readFileSync(join(out, 'sweep.csv'), 'utf8'));
  });
});

describe('cocogen sweep validates every flag (exit 2, the flag and the rule named)', () => {
  const out = join(dir, 'never');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  // The project's template: `Expected <rule> for <flag> but received <value>`.
  const cases: [string[], RegExp][] = [
    [['--g', '0,-0.5'], /Expected .*each a finite number ≥ 0 for --g but received "0,-0.5"/],
    [['--g', '0,,1'], /for --g but received .*an empty entry/],
    [['--g', '0.5,0.5'], /without repeats for --g but received "0.5,0.5" \(0.5 twice\)/],
    [['--rivalry', '0,2'], /each in \[0, 1\] for --rivalry but received "0,2"/],
    [['--alpha', '0'], /each a finite number > 0 for --alpha/],
    [['--alpha', 'abc'], /for --alpha but received "abc"/],
    [['--cost=-1'], /each a finite number ≥ 0 for --cost but received "-1"/],
    [['--orgs', '1'], /Expected an integer in \[2, 100000\] for --orgs but received "1"/],
    [['--orgs', '2.5'], /for --orgs but received "2.5"/],
    [['--seed', 'x'], /Expected a non-negative integer \(a seed\) for --seed/],
    [
      ['--base', join(dir, 'missing.json')],
      /Expected a readable scenario file for --base but received .*missing\.json.*no such file/,
    ],
    [['--base', join(ROOT, 'examples', 'hospitals-uniform.json'), '--orgs', '4'], /Expected no --orgs with --base/],
    [
      [
        '--g',
        Array.from({ length: 200 }, (_, i) => i).join(','),
        '--alpha',
        Array.from({ length: 60 }, (_, i) => i + 1).join(','),
      ],
      /Expected a grid of at most 10000 points .* but received 72000 points/,
    ],
  ];
  it.each(cases)('%j', (flags, message) => {
    const r = runCli(['sweep', '--out', out, '--json', ...flags]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect(existsSync(out)).toBe(false); // nothing written on bad input
  });
  it('--out is required and must not be a file', () => {
    const none = runCli(['sweep', '--json']);
    expect(none.status).toBe(2);
    expect(JSON.parse(none.stderr).error.message).toMatch(/--out/);
    const r = runCli(['sweep', '--out', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cocogen: Expected a directory .* for --out .*which is a file \[INVALID_ARGUMENT\]/);
  });
});
