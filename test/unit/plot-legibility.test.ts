// What a reader of the figures relies on, checked on the SVG every figure function writes: a series has one colour in
// every panel and in the legend, the legend lists exactly what is drawn, an axis stays within what its quantity can
// take, and nothing hides another thing (a cap under the optimum, a one-point series with no marker).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import type { CalibrationResult } from '../../src/fl/calibration.js';
import type { SeedComparison } from '../../src/fl/seed-comparison.js';
import type { SimulationConfig, SimulationState } from '../../src/fl/simulation.js';
import { STRATEGY_LABELS, type StrategyName } from '../../src/fl/strategies.js';
import { builtInSweepBase, sweepGame, type SweepGrid } from '../../src/fl/sweep.js';
import { parseScenario } from '../../src/game/index.js';
import { simulateRounds } from '../../src/incentive/index.js';
import { calibrationSvg } from '../../src/plot/calibration-figure.js';
import { lineChartSvg, niceTicks, panelsSvg, type LineChartSpec } from '../../src/plot/line-chart.js';
import { roundsSvg } from '../../src/plot/rounds-figure.js';
import { seedComparisonSvg } from '../../src/plot/seed-figures.js';
import { simulationAccuracySvg, simulationGainSvg } from '../../src/plot/simulation-figures.js';
import {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  sweepHold,
  welfareSvg,
} from '../../src/plot/sweep-figures.js';

// ---- reading the SVG ----

/** The panels of a figure (its nested viewports), or the chart itself. */
function panelsOf(svg: string): string[] {
  const nested = [...svg.matchAll(/<svg x="[\d.]+" y="[\d.]+"[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  return nested.length ? nested : [svg];
}

interface Group {
  kind: string;
  label: string;
  body: string;
}

/** The groups lineChartSvg writes per series: its line, its markers, its legend entry. */
function groupsOf(panel: string): Group[] {
  return [...panel.matchAll(/<g class="([\w-]+)" data-series="([^"]*)">([\s\S]*?)<\/g>/g)].map((m) => ({
    kind: m[1]!,
    label: m[2]!,
    body: m[3]!,
  }));
}

/** Every colour a piece of SVG strokes or fills with. */
function colorsOf(body: string): string[] {
  return [...new Set([...body.matchAll(/(?:stroke|fill)="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]!.toUpperCase()))];
}

/** The y tick values of a panel. */
function yTicks(panel: string): number[] {
  return [...panel.matchAll(/<text[^>]*text-anchor="end" dominant-baseline="middle">([^<]+)</g)].map((m) =>
    Number(m[1]),
  );
}

/**
 * In every panel the legend lists exactly the series drawn there, each in the colour it is drawn in; across the
 * figure a series has one colour, and every drawn series is listed in some legend.
 */
function expectLegendMatchesDrawing(svg: string): void {
  const figureColor = new Map<string, string>();
  const listed = new Set<string>();
  const drawnAnywhere = new Set<string>();
  for (const panel of panelsOf(svg)) {
    const groups = groupsOf(panel);
    const drawn = groups.filter((g) => g.kind === 'series-line' || g.kind === 'series-markers');
    for (const g of drawn) {
      expect(colorsOf(g.body), `${g.label} is drawn in one colour`).toHaveLength(1);
      const c = colorsOf(g.body)[0]!;
      expect(figureColor.get(g.label) ?? c, `${g.label} has one colour in every panel`).toBe(c);
      figureColor.set(g.label, c);
      drawnAnywhere.add(g.label);
    }
    for (const entry of groups.filter((g) => g.kind === 'legend-entry')) {
      listed.add(entry.label);
      const own = drawn.filter((g) => g.label === entry.label);
      if (own.length === 0) continue; // listed for a panel beside it (checked below)
      const shown = colorsOf(entry.body.replace(/<text[\s\S]*$/, ''));
      expect(shown, `legend colour of ${entry.label}`).toEqual([figureColor.get(entry.label)]);
      // A legend sample shows a line only where one is drawn, a marker only where markers are.
      expect(entry.body.includes('<line'), `legend line of ${entry.label}`).toBe(
        own.some((g) => g.kind === 'series-line' && g.body.includes('<path d="M')),
      );
      expect(/<(circle|rect|polygon)/.test(entry.body), `legend marker of ${entry.label}`).toBe(
        own.some((g) => g.kind === 'series-markers'),
      );
    }
  }
  expect(drawnAnywhere.size, 'series drawn').toBeGreaterThan(0);
  for (const label of listed) expect(drawnAnywhere.has(label), `${label} is listed but not drawn`).toBe(true);
  for (const label of drawnAnywhere) expect(listed.has(label), `${label} is drawn but not listed`).toBe(true);
  for (const label of listed)
    for (const panel of panelsOf(svg)) {
      for (const entry of groupsOf(panel).filter((g) => g.kind === 'legend-entry' && g.label === label))
        expect(colorsOf(entry.body.replace(/<text[\s\S]*$/, ''))).toEqual([figureColor.get(label)]);
    }
}

// ---- the figures, on small made-up results ----

const STRATEGIES: StrategyName[] = ['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism'];

function simulationState(rounds: number): SimulationState {
  const config = {
    organizations: 3,
    alpha: 0.5,
    competition: 0.3,
    model: 'softmax',
    seed: 1,
    strategies: STRATEGIES,
  } as unknown as SimulationConfig;
  const strategies = Object.fromEntries(
    STRATEGIES.map((name, k) => [
      name,
      {
        rounds: Array.from({ length: rounds }, (_, t) => ({
          round: t + 1,
          accuracy: 0.5 + 0.05 * k + 0.02 * t,
          loss: 1.5 - 0.1 * k - 0.05 * t,
          gain: name === 'vcfl' ? 0 : 0.1 * k + 0.01 * t,
          predictedGain: name === 'vcfl' ? 0 : 0.08 * k,
        })),
      },
    ]),
  );
  return { config, strategies, completedRounds: rounds } as unknown as SimulationState;
}

function interval(mean: number, half: number) {
  return { mean, low: mean - half, high: mean + half, sd: half, n: 3 };
}

function seedComparison(): SeedComparison {
  const summary = Object.fromEntries(
    STRATEGIES.map((name, k) => [
      name,
      {
        label: STRATEGY_LABELS[name],
        rounds: [1, 2, 3].map((round) => ({
          round,
          // an interval of a fraction reaching past 1, as a Student-t interval over few seeds does
          accuracy: interval(0.9 + 0.02 * k, 0.2),
          loss: interval(1 - 0.1 * k, 0.1),
          welfare: interval(k + round, 0.5),
          realizedGain: interval(0.1 * k, 0.05),
          predictedGain: interval(0.1 * k, 0.05),
        })),
      },
    ]),
  );
  return { seeds: [1, 2, 3], level: 0.95, summary, comparisons: null } as unknown as SeedComparison;
}

const simConfig = { organizations: 3, alpha: 0.5, competition: 0.3, model: 'softmax' } as unknown as SimulationConfig;

function calibration(sizes: number[]): CalibrationResult {
  const points = [0.1, 10].flatMap((alpha) =>
    sizes.map((size) => ({
      alpha,
      size,
      loss: 1 + 100 / size + (alpha < 1 ? 0.2 : 0),
      heterogeneity: alpha < 1 ? 1 : 0,
    })),
  );
  const fit = {
    floor: 1,
    scale: 100,
    exponent: 1,
    heterogeneity: 0.2,
    rSquared: 1,
    fitted: points.map((p) => 1 + 100 / p.size + 0.2 * p.heterogeneity),
  };
  return { points, fit, recipe: { rounds: 2 }, organizations: 3, seed: 1 } as unknown as CalibrationResult;
}

const retailers = parseScenario(JSON.parse(readFileSync('examples/retailers-arms-race.json', 'utf8')));
const rounds = simulateRounds(retailers, { rounds: 4, seed: 1, shapley: { seed: 1 } });

const base = builtInSweepBase(4, 2);
const setting = { organizations: 4, base: null, seed: 2, cap: base.maxSynthetic.reduce((a, b) => a + b, 0) };
function sweepFigures(grid: SweepGrid): string[] {
  const points = sweepGame(base, grid, { seed: 2 });
  const hold = sweepHold(grid);
  return [
    generationVsCompetitionSvg(points, grid.rivalry, hold, setting),
    generationVsSkewSvg(points, grid.rivalry, hold, setting),
    welfareSvg(points, grid.rivalry, hold, setting),
  ];
}
const fullSweep = sweepFigures({ g: [0, 0.25, 0.5, 0.75, 1], rivalry: [0, 1], alpha: [0.1, 1, 10], cost: [0.002] });
const onePointSweep = sweepFigures({ g: [0.3], rivalry: [0, 1], alpha: [1], cost: [0.002] });

describe('every figure: the legend is what is drawn, in the colours it is drawn in', () => {
  const figures: [string, string][] = [
    ['gain.svg', simulationGainSvg(simulationState(3))],
    ['accuracy.svg', simulationAccuracySvg(simulationState(3))],
    ['gain.svg after one round', simulationGainSvg(simulationState(1))],
    ['seeds.svg', seedComparisonSvg(seedComparison(), simConfig)],
    ['calibration.svg', calibrationSvg(calibration([250, 500, 1000]), 'softmax')],
    ['calibration.svg, one size', calibrationSvg(calibration([500]), 'softmax')],
    ['rounds.svg', roundsSvg(rounds, 'retailers')],
    ['generation-vs-competition.svg', fullSweep[0]!],
    ['generation-vs-skew.svg', fullSweep[1]!],
    ['welfare.svg', fullSweep[2]!],
    ['generation-vs-competition.svg, one g', onePointSweep[0]!],
    ['generation-vs-skew.svg, one α', onePointSweep[1]!],
    ['welfare.svg, one g', onePointSweep[2]!],
  ];
  it.each(figures)('%s', (_, svg) => expectLegendMatchesDrawing(svg));

  it('gain.svg: each strategy is drawn in one colour in both panels, the colour its legend shows', () => {
    const svg = simulationGainSvg(simulationState(3));
    const [left, right] = panelsOf(svg);
    for (const name of STRATEGIES) {
      const label = STRATEGY_LABELS[name];
      const inLeft = groupsOf(left!).find((g) => g.kind === 'series-markers' && g.label === label);
      const inRight = groupsOf(right!).find((g) => g.kind === 'series-line' && g.label === label);
      const legend = groupsOf(svg).find((g) => g.kind === 'legend-entry' && g.label === label);
      expect(inLeft && inRight && legend, label).toBeTruthy();
      expect(colorsOf(inLeft!.body)).toEqual(colorsOf(inRight!.body));
      expect(colorsOf(legend!.body.replace(/<text[\s\S]*$/, ''))).toEqual(colorsOf(inRight!.body));
    }
  });

  it('a strategy has the same colour in simulate’s, the seed comparison’s and the sweep’s figures', () => {
    const colorOf = (svg: string, label: string) =>
      colorsOf(groupsOf(svg).find((g) => g.kind.startsWith('series') && g.label === label)!.body);
    const sim = simulationAccuracySvg(simulationState(3));
    const seeds = seedComparisonSvg(seedComparison(), simConfig);
    for (const name of STRATEGIES)
      expect(colorOf(seeds, STRATEGY_LABELS[name])).toEqual(colorOf(sim, STRATEGY_LABELS[name]));
    expect(colorOf(fullSweep[2]!, 'social optimum')).toEqual(colorOf(sim, STRATEGY_LABELS.mechanism));
    expect(colorOf(fullSweep[2]!, 'equilibrium')).toEqual(colorOf(sim, STRATEGY_LABELS.equilibrium));
  });
});

describe('axes stay within what the quantity can take', () => {
  it('rounds.svg: the retention axis of a fraction has its ticks in [0, 1], 0 and 1 included', () => {
    const ticks = yTicks(panelsOf(roundsSvg(rounds, 'retailers'))[0]!);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of ticks) expect(t).toBeGreaterThanOrEqual(0);
    for (const t of ticks) expect(t).toBeLessThanOrEqual(1);
    expect(ticks).toContain(0);
    expect(ticks).toContain(1);
  });

  it('test accuracy (a fraction) has no tick above 1, even where an interval reaches past it', () => {
    const seeds = panelsOf(seedComparisonSvg(seedComparison(), simConfig))[0]!;
    expect(Math.max(...yTicks(seeds))).toBeLessThanOrEqual(1);
    // the interval is cut at the frame: no bar end above the plot area
    const frameTop = Number(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="none"/.exec(seeds)![1]);
    for (const m of seeds.matchAll(/<path d="M[\d.]+ ([\d.]+) V([\d.]+)/g)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(frameTop);
      expect(Number(m[2])).toBeGreaterThanOrEqual(frameTop);
    }
    const sim = panelsOf(simulationAccuracySvg(simulationState(3)))[0]!;
    expect(Math.max(...yTicks(sim))).toBeLessThanOrEqual(1);
  });

  it('a round axis has whole-number ticks only', () => {
    for (const svg of [simulationGainSvg(simulationState(3)), seedComparisonSvg(seedComparison(), simConfig)]) {
      const panel = panelsOf(svg).at(-1)!;
      const ticks = [...panel.matchAll(/<text class="x-tick"[^>]*>([^<]+)</g)].map((m) => Number(m[1]));
      expect(ticks.length).toBeGreaterThan(0);
      for (const t of ticks) expect(Number.isInteger(t)).toBe(true);
    }
  });
});

describe('nothing hides behind something else', () => {
  it('the cap Σ X_n is drawn over the λ = 1 optimum, in its own colour and dash, across the whole axis', () => {
    for (const svg of [fullSweep[0]!, fullSweep[1]!, onePointSweep[0]!]) {
      const groups = groupsOf(svg);
      const cap = groups.findIndex((g) => g.kind === 'series-line' && g.label === 'cap Σ X_n');
      expect(cap).toBeGreaterThanOrEqual(0);
      const optimum = groups.findIndex((g) => g.kind.startsWith('series') && g.label === 'social optimum, λ = 1');
      expect(optimum).toBeGreaterThanOrEqual(0);
      // Over the optimum's line where it has one (one g gives it only a marker, and markers go over every line).
      const optimumLine = groups.findIndex((g) => g.kind === 'series-line' && g.label === 'social optimum, λ = 1');
      if (svg !== onePointSweep[0]) expect(optimumLine).toBeGreaterThanOrEqual(0);
      expect(cap).toBeGreaterThan(optimumLine);
      expect(colorsOf(groups[cap]!.body)).not.toEqual(colorsOf(groups[optimum]!.body));
      const d = /<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)"/.exec(groups[cap]!.body)!;
      expect(Number(d[3]) - Number(d[1])).toBeGreaterThan(500); // the plot's width, not a zero-length segment
      expect(svg).toContain('class="level-label"');
    }
  });

  it('a single-point sweep draws every series it lists: one-point series as markers, the cap as a line', () => {
    for (const svg of onePointSweep) {
      for (const entry of groupsOf(svg).filter((g) => g.kind === 'legend-entry')) {
        const drawn = groupsOf(svg).filter((g) => g.kind.startsWith('series') && g.label === entry.label);
        expect(drawn.length, entry.label).toBeGreaterThan(0);
        if (entry.label !== 'cap Σ X_n') {
          expect(drawn.some((g) => g.kind === 'series-markers')).toBe(true);
          expect(entry.body).not.toContain('<line'); // no line sample for a series with no line
        }
      }
      expect(groupsOf(svg).some((g) => g.label.startsWith('WCO') && g.kind === 'series-markers')).toBe(true);
    }
  });

  const chart = (series: LineChartSpec['series']): string =>
    lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series });

  it('lineChartSvg: a one-point series without markers still gets one; a series with no finite point is not listed', () => {
    const svg = chart([
      { label: 'one', x: [1], y: [2], markers: false },
      { label: 'none', x: [1, 2], y: [NaN, NaN] },
      { label: 'two', x: [1, 2], y: [1, 3] },
    ]);
    const groups = groupsOf(svg);
    expect(groups.find((g) => g.label === 'one' && g.kind === 'series-markers')).toBeDefined();
    expect(groups.find((g) => g.label === 'one' && g.kind === 'series-line')).toBeUndefined();
    expect(groups.filter((g) => g.label === 'none')).toEqual([]);
    expect(svg).not.toContain('>none<');
    expectLegendMatchesDrawing(svg);
  });

  it('lineChartSvg: series on top of each other get nested markers and a note naming them', () => {
    const svg = chart([
      { label: 'marginal', x: [1, 2, 3], y: [0.25, 0.25, 0.25] },
      { label: 'Shapley', x: [1, 2, 3], y: [0.25, 0.25, 0.25] },
      { label: 'mechanism', x: [1, 2, 3], y: [1, 1, 1] },
    ]);
    expect(svg).toContain('Indistinguishable at this scale: marginal = Shapley');
    const size = (label: string) => {
      const body = groupsOf(svg).find((g) => g.kind === 'series-markers' && g.label === label)!.body;
      const m = /r="([\d.]+)"|width="([\d.]+)"|points="([^"]+)"/.exec(body)!;
      if (m[1]) return 2 * Number(m[1]);
      if (m[2]) return Number(m[2]) / 0.9;
      const ys = m[3]!.split(' ').map((p) => Number(p.split(',')[1]));
      return Math.max(...ys) - Math.min(...ys);
    };
    expect(size('marginal')).toBeGreaterThan(size('Shapley')); // the one drawn first is larger, so both show
    expect(groupsOf(svg).find((g) => g.kind === 'series-markers' && g.label === 'Shapley')!.body).not.toContain(
      '<circle',
    ); // a marker shape of its own
    expect(svg).not.toContain('Indistinguishable at this scale: marginal = Shapley = mechanism');
  });

  it('a reference line takes no palette slot: the data keep their colours with or without one', () => {
    const data = { label: 'data', x: [0, 1], y: [0, 1] };
    const withRef = chart([{ label: 'y = x', x: [0, 1], y: [0, 1], reference: true }, data]);
    const without = chart([data]);
    const colorOf = (svg: string) => colorsOf(groupsOf(svg).find((g) => g.label === 'data')!.body);
    expect(colorOf(withRef)).toEqual(colorOf(without));
  });
});

describe('plot functions refuse bad arguments with INVALID_ARGUMENT', () => {
  const good: LineChartSpec = { title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', x: [0, 1], y: [0, 1] }] };
  const cases: [string, () => unknown, RegExp][] = [
    ['no spec', () => lineChartSvg(undefined as never), /for spec/],
    ['a title that is not a string', () => lineChartSvg({ ...good, title: 3 as never }), /spec\.title/],
    ['series that is not an array', () => lineChartSvg({ ...good, series: null as never }), /spec\.series/],
    ['a series with no label', () => lineChartSvg({ ...good, series: [{ x: [1], y: [1] } as never] }), /label/],
    [
      'x and y of different lengths',
      () => lineChartSvg({ ...good, series: [{ label: 'a', x: [1, 2], y: [1] }] }),
      /spec\.series\[0\]\.y/,
    ],
    ['a misspelt option', () => lineChartSvg({ ...good, yzero: true } as never), /spec\.yzero/],
    [
      'an unknown marker',
      () => lineChartSvg({ ...good, series: [{ ...good.series[0]!, marker: 'star' as never }] }),
      /marker/,
    ],
    ['bounds the wrong way round', () => lineChartSvg({ ...good, yBounds: [1, 0] }), /yBounds/],
    ['a width of zero', () => lineChartSvg({ ...good, width: 0 }), /spec\.width/],
    ['no panels', () => panelsSvg({ title: 't', panels: [] }), /spec\.panels/],
    ['a bad panel', () => panelsSvg({ title: 't', panels: [{ ...good, xLabel: undefined as never }] }), /panels\[0\]/],
    ['fractional columns', () => panelsSvg({ title: 't', panels: [good], columns: 1.5 }), /spec\.columns/],
    ['a NaN tick range', () => niceTicks(NaN, 1), /for lo/],
    ['a tick count of 1', () => niceTicks(0, 1, 1), /for count/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CocogenError);
    expect((error as CocogenError).code).toBe('INVALID_ARGUMENT');
    expect((error as CocogenError).message).toMatch(message);
  });
});
