import { describe, expect, it } from 'vitest';
import { studyFigureSvg, type StudyFigureCell } from '../../src/plot/study-figures.js';

const interval = (mean: number, half: number) => ({ mean, low: mean - half, high: mean + half, sd: half, n: 3 });
const alphas = [0.1, 0.5, 2];
const gs = [0.1, 0.5];
const cells: StudyFigureCell[] = alphas.flatMap((alpha) =>
  gs.map((competition) => ({
    params: { alpha, competition },
    summary: {
      vcfl: { label: 'VCFL (no generation)', generated: interval(0, 0), welfare: interval(1 + alpha, 0.1) },
      mechanism: {
        label: 'mechanism',
        generated: interval(4000 - 1000 * competition, 4500),
        welfare: interval(2, 0.2),
      },
    },
  })),
);
const axes = [
  { key: 'alpha', values: alphas },
  { key: 'competition', values: gs },
];
const generated = { metric: 'generated', yLabel: 'synthetic samples', yBounds: [0, Infinity] as const };
const welfare = { metric: 'welfare', yLabel: 'welfare Σ U_n' };

describe('studyFigureSvg', () => {
  it('draws a row of panels per metric, one panel per value of the other axes', () => {
    const svg = studyFigureSvg({ title: 'ladder', axes, cells, metrics: [generated, welfare] });
    expect(svg.match(/>competition = 0\.1</g)).toHaveLength(2);
    expect(svg.match(/>competition = 0\.5</g)).toHaveLength(2);
    expect(svg).toContain('>synthetic samples<');
    expect(svg).toContain('>welfare Σ U_n<');
    // Two rows of two: as wide as two panels, taller than two rows' titles.
    expect(Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1])).toBe(2 * 560);
  });

  it('reads an axis spanning a decade on a log scale, and keeps a bounded metric inside its bounds', () => {
    const one = studyFigureSvg({ title: 'g', axes, cells, metrics: [generated] });
    const ticks = [...one.matchAll(/text-anchor="middle"[^>]*>([\d.]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(expect.arrayContaining(['0.1', '1']));
    // The mechanism's interval reaches below 0; no tick below 0 is drawn.
    const yTicks = [...one.matchAll(/dominant-baseline="middle">(-?[\d.e-]+)</g)].map((m) => Number(m[1]));
    expect(Math.min(...yTicks)).toBeGreaterThanOrEqual(0);
    const linear = studyFigureSvg({
      title: 'g',
      axes: [{ key: 'competition', values: gs }, axes[0]!],
      cells,
      metrics: [generated],
    });
    expect(linear).not.toEqual(one);
  });

  it('refuses a spec without metrics', () => {
    expect(() => studyFigureSvg({ title: 'x', axes, cells, metrics: [] })).toThrow(/spec\.metrics/);
    expect(() => studyFigureSvg({ title: 'x', axes, cells } as never)).toThrow(/spec\.metrics/);
  });
});
