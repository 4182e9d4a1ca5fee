import { describe, expect, it } from 'vitest';
import { lineChartSvg, panelsSvg, type LineChartSpec } from '../../src/plot/line-chart.js';

const chart = (title: string, extra: Partial<LineChartSpec> = {}): LineChartSpec => ({
  title,
  xLabel: 'competition intensity g (dimensionless)',
  yLabel: 'social welfare (value units)',
  series: [
    { label: 'equilibrium', x: [0, 0.5, 1], y: [3, 2, 1], color: '#123456', dash: '' },
    { label: 'cap', x: [0, 1], y: [4, 4], reference: true },
  ],
  ...extra,
});

describe('lineChartSvg options', () => {
  it('draws a subtitle, honours a series colour, and draws reference lines thin and over the data', () => {
    const svg = lineChartSvg(chart('Welfare', { subtitle: 'N = 10 <seed 1>' }));
    expect(svg).toContain('N = 10 &lt;seed 1&gt;');
    expect(svg).toContain('stroke="#123456" stroke-width="2"');
    const paths = [...svg.matchAll(/<path [^>]*stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(paths).toEqual([2, 1.25]); // the reference line over the data, which cannot hide it
    // the legend keeps the given order
    expect(svg.indexOf('>equilibrium<')).toBeLessThan(svg.indexOf('>cap<'));
  });
  it('leaves headroom above a series that runs along the top of the data', () => {
    const svg = lineChartSvg(chart('Headroom'));
    const top = Math.max(...[...svg.matchAll(/dominant-baseline="middle">([\d.e-]+)</g)].map((m) => Number(m[1])));
    expect(top).toBeGreaterThan(4);
  });
  it('can leave the legend out', () => {
    expect(lineChartSvg(chart('No legend', { legend: false }))).not.toContain('>equilibrium<');
  });
});

describe('panelsSvg', () => {
  const svg = panelsSvg({
    title: 'Social welfare vs competition',
    subtitle: 'α = 0.5',
    panels: [chart('λ = 0'), chart('λ = 1', { height: 300 })],
    columns: 2,
    panelWidth: 500,
  });
  it('is one standalone SVG holding each panel as a nested viewport', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/xmlns=/g)).toHaveLength(1);
    expect(svg).toContain('<svg x="0" y="54"');
    expect(svg).toContain('<svg x="500" y="54"');
    expect(svg.match(/<svg/g)).toHaveLength(3);
    expect(svg.match(/<\/svg>/g)).toHaveLength(3);
    expect(svg).toContain('width="1000" height="474"'); // 54 + the row's tallest panel (420)
    expect(svg).toContain('Social welfare vs competition');
    expect(svg).toContain('λ = 1');
  });
});
