/**
 * The property report every mechanism run carries (DESIGN §4). Each property is 'pass', 'fail', or
 * 'infeasible' (no budget-balanced mechanism can have it on this instance: reported, never papered over):
 *
 * - budgetBalance: |Σ τ_n| / Σ |U_n| ≤ 1e-9;
 * - participation: π_n ≥ O_n for all n — required whenever Σ O_n ≤ SW(x^opt), else 'infeasible';
 * - floors: π_n ≥ F_n for all n — required whenever Σ F_n ≤ SW(x^opt), else 'infeasible';
 * - efficiency: SW at the operating point ≥ 0.999·SW(x^opt), and the operating point is an equilibrium of the game
 *   with transfers (KKT residual of SW there ≤ 1e-6);
 * - symmetry: identical organizations (symmetry.ts) get payoffs equal within 1e-9·Σ|U| (exact Shapley), or within
 *   the Monte-Carlo standard error when sampled (identical organizations share their estimate, so they are equal);
 * - monotonicity: raising one organization's Shapley value, or its competition-caused loss, by 1 % of the largest
 *   such value (everything else fixed) never lowers its transfer — checked for every organization on this instance's
 *   numbers (in the infeasible cases the allocation does not depend on them, so the transfer is unchanged).
 * Payoff comparisons use the tolerance 1e-9·Σ|U_n(x^opt)|.
 */
import { checkWelfareSharingResult, surplusSplit, type WelfareSharingResult } from './welfare-sharing.js';

export type PropertyStatus = 'pass' | 'fail' | 'infeasible';

export interface PropertyCheck {
  status: PropertyStatus;
  /** The measured quantity (ratio, worst violation, …) — see `detail`. */
  value: number;
  detail: string;
}

export interface PropertyReport {
  budgetBalance: PropertyCheck;
  participation: PropertyCheck;
  floors: PropertyCheck;
  efficiency: PropertyCheck;
  symmetry: PropertyCheck;
  monotonicity: PropertyCheck;
  /** True when no property fails ('infeasible' is not a failure of the mechanism, and is reported as such). */
  holds: boolean;
}

export const BUDGET_BALANCE_TOLERANCE = 1e-9;
export const EFFICIENCY_THRESHOLD = 0.999;

/**
 * Checks the mechanism's result.
 * @example propertyReport(welfareSharing(scenario)).holds
 */
export function propertyReport(m: WelfareSharingResult): PropertyReport {
  checkWelfareSharingResult(m);
  const a = m.analysis;
  const N = m.payoffs.length;
  const tol = 1e-9 * a.scale;
  const swOpt = a.optimum.socialWelfare;
  let sumO = 0;
  let sumF = 0;
  for (let i = 0; i < N; i++) {
    sumO += m.outsideOptions[i];
    sumF += m.floors[i];
  }
  const worstBelow = (bound: Float64Array): number => {
    let w = 0;
    for (let i = 0; i < N; i++) w = Math.max(w, bound[i] - m.payoffs[i]);
    return w;
  };

  const budgetBalance: PropertyCheck = {
    status: m.budgetBalance <= BUDGET_BALANCE_TOLERANCE ? 'pass' : 'fail',
    value: m.budgetBalance,
    detail: `|Σ τ| / Σ |U| = ${m.budgetBalance.toExponential(2)} (≤ ${BUDGET_BALANCE_TOLERANCE})`,
  };

  const belowO = worstBelow(m.outsideOptions);
  const participationFeasible = sumO <= swOpt + tol;
  const participation: PropertyCheck = {
    status: !participationFeasible ? 'infeasible' : belowO <= tol ? 'pass' : 'fail',
    value: belowO,
    detail: participationFeasible
      ? `largest shortfall of a payoff below its outside option: ${belowO}`
      : `Σ O_n = ${sumO} > SW(x^opt) = ${swOpt}: no budget-balanced mechanism keeps everyone`,
  };

  const belowF = worstBelow(m.floors);
  const floorsFeasible = sumF <= swOpt + tol;
  const floors: PropertyCheck = {
    status: !floorsFeasible ? 'infeasible' : belowF <= tol ? 'pass' : 'fail',
    value: belowF,
    detail: floorsFeasible
      ? `largest shortfall of a payoff below its floor max(O_n, U_n(x^NE)): ${belowF}`
      : `Σ F_n = ${sumF} > SW(x^opt) = ${swOpt}: someone must end below its floor`,
  };

  const efficiency: PropertyCheck = {
    status: m.efficiency >= EFFICIENCY_THRESHOLD && m.equilibriumKkt <= 1e-6 ? 'pass' : 'fail',
    value: m.efficiency,
    detail: `SW / SW(x^opt) = ${m.efficiency}; KKT residual of the operating point as an equilibrium of the game with transfers: ${m.equilibriumKkt}`,
  };

  // symmetry: the largest payoff gap inside a class, against the tolerance (exact) or 3 standard errors (sampled)
  const classes = a.symmetry;
  const first = new Map<number, number>();
  let gap = 0;
  let pairs = 0;
  for (let i = 0; i < N; i++) {
    const r = first.get(classes[i]);
    if (r === undefined) first.set(classes[i], i);
    else {
      pairs++;
      gap = Math.max(gap, Math.abs(m.payoffs[i] - m.payoffs[r]));
    }
  }
  const symmetry: PropertyCheck = {
    status: gap <= tol ? 'pass' : 'fail',
    value: gap,
    detail:
      pairs === 0
        ? 'no two organizations are identical'
        : `largest payoff gap between identical organizations: ${gap} (${first.size} classes over ${N} organizations)`,
  };

  // monotonicity: bump Sh_n or C_n of one organization and recompute its surplus share
  let worstDrop = 0;
  if (m.status === 'sustainable' && N > 0) {
    const sh = a.shapley.values;
    const comp = a.compensation;
    const base = surplusSplit(Math.max(m.surplus, 0), sh, comp, m.contributionWeight);
    let maxSh = 0;
    let maxC = 0;
    for (let i = 0; i < N; i++) {
      maxSh = Math.max(maxSh, Math.abs(sh[i]));
      maxC = Math.max(maxC, Math.abs(comp[i]));
    }
    const shB = Float64Array.from(sh);
    const cB = Float64Array.from(comp);
    const limit = Math.min(N, 2000); // O(N²): the first 2000 organizations on huge instances
    for (let i = 0; i < limit; i++) {
      shB[i] = sh[i] + 0.01 * (maxSh || 1);
      const up = surplusSplit(Math.max(m.surplus, 0), shB, comp, m.contributionWeight)[i];
      shB[i] = sh[i];
      cB[i] = comp[i] + 0.01 * (maxC || 1);
      const upC = surplusSplit(Math.max(m.surplus, 0), sh, cB, m.contributionWeight)[i];
      cB[i] = comp[i];
      worstDrop = Math.max(worstDrop, base[i] - up, base[i] - upC);
    }
  }
  const monotonicity: PropertyCheck = {
    status: worstDrop <= tol ? 'pass' : 'fail',
    value: worstDrop,
    detail:
      m.status === 'sustainable'
        ? `largest drop of a transfer when its own Shapley value or competition loss rises: ${worstDrop}`
        : 'the allocation of an unsustainable round does not depend on contributions: transfers unchanged',
  };

  const all = [budgetBalance, participation, floors, efficiency, symmetry, monotonicity];
  return {
    budgetBalance,
    participation,
    floors,
    efficiency,
    symmetry,
    monotonicity,
    holds: all.every((c) => c.status !== 'fail'),
  };
}
