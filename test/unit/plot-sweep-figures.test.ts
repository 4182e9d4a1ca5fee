// The sweep's figures (src/plot/sweep-figures.ts) on a small grid solved with sweepGame.
import { describe, expect, it } from 'vitest';
import { builtInSweepBase, sweepGame, type SweepGrid } from '../../src/fl/sweep.js';
import {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  sweepCostLabel,
  sweepHold,
  welfareSvg,
} from '../../src/plot/sweep-figures.js';

const grid: SweepGrid = { g: [0, 0.5, 1], rivalry: [0, 1], alpha: [0.1, 1, 10], cost: [0.002, 0.004] };
const base = builtInSweepBase(4, 2);
const points = sweepGame(base, grid, { seed: 2 });
const setting = { organizations: 4, base: null, seed: 2, cap: base.maxSynthetic.reduce((a, b) => a + b, 0) };

describe('sweep figures', () => {
  it('sweepHold takes the middle value of each list (the lower one of two), in sorted order', () => {
    expect(sweepHold(grid)).toEqual({ alpha: 1, cost: 0.002, g: 0.5 });
    expect(sweepHold({ g: [1, 0, 0.5], rivalry: [0], alpha: [10, 0.1], cost: [null] })).toEqual({
      alpha: 0.1,
      cost: null,
      g: 0.5,
    });
  });

  it('sweepCostLabel names a held cost or the organizations’ own', () => {
    expect(sweepCostLabel(0.004)).toBe('cost c = 0.004 per sample');
    expect(sweepCostLabel(null)).toBe('each organization’s own cost');
  });

  it('draws the three figures with their titles, the held values and a line per strategy and λ', () => {
    const hold = sweepHold(grid);
    const byG = generationVsCompetitionSvg(points, grid.rivalry, hold, setting);
    expect(byG).toContain('Synthetic data generation vs competition');
    expect(byG).toContain('N = 4 organizations, seed 2; Dirichlet α = 1');
    expect(byG).toContain('social optimum, λ = 1');
    expect(byG).toContain('cap Σ X_n');
    const bySkew = generationVsSkewSvg(points, grid.rivalry, hold, setting);
    expect(bySkew).toContain('Dirichlet α from 10 (left) to 0.1 (right)');
    const welfare = welfareSvg(points, grid.rivalry, hold, { ...setting, base: '/some/dir/hospitals.json' });
    expect(welfare).toContain('hospitals.json (N = 4), seed 2');
    expect(welfare).toContain('gain over VCFL, λ = 0 (rivals’ gains only hurt)');
    for (const svg of [byG, bySkew, welfare]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
  });
});
