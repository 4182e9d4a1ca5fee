/**
 * Outside options O_n (DESIGN §3.3): n leaves; the others train together on N∖{n} at their own equilibrium, each
 * keeping its full coefficient a_m; n trains alone at its own best amount; every pairwise term stays:
 *
 *   O_n = max_{x_n} { a_n [P_{n}(x_n) + g_n(x_n)] − c_n x_n } − Σ_{m≠n} γ_nm ρ_m [P_{N∖n}(x*_{−n}) + g_m(x*_m)].
 *
 * In the sub-game on N∖{n}, m's own amount moves P_{N∖n} and g_m only; the term γ_mn ρ_n q_n (n's model, trained
 * alone) does not depend on x_m, so m's potential weight there is w_m + γ_mn ρ_n (its harm from the members left).
 * The sub-game equilibrium is solved like the full one (potential maximization, or best-response dynamics when
 * some weight is ≤ 0), warm-started from the full game's aggregates. Cost: one O(N) solve per organization, so
 * O(N²) in all.
 */
import { maximizeAggregative } from '../numeric/aggregative-solver.js';
import { competitionEntry } from './competition.js';
import { aggregatesAt } from '../numeric/aggregates.js';
import { performance } from '../numeric/learning-curve.js';
import type { GameModel } from './model.js';
import { privateGain } from './private-gain.js';
import { equilibriumAmounts, type EquilibriumOptions } from './solve-equilibrium.js';

export interface OutsideOptionsResult {
  /** O_n for every n. */
  values: Float64Array;
  /** The amount each n would generate alone. */
  standaloneAmounts: Float64Array;
  /** Whether every standalone problem and every sub-game equilibrium met the tolerance. */
  converged: boolean;
  /** Largest KKT residual over the sub-problems. */
  kktResidual: number;
}

/** The value a_n [P_{n}(x) + g_n(x)] − c_n x of n training alone at its best amount x. */
export function standaloneValue(
  model: GameModel,
  n: number,
  tolerance = 1e-9,
): { x: number; value: number; kktResidual: number } {
  const members = Int32Array.of(n);
  const m = new Float64Array(model.n);
  m[n] = model.a[n] * model.mu[n];
  const sol = maximizeAggregative(
    { curve: model.curve, d: model.d, s: model.s, X: model.X, alpha: model.a[n], m, e: model.c, members },
    { tolerance },
  );
  const x = sol.x[n];
  const P = performance(model.curve, model.d[n] + x, model.s[n] / (model.d[n] + x));
  return {
    x,
    value: model.a[n] * (P + privateGain(model.mu[n], model.d[n], x)) - model.c[n] * x,
    kktResidual: sol.kktResidual,
  };
}

/**
 * O_n for every organization (O(N²) overall).
 * @example const { values } = outsideOptions(createGameModel(scenario), eq.x);
 * @param warm the full game's equilibrium amounts, used to warm-start each sub-game (optional)
 */
export function outsideOptions(
  model: GameModel,
  warm?: Float64Array,
  options: EquilibriumOptions = {},
): OutsideOptionsResult {
  const N = model.n;
  const tol = options.tolerance ?? 1e-9;
  const values = new Float64Array(N);
  const standaloneAmounts = new Float64Array(N);
  const comp = model.scenario.competition;
  const full = warm ? aggregatesAt(model.d, model.s, warm) : undefined;
  let converged = true;
  let worst = 0;
  const members = new Int32Array(Math.max(N - 1, 0));
  const w = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const alone = standaloneValue(model, n, tol);
    standaloneAmounts[n] = alone.x;
    worst = Math.max(worst, alone.kktResidual);
    if (!(alone.kktResidual <= tol)) converged = false;
    let harm = 0;
    if (N > 1) {
      for (let k = 0, m = 0; m < N; m++) if (m !== n) members[k++] = m;
      for (let m = 0; m < N; m++) w[m] = m === n ? 1 : model.w[m] + competitionEntry(comp, N, m, n) * model.rho[n];
      const initial =
        full && warm
          ? { D: full.D - (model.d[n] + warm[n]), Q: full.Q - model.s[n] / (model.d[n] + warm[n]) }
          : undefined;
      const sub = equilibriumAmounts(model, options, members, w, initial);
      worst = Math.max(worst, sub.kktResidual);
      if (!sub.converged) converged = false;
      const agg = aggregatesAt(model.d, model.s, sub.x, members);
      const P = performance(model.curve, agg.D, agg.Q);
      for (let m = 0; m < N; m++) {
        if (m === n) continue;
        const gam = competitionEntry(comp, N, n, m);
        if (gam !== 0) harm += gam * model.rho[m] * (P + privateGain(model.mu[m], model.d[m], sub.x[m]));
      }
    }
    values[n] = alone.value - harm;
  }
  return { values, standaloneAmounts, converged, kktResidual: worst };
}
