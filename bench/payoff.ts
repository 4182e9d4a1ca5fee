/**
 * Payoff-matrix suite: the whole payoff-kernel path of `payoffMatrix(scenario, x, { engine })` (packing, the O(N²) dense row sums,
 * the O(N·S) grid kernel, levels) on a dense-Γ scenario, per backend, measured in one run. Setup (the scenario,
 * its equilibrium, the engines and their pipelines) stays outside the timed region.
 * Target: N = 4096 dense Γ, native ≥ 5× the JS reference. WebGPU (lavapipe on CPU-only machines) is
 * reported, not targeted.
 */
import { createEngine, type Engine } from '../src/engine/engine.js';
import { payoffMatrix, randomScenario, solveEquilibrium } from '../src/game/index.js';
import { systemInfo } from '../src/engine/system-info.js';
import { runCases, type BenchResult } from './harness.js';
import type { BenchCase } from './harness.js';
import type { Suite } from './suite.js';

export async function payoffCases(config: {
  n: number;
  s: number;
  batch: number;
  backends: string[];
}): Promise<{ cases: BenchCase[]; dispose(): void }> {
  const { n, s, batch } = config;
  const scenario = randomScenario({ n, seed: 7, competition: 'matrix', intensity: 0.5, privateGain: 0.05 });
  const x = solveEquilibrium(scenario).x;
  const scenarios = batch === 1 ? scenario : Array.from({ length: batch }, () => scenario);
  const profiles = batch === 1 ? x : Array.from({ length: batch }, () => x);
  const info = await systemInfo();
  const engines: Engine[] = [];
  const cases: BenchCase[] = [];
  const size = `N=${n},S=${s}${batch > 1 ? `,B=${batch}` : ''}`;
  for (const backend of config.backends) {
    if (backend !== 'js' && !info.backends[backend as 'native' | 'webgpu']?.available) continue;
    const engine = await createEngine({ backend: backend as 'js' | 'native' | 'webgpu' });
    engines.push(engine);
    cases.push({
      name: `payoff-matrix::${backend}:${size}`,
      // Dense row sums (2 vectors) + ~25 flops per grid point, for GFLOP/s.
      flops: batch * (4 * n * n + 25 * n * s),
      run: async () => {
        await payoffMatrix(scenarios, profiles, { engine, gridSize: s });
      },
    });
  }
  return { cases, dispose: () => engines.forEach((e) => e.dispose()) };
}

export const payoffSuite: Suite = {
  name: 'payoff',
  help: `payoff [--n 4096] [--s 64] [--batch 1] [--backends native,js,webgpu] [--quick]
    payoffMatrix on a dense-Γ scenario at its equilibrium (row sums + grid kernel), per backend, one run.`,
  options: {
    n: { type: 'string', default: '4096' },
    s: { type: 'string', default: '64' },
    batch: { type: 'string', default: '1' },
    backends: { type: 'string', default: 'native,js,webgpu' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const { cases, dispose } = await payoffCases({
      n: Number(values.n),
      s: Number(values.s),
      batch: Number(values.batch),
      backends: String(values.backends).split(','),
    });
    let results: BenchResult[];
    try {
      results = await runCases(
        cases,
        values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 },
        log,
      );
    } finally {
      dispose();
    }
    const js = results.find((r) => r.name.startsWith('payoff-matrix::js:'));
    const summary: Record<string, number> = {};
    for (const r of results) {
      if (js && r !== js) summary[`${r.name} speedup over js`] = js.meanMs / r.meanMs;
    }
    return {
      results,
      summary,
      table: {
        headers: ['run', 'mean (ms)', '± %', 'GFLOP/s', '× js'],
        rows: results.map((r) => [
          r.name,
          r.meanMs,
          r.rmePercent.toFixed(1),
          r.gflopPerSecond?.toFixed(2) ?? '',
          js ? (js.meanMs / r.meanMs).toFixed(1) : '',
        ]),
      },
    };
  },
};
