/**
 * The game solver at scale (targets in docs/benchmarks.md), measured in one run:
 * - `solve::equilibrium:N=10^6` — the aggregative solver on uniform competition, to KKT ≤ 1e-9;
 * - `solve::equilibrium:N=10^5` beside `solve::scipy-lbfgsb:N=10^5` (L-BFGS-B on −Φ with box bounds and the exact
 *   gradient, run when python3 with scipy is present) and the whole `cocogen solve` command on the same instance,
 *   parsing and output included. The KKT residual each reaches is measured by the engine's own definition.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aggregatesAt,
  createGameModel,
  kktResidual,
  potentialObjective,
  randomScenario,
  scenarioToJSON,
  solveEquilibrium,
  type Scenario,
} from '../src/game/index.js';
import type { BenchResult } from './harness.js';
import type { Suite } from './suite.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench → repo root

function timeBest(runs: number, f: () => void): { best: number; mean: number; samples: number } {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    times.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...times), mean: times.reduce((a, b) => a + b, 0) / times.length, samples: runs };
}

function kktOf(scenario: Scenario, x: Float64Array): number {
  const model = createGameModel(scenario);
  const { D, Q } = aggregatesAt(model.d, model.s, x);
  return kktResidual(potentialObjective(model), x, D, Q);
}

function runScipy(
  scenario: Scenario,
): { seconds: number; kkt: number; iterations: number; message: string } | { skipped: string } {
  const probe = spawnSync('python3', ['-c', 'import scipy, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: 'python3 with scipy is not available' };
  const model = createGameModel(scenario);
  const folder = mkdtempSync(join(tmpdir(), 'cocogen-lbfgsb-'));
  try {
    const obj = potentialObjective(model);
    const arrays: Record<string, Float64Array> = { d: model.d, s: model.s, m: obj.m, e: obj.e, X: model.X };
    for (const [name, a] of Object.entries(arrays))
      writeFileSync(join(folder, `${name}.f64`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    writeFileSync(join(folder, 'meta.json'), JSON.stringify({ n: model.n, ...model.curve }));
    const r = spawnSync('python3', [join(ROOT, 'bench', 'lbfgsb.py'), folder], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) return { skipped: `scipy run failed: ${r.stderr.slice(-500)}` };
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      seconds: number;
      iterations: number;
      message: string;
    };
    const xb = readFileSync(join(folder, 'x.f64'));
    const x = new Float64Array(xb.buffer, xb.byteOffset, model.n);
    return { ...out, kkt: kktOf(scenario, Float64Array.from(x)) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const gameSuite: Suite = {
  name: 'game',
  help: `game [--large 1000000] [--medium 100000] [--runs 5]
    The aggregative equilibrium solver at N = 10^6 and at N = 10^5 beside scipy's L-BFGS-B and the whole
    \`cocogen solve\` command (uniform competition; KKT residuals reported).`,
  options: {
    large: { type: 'string', default: '1000000' },
    medium: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
  },
  async run(values, log) {
    const runs = Number(values.runs);
    const results: BenchResult[] = [];
    const rows: (string | number)[][] = [];
    const summary: Record<string, number | string> = {};
    const add = (name: string, t: { best: number; mean: number; samples: number }, kkt: number | string, note = '') => {
      results.push({ name, meanMs: t.mean * 1e3, rmePercent: 0, samples: t.samples });
      rows.push([name, t.best * 1e3, t.mean * 1e3, typeof kkt === 'number' ? kkt.toExponential(2) : kkt, note]);
      log(
        `  ${name}: best ${(t.best * 1e3).toFixed(1)} ms, KKT ${typeof kkt === 'number' ? kkt.toExponential(2) : kkt}`,
      );
    };

    for (const n of [Number(values.large), Number(values.medium)]) {
      const scenario = randomScenario({ n, seed: 7 }); // uniform competition g = 0.3: every w_n > 0, a potential game
      let sol = solveEquilibrium(scenario);
      const t = timeBest(runs, () => (sol = solveEquilibrium(scenario)));
      add(`solve::equilibrium:N=${n}`, t, sol.kktResidual, `${sol.iterations} iterations, converged ${sol.converged}`);
      summary[`solve::equilibrium:N=${n} KKT`] = sol.kktResidual;
      if (n !== Number(values.medium)) continue;

      const scipy = runScipy(scenario);
      if ('skipped' in scipy) {
        rows.push([`solve::scipy-lbfgsb:N=${n}`, '', '', '', scipy.skipped]);
        log(`  scipy skipped: ${scipy.skipped}`);
      } else {
        add(
          `solve::scipy-lbfgsb:N=${n}`,
          { best: scipy.seconds, mean: scipy.seconds, samples: 1 },
          scipy.kkt,
          `${scipy.iterations} iterations: ${scipy.message}`,
        );
        summary[`solve::equilibrium:N=${n} speedup over scipy L-BFGS-B`] = scipy.seconds / t.best;
        summary[`solve::scipy-lbfgsb:N=${n} KKT`] = scipy.kkt;
      }

      // The whole command a user runs: node start-up, reading and validating the file, solving, printing JSON.
      const folder = mkdtempSync(join(tmpdir(), 'cocogen-solve-'));
      try {
        const file = join(folder, 'scenario.json');
        writeFileSync(file, JSON.stringify(scenarioToJSON(scenario)));
        const cli = join(ROOT, 'bin', 'cocogen.js');
        let ok = true;
        const tc = timeBest(Math.min(runs, 3), () => {
          const r = spawnSync(process.execPath, [cli, 'solve', file, '--json', '--no-outside-options'], {
            encoding: 'utf8',
            maxBuffer: 1 << 28,
          });
          ok &&= r.status === 0;
        });
        if (ok) {
          add(`solve::cocogen-cli:N=${n}`, tc, '', 'whole command: start-up, parse, solve, baselines, JSON output');
          if (!('skipped' in scipy))
            summary[`cocogen solve (whole command) / scipy L-BFGS-B time, N=${n}`] = tc.best / scipy.seconds;
        } else {
          rows.push([`solve::cocogen-cli:N=${n}`, '', '', '', 'the solve command failed']);
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    return { results, summary, table: { headers: ['run', 'best (ms)', 'mean (ms)', 'KKT residual', 'note'], rows } };
  },
};
