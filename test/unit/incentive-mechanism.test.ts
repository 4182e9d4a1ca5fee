// The welfare-sharing mechanism (DESIGN §4): the property report on the shipped examples and on seeded random
// instances, the exact allocation rule, unsustainable instances reported (never papered over), the largest
// sustainable coalition, comparators, and the many-round simulation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createGameModel,
  parseScenario,
  randomScenario,
  socialWelfare,
  solveGame,
  utilities,
} from '../../src/game/index.js';
import {
  checkCoalition,
  compareSchemes,
  largestSustainableCoalition,
  mechanismToJSON,
  propertyReport,
  simulateRounds,
  surplusSplit,
  welfareSharing,
} from '../../src/incentive/index.js';
import { expectClose } from '../support/expect-close.js';

const example = (name: string) =>
  parseScenario(JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')));
const EXAMPLES = ['hospitals-uniform', 'banks-dense', 'retailers-arms-race'];
const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

describe('property report', () => {
  for (const name of EXAMPLES) {
    it(`holds on examples/${name}.json`, () => {
      const m = welfareSharing(example(name));
      const p = propertyReport(m);
      expect(p.holds, JSON.stringify(p)).toBe(true);
      expect(p.budgetBalance.status).toBe('pass');
      expect(p.efficiency.status).toBe('pass');
      expect(m.budgetBalance).toBeLessThanOrEqual(1e-9);
      expect(m.efficiency).toBeGreaterThanOrEqual(0.999);
    });
  }

  const instances: { label: string; opts: Parameters<typeof randomScenario>[0] }[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    instances.push({ label: `uniform g=0.3 seed ${seed}`, opts: { n: 6, seed } });
    instances.push({
      label: `dense g=0.6 λ=0.5 seed ${seed}`,
      opts: { n: 7, seed, competition: 'matrix', intensity: 0.6, rivalry: 0.5 },
    });
    instances.push({
      label: `uniform g=0.9 λ=1 seed ${seed}`,
      opts: { n: 5, seed, intensity: 0.9, rivalry: 1, privateGain: 0.1 },
    });
  }
  it('holds on 18 seeded random instances, sustainable or not', () => {
    const statuses = new Set<string>();
    for (const { label, opts } of instances) {
      const m = welfareSharing(randomScenario(opts), { searchCoalition: false });
      const p = propertyReport(m);
      statuses.add(m.status);
      expect(p.holds, `${label}: ${JSON.stringify(p)}`).toBe(true);
      expect(m.budgetBalance, label).toBeLessThanOrEqual(1e-9);
      expect(m.efficiency, label).toBeGreaterThanOrEqual(0.999);
      if (m.sustainable) {
        expect(p.floors.status, label).toBe('pass');
        expect(p.participation.status, label).toBe('pass');
      } else {
        expect(m.deficit, label).toBeGreaterThan(0);
        expect(p.floors.status, label).toBe('infeasible');
      }
    }
    expect(statuses.has('sustainable')).toBe(true);
  });
});

describe('the allocation rule', () => {
  it('payoffs are floors plus θ·S by Shapley and (1 − θ)·S by competition loss; shares ∝ market value', () => {
    const s = example('banks-dense');
    const m = welfareSharing(s, { contributionWeight: 0.3 });
    expect(m.status).toBe('sustainable');
    const a = m.analysis;
    const S = a.optimum.socialWelfare - sum(a.floors);
    expectClose([m.surplus], [S], { rtol: 1e-12 });
    const shPos = Array.from(a.shapley.values, (v) => Math.max(v, 0));
    const cPos = Array.from(a.compensation, (v) => Math.max(v, 0));
    const expected = a.floors.map((f, i) => f + S * (0.3 * (shPos[i] / sum(shPos)) + 0.7 * (cPos[i] / sum(cPos))));
    expectClose(m.payoffs, expected, { rtol: 1e-9 });
    expectClose(
      m.shares,
      s.marketValue.map((r) => r / sum(s.marketValue)),
      { rtol: 1e-12 },
    );
    expectClose([sum(m.lumpSums)], [0], { atol: 1e-9 * a.scale });
    // τ_n = s_n SW(x) − U_n(x) + b_n at x = x^opt
    const model = createGameModel(s);
    const U = utilities(model, m.x);
    const sw = socialWelfare(model, m.x);
    expectClose(
      m.transfers,
      U.map((u, i) => m.shares[i] * sw - u + m.lumpSums[i]),
      { rtol: 1e-12, atol: 1e-9 },
    );
  });

  it('the payoff π_n(x) = s_n SW(x) + b_n makes x^opt each organization’s best reply (no profitable deviation on a grid)', () => {
    const s = example('hospitals-uniform');
    const m = welfareSharing(s);
    const model = createGameModel(s);
    const payoff = (x: Float64Array, n: number) => m.shares[n] * socialWelfare(model, x) + m.lumpSums[n];
    for (let n = 0; n < s.n; n++) {
      const base = payoff(m.x, n);
      for (let k = 0; k <= 40; k++) {
        const x = Float64Array.from(m.x);
        x[n] = (model.X[n] * k) / 40;
        expect(payoff(x, n)).toBeLessThanOrEqual(base + 1e-9 * Math.abs(base));
      }
    }
  });

  it('monotone: more contribution or more competition loss never lowers the share of the surplus', () => {
    const sh = [5, 1, -2, 3];
    const c = [0.1, 0.5, 0.2, 0];
    const base = surplusSplit(10, sh, c, 0.5);
    for (let i = 0; i < 4; i++) {
      for (const bump of [0.01, 1, 100]) {
        const sh2 = sh.slice();
        sh2[i] += bump;
        const c2 = c.slice();
        c2[i] += bump;
        expect(surplusSplit(10, sh2, c, 0.5)[i]).toBeGreaterThanOrEqual(base[i]);
        expect(surplusSplit(10, sh, c2, 0.5)[i]).toBeGreaterThanOrEqual(base[i]);
      }
    }
    expectClose([sum(base)], [10], { rtol: 1e-15 });
  });

  it('rejects a mixing weight outside [0, 1] and non-positive shares', () => {
    const s = example('banks-dense');
    expect(() => welfareSharing(s, { contributionWeight: 1.5 })).toThrow(/contributionWeight/);
    expect(() => welfareSharing(s, { shares: [1, 1, 1, 0, 1, 1] })).toThrow(/shares\[3\]/);
  });
});

describe('sustainability', () => {
  it('hospitals: floors cannot all be met (Σ F > SW*) but outside options can: everyone stays, the shortfall is reported', () => {
    const m = welfareSharing(example('hospitals-uniform'));
    expect(m.sustainable).toBe(false);
    expect(m.status).toBe('floors-infeasible');
    expect(m.deficit).toBeGreaterThan(0);
    expect(m.wouldLeave).toEqual([]);
    expect(m.belowFloor.length).toBeGreaterThan(0);
    const p = propertyReport(m);
    expect(p.floors.status).toBe('infeasible');
    expect(p.participation.status).toBe('pass');
  });

  it('retailers: Σ O > SW*: who would leave is the complement of the largest sustainable coalition (exact search)', () => {
    const s = example('retailers-arms-race');
    const m = welfareSharing(s);
    expect(m.status).toBe('participation-infeasible');
    expect(m.participationDeficit).toBeGreaterThan(0);
    const lsc = m.largestSustainableCoalition!;
    expect(lsc.method).toBe('exact');
    const keep = lsc.coalition!.members;
    expect(checkCoalition(s, keep).sustainable).toBe(true);
    expect(m.wouldLeave).toEqual([0, 1, 2, 3].filter((i) => !keep.includes(i)));
    // no larger coalition is sustainable
    for (let mask = 1; mask < 16; mask++) {
      const members = [0, 1, 2, 3].filter((i) => (mask >>> i) & 1);
      if (members.length > keep.length) expect(checkCoalition(s, members).sustainable).toBe(false);
    }
    expect(propertyReport(m).participation.status).toBe('infeasible');
  });

  it('greedy search beyond 12 organizations returns a sustainable, maximal coalition', () => {
    const s = randomScenario({ n: 14, seed: 3, intensity: 0.9, rivalry: 1, privateGain: 0.1 });
    const found = largestSustainableCoalition(s);
    expect(found.method).toBe('greedy');
    const c = found.coalition!;
    expect(c.sustainable).toBe(true);
    for (let j = 0; j < 14; j++) {
      if (c.members.includes(j)) continue;
      const bigger = [...c.members, j].sort((a, b) => a - b);
      expect(checkCoalition(s, bigger).sustainable).toBe(false);
    }
  });
});

describe('comparators', () => {
  it('are budget-balanced, play x^NE, and the mechanism keeps at least as many organizations', () => {
    for (const name of EXAMPLES) {
      const s = example(name);
      const m = welfareSharing(s, {}, solveGame(s));
      const out = compareSchemes(m.analysis, m);
      const W = m.analysis.equilibrium.socialWelfare;
      for (const k of ['none', 'marginal', 'shapley'] as const) {
        expectClose([sum(out[k].payoffs)], [W], { rtol: 1e-9 });
        expect(out[k].socialWelfare).toBe(W);
      }
      expect(out.mechanism.socialWelfare).toBeGreaterThanOrEqual(W);
      expect(out.mechanism.participants).toBeGreaterThanOrEqual(out.none.participants);
    }
  });

  it('the JSON block has every field the issue names', () => {
    const j = mechanismToJSON(welfareSharing(example('banks-dense')));
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
      expect(j).toHaveProperty(key);
    }
    expect(j.shapley.values).toHaveLength(6);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('rounds', () => {
  it('departures cascade under the comparators; the mechanism retains at least as many; reproducible', () => {
    const s = example('hospitals-uniform');
    const r = simulateRounds(s, { rounds: 4 });
    for (const k of ['none', 'marginal', 'shapley', 'mechanism'] as const) {
      const recs = r.records[k];
      expect(recs).toHaveLength(4);
      for (let t = 1; t < 4; t++) {
        expect(recs[t].retention).toBeLessThanOrEqual(recs[t - 1].retention);
        expectClose([recs[t].cumulativeWelfare], [recs[t - 1].cumulativeWelfare + recs[t].welfare], { rtol: 1e-12 });
      }
    }
    expect(r.records.mechanism[3].retention).toBe(1);
    expect(r.records.none[0].leavers.length).toBeGreaterThan(0);
    expect(r.records.mechanism[3].cumulativeWelfare).toBeGreaterThan(r.records.none[3].cumulativeWelfare);
    const again = simulateRounds(s, { rounds: 4 });
    expect(again.records.shapley.map((x) => x.welfare)).toEqual(r.records.shapley.map((x) => x.welfare));
  });
});
