/**
 * Shapley values (issue 4's targets), measured in one run:
 * - `shapley::exact-js:n=20` — all 2^20 coalition optima (Gray-code order, warm-started aggregative solves) and the
 *   exact weighted sum, on the JS reference kernel (src/incentive/coalition-values.ts); coalition solves per second
 *   and Newton passes per solve beside it. The issue's target is native ≥ 10× this; the native and WGSL
 *   coalition-value kernels are not built yet, so this suite measures the JS path alone and says so.
 * - `shapley::monte-carlo-js:n=1000` — antithetic permutation sampling until Σ SE_n / |v(N)| ≤ 1 % (target), with
 *   the permutations it took and the relative standard errors reached.
 * Setup (scenario generation, model building) stays outside the timed region.
 */
import { createGameModel, randomScenario } from '../src/game/index.js';
import { coalitionGame, monteCarloShapley, shapleyValues, symmetryClasses } from '../src/incentive/index.js';
import type { BenchResult } from './harness.js';
import type { Suite } from './suite.js';

function timeBest<T>(runs: number, f: () => T): { best: number; mean: number; samples: number; last: T } {
  const times: number[] = [];
  let last!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    last = f();
    times.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...times), mean: times.reduce((a, b) => a + b, 0) / times.length, samples: runs, last };
}

export const shapleySuite: Suite = {
  name: 'shapley',
  help: `shapley [--exact 20] [--mc 1000] [--target 0.01] [--runs 3]
    Exact Shapley values over all 2^N coalitions (JS reference kernel; native/WGSL kernels not built yet) and
    Monte-Carlo Shapley at N = 1000 to 1 % relative standard error on the total.`,
  options: {
    exact: { type: 'string', default: '20' },
    mc: { type: 'string', default: '1000' },
    target: { type: 'string', default: '0.01' },
    runs: { type: 'string', default: '3' },
  },
  async run(values, log) {
    const runs = Number(values.runs);
    const results: BenchResult[] = [];
    const rows: (string | number)[][] = [];
    const summary: Record<string, number | string> = {};

    const nExact = Number(values.exact);
    const exactModel = createGameModel(randomScenario({ n: nExact, seed: 3 }));
    const ex = timeBest(runs, () => shapleyValues(exactModel, { exactLimit: 26 }));
    const st = ex.last.coalitionStats;
    const name = `shapley::exact-js:n=${nExact}`;
    results.push({ name, meanMs: ex.mean * 1e3, rmePercent: 0, samples: ex.samples });
    rows.push([
      name,
      ex.best * 1e3,
      ex.mean * 1e3,
      `${st.solves} coalitions, ${(st.solves / ex.best / 1e6).toFixed(3)} M/s, ${(st.passes / st.solves).toFixed(2)} passes each, worst KKT ${st.worstKkt.toExponential(1)}`,
    ]);
    log(`  ${name}: best ${(ex.best * 1e3).toFixed(0)} ms`);
    summary[`${name} coalitions per second`] = st.solves / ex.best;
    summary[`shapley::exact native / js`] = 'native coalition-value kernel not built yet: no ratio measured';

    const nMc = Number(values.mc);
    const target = Number(values.target);
    const mcModel = createGameModel(randomScenario({ n: nMc, seed: 3 }));
    const game = coalitionGame(mcModel);
    const classes = symmetryClasses(mcModel);
    const mc = timeBest(Math.max(1, Math.min(runs, 2)), () =>
      monteCarloShapley(game, classes, { seed: 1, targetRelativeError: target }),
    );
    const r = mc.last;
    const mcName = `shapley::monte-carlo-js:n=${nMc}`;
    results.push({ name: mcName, meanMs: mc.mean * 1e3, rmePercent: 0, samples: mc.samples });
    rows.push([
      mcName,
      mc.best * 1e3,
      mc.mean * 1e3,
      `${r.permutations} permutations, ΣSE/|v(N)| = ${(100 * r.relativeStandardError).toFixed(3)} %, ‖SE‖₂/|v(N)| = ${(100 * r.relativeStandardErrorRms).toFixed(4)} % (target ${100 * target} %)`,
    ]);
    log(`  ${mcName}: best ${(mc.best * 1e3).toFixed(0)} ms, ${r.permutations} permutations`);
    summary[`${mcName} relative SE on the total (Σ SE_n / |v(N)|)`] = r.relativeStandardError;
    summary[`${mcName} permutations`] = r.permutations;
    summary[`${mcName} target met`] = r.relativeStandardError <= target ? 'yes' : 'no';
    return { results, summary, table: { headers: ['run', 'best (ms)', 'mean (ms)', 'note'], rows } };
  },
};
