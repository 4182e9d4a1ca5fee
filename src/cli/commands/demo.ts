import { createEngine, type BackendChoice } from '../../engine/engine.js';
import { systemInfo } from '../../engine/system-info.js';
import type { BackendName } from '../../engine/backend.js';
import {
  checkServerStep,
  serverStepCase,
  type ServerStepCase,
  type ServerStepCheck,
} from '../../fl/server-step-check.js';
import { shippedCurve } from '../../fl/simulation-curve.js';
import { loadFederatedData } from '../../fl/simulation-data.js';
import { simulationResultJSON } from '../../fl/simulation-results.js';
import {
  SIMULATION_DEFAULTS,
  setUpSimulation,
  simulate,
  type SimulationConfig,
  type SimulationSetup,
  type SimulationState,
} from '../../fl/simulation.js';
import { strategyTotals } from '../../game/strategy-totals.js';
import { backendFlag, seedFlag } from '../flags.js';
import { counted, formatNumber, formatSeconds, type Io, table } from '../output.js';
import { createProgress } from '../progress.js';
import { simulationReport } from '../simulation-report.js';

export const DEMO_HELP = `cocogen demo [--backend auto|webgpu|native|js] [--seed S] [--json]
  A small end-to-end run on the shipped Fashion-MNIST subset (no download): 3 organizations with Dirichlet(0.5)
  label skew over 1,200 images, uniform competition g = 0.3, cost 2e-4 per synthetic sample. The game, on the
  learning curve calibrated on the subset, decides how much each organization generates under each strategy —
  VCFL, WCO, RaDG, the plain equilibrium and the mechanism (social optimum); each generates with PPCA fitted on
  the public split, trains softmax regression locally, FedAvg aggregates, and the global model is tested, 5
  rounds per strategy on the same seeds. Ends with a table: accuracy, generated amounts, predicted vs realized
  gain and welfare. Then the server step on each available backend: updates of an MLP 784-256-10 (203,530
  parameters) weighted by the organizations' real + synthetic samples, checked against the float64 reference.`;

/** The server-step check: an MLP 784-256-10 as in docs/design.md §5.4. */
const MODEL_PARAMETERS = 784 * 256 + 256 + 256 * 10 + 10;
const DEMO_SIMULATION = { organizations: 3, pool: 1200, cost: 2e-4, competition: 0.3, rounds: 5 };

export async function demoCommand(io: Io, values: Record<string, unknown>): Promise<number> {
  const json = Boolean(values.json);
  const requested = backendFlag(values.backend, 'auto', 'described');
  const seed = seedFlag(values.seed, '--seed', 1);
  const t0 = performance.now();
  const { state, setup, backend: simBackend } = await runSimulation(io, requested, seed);
  const simulationSeconds = (performance.now() - t0) / 1000;
  const game = setup.plan.solution;

  // The server step, weighted by the data each organization trained on: real samples plus what it generated at
  // the equilibrium.
  const samples = Array.from(setup.scenario.samples, (d, n) => Math.round(d + game.equilibrium.x[n]!));
  const total = samples.reduce((a, b) => a + b, 0);
  const info = await systemInfo();
  const backends: BackendName[] =
    requested !== 'auto'
      ? [requested]
      : (['js', 'native', 'webgpu'] as const).filter((b) => info.backends[b].available);
  const rows = await checkBackends(backends, serverStepCase(samples, MODEL_PARAMETERS, seed));

  if (json) {
    const result = {
      what: 'a small simulation (the game decides, training measures), then the FedAvg server step on every backend',
      simulation: simulationResultJSON(state, { generatorSeconds: setup.generatorSeconds, seconds: simulationSeconds }),
      game: {
        potentialGame: game.potentialGame,
        kktResidual: game.equilibrium.kktResidual,
        strategies: strategyTotals(game),
      },
      model: { architecture: 'mlp 784-256-10', parameters: MODEL_PARAMETERS },
      organizations: samples.map((s, i) => ({ id: `org-${i}`, samples: s, weight: s / total })),
      seed,
      autoBackend: info.auto,
      adapter: info.backends.webgpu.available
        ? info.backends.webgpu.adapter.description || info.backends.webgpu.adapter.device
        : null,
      backends: rows,
    };
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  const organizations = setup.scenario.n;
  io.out(simulationReport(state, setup.generatorSeconds, simBackend));
  io.out(
    `(${formatSeconds(simulationSeconds)} s; equilibrium KKT residual ${formatNumber(game.equilibrium.kktResidual, 2)}.)`,
  );
  io.out('');
  io.out(
    `The server step on every backend: ${counted(organizations, 'organization')}, MLP 784-256-10 (${MODEL_PARAMETERS.toLocaleString('en-US')} parameters), seed ${seed}`,
  );
  io.out(`Real + synthetic samples per organization at the equilibrium: ${samples.join(', ')} (FedAvg weights)`);
  io.out('');
  io.out(
    table(
      ['backend', 'time (ms)', 'GB/s', 'max error vs float64 (relative)'],
      rows.map((r) => [r.backend, r.milliseconds, r.gbPerSecond, formatNumber(r.maxRelativeError, 2)]),
    ),
  );
  io.out('');
  io.out(
    `--backend auto would pick ${info.auto}. GB/s counts the ${organizations} updates read and the result written.`,
  );
  io.out('Errors are relative to max(|exact|, 1e-3·Σ_k |w_k u_k|): a float32 result is exact to about 6e-8.');
  return 0;
}

/** The demo's simulation: the game decides, training measures (docs/design.md §5), on the shipped subset. */
async function runSimulation(
  io: Io,
  backend: BackendChoice,
  seed: number,
): Promise<{ state: SimulationState; setup: SimulationSetup; backend: BackendName }> {
  const { curve, source, uncertainty } = shippedCurve();
  const config: SimulationConfig = {
    ...SIMULATION_DEFAULTS,
    ...DEMO_SIMULATION,
    seed,
    curve,
    curveSource: source,
    curveUncertainty: uncertainty,
  };
  const data = loadFederatedData(undefined, { pool: config.pool!, seed });
  const setup = setUpSimulation(data, config);
  // Local training and aggregation run on the chosen engine (auto: WebGPU on a hardware GPU, else native).
  const engine = await createEngine({ backend });
  const progress = createProgress(io, 'demo', config.rounds * config.strategies.length);
  try {
    const state = await simulate(data, setup, config, {
      engine,
      onStep: (done, _t, round, name) => progress.update(done, `round ${round} · ${name}`),
    });
    return { state, setup, backend: engine.backend };
  } finally {
    progress.done();
    engine.dispose();
  }
}

/** The server-step check on each backend in turn, one engine at a time. */
async function checkBackends(backends: readonly BackendName[], c: ServerStepCase): Promise<ServerStepCheck[]> {
  const rows: ServerStepCheck[] = [];
  for (const name of backends) {
    const engine = await createEngine({ backend: name });
    try {
      rows.push(await checkServerStep(engine, c));
    } finally {
      engine.dispose();
    }
  }
  return rows;
}
