// The last check `cocogen rounds` makes on its result (src/incentive/rounds.ts firstNonFiniteRound): a non-finite
// number where one is owed is named, while a non-member's NaN payoff (by design) is not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/game/index.js';
import { simulateRounds } from '../../src/incentive/index.js';
import { firstNonFiniteRound, type RoundsResult } from '../../src/incentive/rounds.js';
import { requireFinite } from '../../src/util/finite.js';

const scenario = parseScenario(JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8')));
const fresh = (): RoundsResult => simulateRounds(scenario, { rounds: 3, seed: 1, shapley: { seed: 1 } });

function spoilt(a: Float64Array, i: number, v: number): Float64Array {
  const b = Float64Array.from(a);
  b[i] = v;
  return b;
}

describe('firstNonFiniteRound', () => {
  it('passes a real result whose leavers have NaN payoffs', () => {
    const r = fresh();
    const last = r.records.none.at(-1)!;
    expect(last.members.length).toBeLessThan(scenario.n); // someone left: there are NaN entries
    expect(Array.from(last.payoffs).some(Number.isNaN)).toBe(true);
    expect(firstNonFiniteRound(r)).toBeNull();
  });

  it("names a member's non-finite payoff or transfer, a welfare and a standalone amount", () => {
    const cases: [string, (r: RoundsResult) => void][] = [
      // Rounds with the same members share their arrays: spoil a copy.
      [
        'records.mechanism[1].payoffs[2]',
        (r) => (r.records.mechanism[1]!.payoffs = spoilt(r.records.mechanism[1]!.payoffs, 2, NaN)),
      ],
      [
        'records.shapley[0].transfers[0]',
        (r) => (r.records.shapley[0]!.transfers = spoilt(r.records.shapley[0]!.transfers, 0, -Infinity)),
      ],
      ['records.none[2].cumulativeWelfare', (r) => (r.records.none[2]!.cumulativeWelfare = Infinity)],
      ['standaloneAmounts[4]', (r) => (r.standaloneAmounts[4] = NaN)],
    ];
    for (const [path, spoil] of cases) {
      const r = fresh();
      spoil(r);
      expect(firstNonFiniteRound(r)).toBe(path);
      let error: unknown;
      try {
        requireFinite(r, 'The rounds of s.json', firstNonFiniteRound);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CocogenError);
      expect((error as CocogenError).code).toBe('NON_FINITE');
      expect((error as CocogenError).message).toContain(`The rounds of s.json produced a non-finite ${path}`);
    }
  });
});
