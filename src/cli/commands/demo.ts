import { createEngine } from '../../engine/engine.js';
import { systemInfo } from '../../engine/system-info.js';
import type { BackendName } from '../../engine/backend.js';
import { Random } from '../../util/random.js';
import { shippedCurve } from '../../fl/simulation-curve.js';
import { loadFederatedData } from '../../fl/simulation-data.js';
import { simulationResultJSON } from '../../fl/simulation-results.js';
import {
  SIMULATION_DEFAULTS,
  setUpSimulation,
  simulate,
  type SimulationConfig,
  type SimulationState,
} from '../../fl/simulation.js';
import { backendFlag, seedFlag } from '../flags.js';
import { formatNumber, table, type Io } from '../output.js';
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

/** The server-step check: an MLP 784-256-10 as in DESIGN §5.4. */
const MODEL_PARAMETERS = 784 * 256 + 256 + 256 * 10 + 10;
const DEMO_SIMULATION = { organizations: 3, pool: 1200, cost: 2e-4, competition: 0.3, rounds: 5 };

interface DemoRow {
  backend: BackendName;
  milliseconds: number;
  gbPerSecond: number;
  maxRelativeError: number;
}

export async function demoCommand(io: Io, values: Record<string, unknown>): Promise<number> {
  const json = Boolean(values.json);
  const requested = backendFlag(values.backend, 'auto', 'described');
  const seed = seedFlag(values.seed, '--seed', 1);
  const t0 = performance.now();

  // The simulation: the game decides, training measures (DESIGN §5).
  const { curve, source } = shippedCurve();
  const config: SimulationConfig = { ...SIMULATION_DEFAULTS, ...DEMO_SIMULATION, seed, curve, curveSource: source };
  const data = loadFederatedData(undefined, { pool: config.pool!, seed });
  const setup = setUpSimulation(data, config);
  // Local training and aggregation run on the chosen engine (auto: WebGPU on a hardware GPU, else native).
  const simEngine = await createEngine({ backend: requested });
  const simBackend = simEngine.backend;
  const progress = createProgress(io, 'demo', config.rounds * config.strategies.length);
  let state: SimulationState;
  try {
    state = await simulate(simEngine, data, setup, config, {
      onStep: (done, _t, round, name) => progress.update(done, `round ${round} · ${name}`),
    });
  } finally {
    progress.done();
    simEngine.dispose();
  }
  const simulationSeconds = (performance.now() - t0) / 1000;
  const game = setup.plan.solution;
  const scenario = setup.scenario;
  const strategies = [
    ['equilibrium', game.equilibrium],
    ['social optimum', game.optimum],
    ['VCFL (no generation)', game.baselines.vcfl],
    ['WCO (competition-oblivious)', game.baselines.wco],
    ['RaDG (random amounts)', game.baselines.radg],
  ] as const;
  const gameRows = strategies.map(([name, r]) => ({
    strategy: name,
    syntheticSamples: r.x.reduce((a, b) => a + b, 0),
    socialWelfare: r.socialWelfare,
  }));
  const ORGANIZATIONS = scenario.n;

  // Organizations then send noisy updates around a common direction, as clients of one model do, weighted by
  // the data they trained on: real samples plus what they generated at the equilibrium.
  const rng = new Random(seed);
  const samples = Array.from(scenario.samples, (d, n) => Math.round(d + game.equilibrium.x[n]!));
  const common = rng.fillNormal(new Float32Array(MODEL_PARAMETERS), 0, 0.01);
  const updates = samples.map(() => {
    const u = rng.fillNormal(new Float32Array(MODEL_PARAMETERS), 0, 0.005);
    for (let i = 0; i < u.length; i++) u[i]! += common[i]!;
    return u;
  });
  const total = samples.reduce((a, b) => a + b, 0);
  // The exact weighted mean in float64, and per element the scale Σ|w_k u_k| that cancellation is measured against.
  const reference = new Float64Array(MODEL_PARAMETERS);
  const magnitude = new Float64Array(MODEL_PARAMETERS);
  updates.forEach((u, k) => {
    const w = samples[k]! / total;
    for (let i = 0; i < u.length; i++) {
      reference[i]! += w * u[i]!;
      magnitude[i]! += Math.abs(w * u[i]!);
    }
  });

  const info = await systemInfo();
  const backends: BackendName[] =
    requested !== 'auto'
      ? [requested]
      : (['js', 'native', 'webgpu'] as const).filter((b) => info.backends[b].available);
  const rows: DemoRow[] = [];
  for (const name of backends) {
    const engine = await createEngine({ backend: name });
    try {
      await engine.aggregate(updates, { rule: 'fedavg', weights: samples }); // warm-up: pipelines, pages
      const t0 = performance.now();
      const result = await engine.aggregate(updates, { rule: 'fedavg', weights: samples });
      const ms = performance.now() - t0;
      let maxRel = 0;
      for (let i = 0; i < result.length; i++) {
        const e = Math.abs(result[i]! - reference[i]!) / Math.max(Math.abs(reference[i]!), 1e-3 * magnitude[i]!, 1e-30);
        if (e > maxRel) maxRel = e;
      }
      rows.push({
        backend: name,
        milliseconds: ms,
        gbPerSecond: ((ORGANIZATIONS + 1) * MODEL_PARAMETERS * 4) / (ms * 1e6),
        maxRelativeError: maxRel,
      });
    } finally {
      engine.dispose();
    }
  }

  const auto = info.auto;
  const sim = simulationResultJSON(state, { generatorSeconds: setup.generatorSeconds, seconds: simulationSeconds });
  const result = {
    what: 'a small simulation (the game decides, training measures), then the FedAvg server step on every backend',
    simulation: sim,
    game: {
      potentialGame: game.potentialGame,
      kktResidual: game.equilibrium.kktResidual,
      strategies: gameRows,
    },
    model: { architecture: 'mlp 784-256-10', parameters: MODEL_PARAMETERS },
    organizations: samples.map((s, i) => ({ id: `org-${i}`, samples: s, weight: s / total })),
    seed,
    autoBackend: auto,
    adapter: info.backends.webgpu.available
      ? info.backends.webgpu.adapter.description || info.backends.webgpu.adapter.device
      : null,
    backends: rows,
  };
  if (json) {
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  io.out(simulationReport(state, setup.generatorSeconds, simBackend));
  io.out(
    `(${formatNumber(simulationSeconds)} s; equilibrium KKT residual ${formatNumber(game.equilibrium.kktResidual)}.)`,
  );
  io.out('');
  io.out(
    `The server step on every backend: ${ORGANIZATIONS} organizations, MLP 784-256-10 (${MODEL_PARAMETERS.toLocaleString('en-US')} parameters), seed ${seed}`,
  );
  io.out(`Real + synthetic samples per organization at the equilibrium: ${samples.join(', ')} (FedAvg weights)`);
  io.out('');
  io.out(
    table(
      ['backend', 'time (ms)', 'GB/s', 'max error vs float64 (relative)'],
      rows.map((r) => [r.backend, r.milliseconds, r.gbPerSecond, formatNumber(r.maxRelativeError)]),
    ),
  );
  io.out('');
  io.out(`--backend auto would pick ${auto}. GB/s counts the ${ORGANIZATIONS} updates read and the result written.`);
  io.out('Errors are relative to max(|exact|, 1e-3·Σ_k |w_k u_k|): a float32 result is exact to about 6e-8.');
  return 0;
}
