import { describe, expect, it } from 'vitest';
import { lineChartSvg, niceTicks } from '../../src/plot/line-chart.js';

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1].map((v) => expect.closeTo(v, 12)));
    const t = niceTicks(3.2, 97.1);
    expect(t[0]).toBeLessThanOrEqual(3.2);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(97.1);
    expect(t.length).toBeGreaterThanOrEqual(4);
  });
  it('widens a degenerate range instead of dividing by zero', () => {
    const t = niceTicks(5, 5);
    expect(t[0]).toBeLessThan(5);
    expect(t[t.length - 1]).toBeGreaterThan(5);
  });
});

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    title: 'Generation vs competition',
    xLabel: 'competition intensity g',
    yLabel: 'synthetic samples (thousands)',
    series: [
      { label: 'equilibrium, λ = 0', x: [0, 0.5, 1], y: [10, 8, 5] },
      { label: 'optimum <&>', x: [0, 0.5, 1], y: [12, 12, NaN] },
    ],
  });
  it('is a standalone SVG with title, axis labels and a legend entry per series', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Generation vs competition');
    expect(svg).toContain('competition intensity g');
    expect(svg).toContain('synthetic samples (thousands)');
    expect(svg).toContain('equilibrium, λ = 0');
    expect(svg).toContain('optimum &lt;&amp;&gt;');
  });
  it('skips non-finite points rather than drawing NaN coordinates', () => {
    expect(svg).not.toMatch(/NaN/);
  });
});
