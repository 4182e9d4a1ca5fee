// strategyTotals (src/game/strategy-totals.ts): one line per strategy of a solved round, as `cocogen demo` prints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, solveGame } from '../../src/game/index.js';
import { strategyTotals } from '../../src/game/strategy-totals.js';

describe('strategyTotals', () => {
  it('sums each strategy’s generation and carries its welfare, equilibrium first', () => {
    const s = parseScenario(JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8')));
    const sol = solveGame(s, { outsideOptions: false });
    const t = strategyTotals(sol);
    expect(t.map((r) => r.strategy)).toEqual([
      'equilibrium',
      'social optimum',
      'VCFL (no generation)',
      'WCO (competition-oblivious)',
      'RaDG (random amounts)',
    ]);
    expect(t[0]!.syntheticSamples).toBe(sol.equilibrium.x.reduce((a, b) => a + b, 0));
    expect(t[1]!.socialWelfare).toBe(sol.optimum.socialWelfare);
    expect(t[2]!.syntheticSamples).toBe(0);
  });
});
