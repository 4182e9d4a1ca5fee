/**
 * Shapley values (targets in docs/benchmarks.md), measured in one run:
 * - `shapley::exact-js:n=20` — all 2^20 coalition optima (Gray-code order, warm-started aggregative solves) and the
 *   exact weighted sum, on the JS reference kernel (src/incentive/coalition-values.ts); coalition solves per second
 *   and Newton passes per solve beside it.
 * - `shapley::exact-native:n=20` — the same through `shapleyValues(model, { engine })` on the native backend (the
 *   coalition-value kernel on every core, Gray-code blocks with warm starts, off the main thread); the target
 *   is native ≥ 10× JS, reported as the ratio of best times, with the largest Shapley-value difference to JS.
 * - `shapley::exact-webgpu:n=20` — the same on the WebGPU backend (float32, one invocation per coalition), reported
 *   only, with its adapter; skipped when there is no adapter.
 * - `shapley::monte-carlo-js:n=1000` — antithetic permutation sampling until Σ SE_n / |v(N)| ≤ 1 % (target), with
 *   the permutations it took and the relative standard errors reached.
 * Setup (scenario generation, model building) stays outside the timed region.
 */
import { createGameModel, randomScenario } from '../src/game/index.js';
import { coalitionGame, monteCarloShapley, shapleyValues, symmetryClasses } from '../src/incentive/index.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { loadAddon } from '../bindings/addon.js';
import { probeGpu } from '../bindings/dawn.js';
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

async function timeBestAsync<T>(
  runs: number,
  f: () => Promise<T>,
): Promise<{ best: number; mean: number; samples: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    last = await f();
    times.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...times), mean: times.reduce((a, b) => a + b, 0) / times.length, samples: runs, last };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export const shapleySuite: Suite = {
  name: 'shapley',
  help: `shapley [--exact 20] [--mc 1000] [--target 0.01] [--runs 3]
    Exact Shapley values over all 2^N coalitions on the JS reference, native and WebGPU coalition-value kernels (target:
    native ≥ 10× JS) and Monte-Carlo Shapley at N = 1000 to 1 % relative standard error on the total.`,
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

    const scale = ex.last.values.reduce((a, b) => a + Math.abs(b), 0);
    const onEngine = async (backend: 'native' | 'webgpu', engine: Engine, engineRuns: number): Promise<number> => {
      // One untimed call first: pipeline compilation, thread-pool start.
      await shapleyValues(exactModel, { exactLimit: 26, engine });
      const t = await timeBestAsync(engineRuns, () => shapleyValues(exactModel, { exactLimit: 26, engine }));
      const s = t.last.coalitionStats;
      const bname = `shapley::exact-${backend}:n=${nExact}`;
      const diff = maxAbsDiff(t.last.values, ex.last.values);
      results.push({ name: bname, meanMs: t.mean * 1e3, rmePercent: 0, samples: t.samples });
      rows.push([
        bname,
        t.best * 1e3,
        t.mean * 1e3,
        `${s.solves} coalitions, ${(s.solves / t.best / 1e6).toFixed(3)} M/s, ${(ex.best / t.best).toFixed(1)}× js, max |Δφ| vs js ${(diff / scale).toExponential(1)} of Σ|φ| on ${engine.info().device}`,
      ]);
      log(`  ${bname}: best ${(t.best * 1e3).toFixed(0)} ms (${(ex.best / t.best).toFixed(1)}× js)`);
      summary[`${bname} max |Δφ| / Σ|φ| vs js`] = diff / scale;
      return t.best;
    };
    if (loadAddon().ok) {
      const engine = await createEngine({ backend: 'native' });
      try {
        const best = await onEngine('native', engine, runs);
        summary['shapley::exact native / js (best times; target ≥ 10)'] = ex.best / best;
        summary['shapley::exact native threads'] = Number(engine.info().details.threads);
        summary['shapley::exact native target met'] = ex.best / best >= 10 ? 'yes' : 'no';
      } finally {
        engine.dispose();
      }
    } else {
      summary['shapley::exact native / js (best times; target ≥ 10)'] = 'native addon not built: no ratio measured';
    }
    const gpu = await probeGpu();
    if (gpu.available) {
      const engine = await createEngine({ backend: 'webgpu' });
      try {
        const best = await onEngine('webgpu', engine, 1);
        summary['shapley::exact webgpu / js (best times; reported only)'] = ex.best / best;
      } finally {
        engine.dispose();
      }
    } else {
      summary['shapley::exact webgpu'] = `no WebGPU adapter (${gpu.reason}): not measured`;
    }

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
