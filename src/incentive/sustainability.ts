/**
 * Sustainability of a federation (DESIGN §4): a coalition S is sustainable when a budget-balanced mechanism can hold
 * every member at its floor, i.e. Σ_{n∈S} F^S_n ≤ v(S) (within 1e-9·Σ|U|), where v(S) is S's optimal welfare
 * training alone and F^S_n = max(O^S_n, U^S_n(x^NE_S)) are the floors in S's own game (sub-scenario.ts: competition
 * among the members only, as in the coalition game). For S = N this is the mechanism's own test. A single
 * organization is always sustainable (its floor is its standalone optimum), so a largest sustainable coalition
 * always exists.
 *
 * Search for the largest one:
 * - exact for N ≤ 12: sizes N−1, N−2, … in turn, every coalition of that size, stopping at the first size that has
 *   a sustainable coalition (the one with the largest margin v(S) − ΣF^S wins among them);
 * - greedy for 12 < N ≤ 200: from N, while S is not sustainable remove the member with the largest shortfall
 *   F^S_n − [v(S) − v(S∖n)] (floor above leave-one-out contribution); then add removed organizations back, in
 *   passes, whenever the larger coalition is still sustainable, until a pass adds none. Guarantee: the result is
 *   sustainable (checked) and maximal — adding any one excluded organization makes it unsustainable — but not
 *   necessarily the largest;
 * - not searched beyond 200 (each test solves the coalition's equilibrium, optimum and |S| outside options).
 */
import { createGameModel, outsideOptions, solveEquilibrium, solveOptimum, type Scenario } from '../game/index.js';
import { CoalitionSolver, coalitionGame } from './coalition-values.js';
import { restrictScenario } from './sub-scenario.js';
import { checkScenario } from '../game/scenario.js';
import { invalidArgument } from '../core/errors.js';
import { isTolerance, TOLERANCE_RULE } from '../util/options.js';

function checkTolerance(tolerance: unknown): asserts tolerance is number {
  if (!(typeof tolerance === 'number' && isTolerance(tolerance)))
    throw invalidArgument('tolerance', TOLERANCE_RULE, tolerance);
}

export interface CoalitionCheck {
  /** Member indices (into the full scenario), ascending. */
  members: number[];
  /** v(S) = S's optimal welfare. */
  socialWelfare: number;
  /** Σ F^S_n */
  floorSum: number;
  /** Σ O^S_n */
  outsideSum: number;
  /** v(S) − Σ F^S_n */
  margin: number;
  sustainable: boolean;
  /** F^S_n per member. */
  floors: Float64Array;
}

export interface LargestCoalition {
  /** 'exact' (N ≤ 12), 'greedy' (N ≤ 200, maximal but not proven largest), 'not-searched' (beyond). */
  method: 'exact' | 'greedy' | 'not-searched';
  /** The coalition found, or null when not searched. */
  coalition: CoalitionCheck | null;
  /** Coalitions tested. */
  tested: number;
}

export const EXACT_SEARCH_LIMIT = 12;
export const GREEDY_SEARCH_LIMIT = 200;

/**
 * Checks one coalition (members ascending) by solving its own game.
 * @example checkCoalition(scenario, [0, 1, 3], 1e-9).sustainable
 */
export function checkCoalition(scenario: Scenario, members: number[], tolerance = 1e-9): CoalitionCheck {
  checkTolerance(tolerance);
  const sub = restrictScenario(scenario, members);
  const model = createGameModel(sub);
  const eq = solveEquilibrium(model, { tolerance });
  const opt = solveOptimum(model, { tolerance, start: eq.x });
  const O = outsideOptions(model, eq.x, { tolerance }).values;
  const floors = new Float64Array(members.length);
  let floorSum = 0;
  let outsideSum = 0;
  let scale = 0;
  for (let k = 0; k < members.length; k++) {
    floors[k] = Math.max(O[k], eq.utilities[k]);
    floorSum += floors[k];
    outsideSum += O[k];
    scale += Math.abs(opt.utilities[k]) + Math.abs(floors[k]);
  }
  const margin = opt.socialWelfare - floorSum;
  return {
    members,
    socialWelfare: opt.socialWelfare,
    floorSum,
    outsideSum,
    margin,
    sustainable: margin >= -1e-9 * Math.max(scale, 1),
    floors,
  };
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * The largest sustainable coalition (module comment for the method), given that the grand coalition is not.
 * @example largestSustainableCoalition(scenario).coalition?.members
 */
export function largestSustainableCoalition(scenario: Scenario, tolerance = 1e-9): LargestCoalition {
  checkScenario(scenario);
  checkTolerance(tolerance);
  const N = scenario.n;
  let tested = 0;
  if (N <= EXACT_SEARCH_LIMIT) {
    for (let k = N; k >= 1; k--) {
      let best: CoalitionCheck | null = null;
      for (const members of combinations(N, k)) {
        const c = checkCoalition(scenario, members, tolerance);
        tested++;
        if (c.sustainable && (!best || c.margin > best.margin)) best = c;
      }
      if (best) return { method: 'exact', coalition: best, tested };
    }
    return { method: 'exact', coalition: null, tested };
  }
  if (N > GREEDY_SEARCH_LIMIT) return { method: 'not-searched', coalition: null, tested };

  const game = coalitionGame(createGameModel(scenario));
  const solver = new CoalitionSolver(game, { tolerance });
  let members = Array.from({ length: N }, (_, i) => i);
  const removed: number[] = [];
  let check = checkCoalition(scenario, members, tolerance);
  tested++;
  while (!check.sustainable && members.length > 1) {
    solver.clear();
    for (const i of members) solver.add(i);
    const vS = solver.value();
    let worst = -1;
    let worstShort = -Infinity;
    members.forEach((i, k) => {
      solver.remove(i);
      const short = check.floors[k] - (vS - solver.value());
      solver.add(i);
      if (short > worstShort) {
        worstShort = short;
        worst = i;
      }
    });
    members = members.filter((i) => i !== worst);
    removed.push(worst);
    check = checkCoalition(scenario, members, tolerance);
    tested++;
  }
  for (let added = true; added;) {
    added = false;
    for (let r = removed.length - 1; r >= 0; r--) {
      const trial = [...members, removed[r]].sort((a, b) => a - b);
      const c = checkCoalition(scenario, trial, tolerance);
      tested++;
      if (c.sustainable) {
        members = trial;
        check = c;
        removed.splice(r, 1);
        added = true;
      }
    }
  }
  return { method: 'greedy', coalition: check, tested };
}
