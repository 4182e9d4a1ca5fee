import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEngine, type BackendChoice } from '../../engine/engine.js';
import { invalidArgumentText } from '../../errors.js';
import { loadFederatedData } from '../../fl/simulation-data.js';
import {
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  setUpSimulation,
  simulate,
  stateFromJSON,
  stateToJSON,
  type SimulationConfig,
  type SimulationState,
} from '../../fl/simulation.js';
import { STRATEGIES, STRATEGY_LABELS, type StrategyName } from '../../fl/strategies.js';
import type { LearningCurveInput } from '../../game/index.js';
import { panelsSvg, type Series } from '../../plot/line-chart.js';
import { toCsv, writeFileAtomic } from '../../util/atomic-write.js';
import {
  backendFlag,
  dataDirFlag,
  integerFlag,
  modelFlag,
  noPositionals,
  numberFlag,
  outDirFlag,
  seedFlag,
  strategiesFlag,
} from '../flags.js';
import { formatNumber, table, type Io } from '../output.js';
import { createProgress } from '../progress.js';

export const SIMULATE_HELP = `cocogen simulate --out DIR [--orgs N] [--rounds T] [--alpha A] [--competition G] [--seed S]
                 [--data DIR] [--backend B] [--model softmax|mlp] [--strategies LIST] [--curve FILE]
                 [--cost C] [--cap X] [--rivalry L] [--epochs E] [--pool P] [--json]
cocogen simulate --resume DIR [--rounds T] [--out DIR] [--backend B] [--json]
  Federated training on real Fashion-MNIST with a real generator (DESIGN §5): N organizations get Dirichlet(A)
  label-skewed shards; every round the game (uniform competition G, rivalry L, cost C per synthetic sample,
  cap X·d_n, market value 1) decides from the calibrated learning curve how much each generates — strategies
  vcfl (none), wco (competition-oblivious), radg (random), equilibrium, mechanism (the social optimum, the
  operating point of welfare sharing) — each generates with PPCA fitted on the public split (its label mix
  moves toward uniform), trains E local epochs, FedAvg aggregates on the engine, and the global model is
  tested. All strategies run on the same seeds. Utilities are the game's U_n with the MEASURED performance
  (ln 10 − test loss) beside the curve's prediction; gains are against VCFL in the same round.
  Writes to DIR after every round (atomically): checkpoint.json, simulation.json, simulation.csv,
  accuracy.svg (test accuracy and loss vs round, a line per strategy), gain.svg (predicted vs realized gain).
  --resume DIR continues a killed run from DIR/checkpoint.json (its config and backend; --rounds may extend it);
  finished rounds are neither redone nor lost, and the result equals an uninterrupted run.
  --curve FILE: calibration.json from cocogen calibrate (or { floor, scale, exponent, heterogeneity });
  default: the curve calibrated on the shipped subset. --pool P trains on a seeded draw of P owned samples.
  Defaults: --orgs 5 --rounds 5 --alpha 0.5 --competition 0.3 --rivalry 0 --seed 1 --model softmax
  --strategies ${STRATEGIES.join(',')} --cost 5e-5 --cap 1 --epochs 1 --backend auto, the shipped subset.
  --json prints { config, strategies: { <name>: { rounds: [{ round, accuracy, loss, generated, utilities,
  … }], final: { accuracy, loss } } }, files }. Progress goes to stderr on a terminal only.`;

const FILES = ['checkpoint.json', 'simulation.json', 'simulation.csv', 'accuracy.svg', 'gain.svg'] as const;

function curveFlag(value: unknown): { curve: LearningCurveInput; source: string } {
  const { rSquared: _r, ...shipped } = SUBSET_SOFTMAX_CURVE;
  if (value === undefined) return { curve: shipped, source: 'built-in (shipped subset, softmax)' };
  const rule = 'a calibration.json from cocogen calibrate, or a JSON { floor, scale, exponent, heterogeneity }';
  if (typeof value !== 'string' || !existsSync(value))
    throw invalidArgumentText('--curve', rule, `${JSON.stringify(value)}, which does not exist`);
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(value, 'utf8'));
  } catch (e) {
    throw invalidArgumentText('--curve', rule, `${JSON.stringify(value)}, which is not JSON (${(e as Error).message})`);
  }
  const c = (j && typeof j === 'object' && 'learningCurve' in j ? j.learningCurve : j) as Record<string, unknown>;
  const keys = ['floor', 'scale', 'exponent', 'heterogeneity'] as const;
  for (const k of keys) {
    if (!(typeof c?.[k] === 'number' && Number.isFinite(c[k]) && (c[k] as number) > 0))
      throw invalidArgumentText('--curve', rule, `${JSON.stringify(value)}, whose ${k} is ${JSON.stringify(c?.[k])}`);
  }
  const curve: LearningCurveInput = {
    floor: c.floor as number,
    scale: c.scale as number,
    exponent: c.exponent as number,
    heterogeneity: c.heterogeneity as number,
  };
  if (typeof c.reference === 'number' && Number.isFinite(c.reference)) curve.reference = c.reference;
  return { curve, source: resolve(value) };
}

/** The config from the flags; with `base` (a checkpoint's config) as every default. */
function configFromFlags(values: Record<string, unknown>, base: SimulationConfig | null): SimulationConfig {
  const d = base ?? { ...SIMULATION_DEFAULTS, curve: {} as LearningCurveInput, curveSource: '' };
  const data = values.data === undefined ? d.data : (dataDirFlag(values.data) ?? null);
  const curve =
    values.curve === undefined && base ? { curve: base.curve, source: base.curveSource } : curveFlag(values.curve);
  return {
    organizations: integerFlag(values.orgs, '--orgs', 1, 1000, d.organizations),
    rounds: integerFlag(values.rounds, '--rounds', 1, 10_000, d.rounds),
    alpha: numberFlag(values.alpha, '--alpha', (v) => v > 0, 'a number > 0 (Dirichlet concentration)', d.alpha),
    competition: numberFlag(
      values.competition,
      '--competition',
      (v) => v >= 0,
      'a number ≥ 0 (competition intensity g)',
      d.competition,
    ),
    rivalry: numberFlag(values.rivalry, '--rivalry', (v) => v >= 0 && v <= 1, 'a number in [0, 1]', d.rivalry),
    seed: seedFlag(values.seed, '--seed', d.seed),
    strategies: strategiesFlag(values.strategies, d.strategies),
    model: values.model === undefined ? d.model : modelFlag(values.model),
    hidden: d.hidden,
    epochs: integerFlag(values.epochs, '--epochs', 1, 1000, d.epochs),
    batchSize: d.batchSize,
    learningRate: d.learningRate,
    momentum: d.momentum,
    cost: numberFlag(values.cost, '--cost', (v) => v >= 0, 'a number ≥ 0 (value units per synthetic sample)', d.cost),
    cap: numberFlag(values.cap, '--cap', (v) => v >= 0 && v <= 100, 'a number in [0, 100] (X_n = cap·d_n)', d.cap),
    privateGain: d.privateGain,
    curve: curve.curve,
    curveSource: curve.source,
    data,
    pool: values.pool === undefined ? d.pool : integerFlag(values.pool, '--pool', 1, 10_000_000, 0),
    testCount: d.testCount,
    generator: d.generator,
  };
}

const CONFIG_FLAGS: [keyof SimulationConfig, string][] = [
  ['organizations', '--orgs'],
  ['alpha', '--alpha'],
  ['competition', '--competition'],
  ['rivalry', '--rivalry'],
  ['seed', '--seed'],
  ['strategies', '--strategies'],
  ['model', '--model'],
  ['epochs', '--epochs'],
  ['cost', '--cost'],
  ['cap', '--cap'],
  ['curve', '--curve'],
  ['data', '--data'],
  ['pool', '--pool'],
];

export async function simulateCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  noPositionals(positionals, 'simulate');
  const stopAfter =
    values['stop-after-round'] === undefined
      ? null
      : integerFlag(values['stop-after-round'], '--stop-after-round', 1, 10_000, 1);
  let resume: SimulationState | null = null;
  let out: string;
  if (values.resume !== undefined) {
    const dir = values.resume;
    if (typeof dir !== 'string' || !existsSync(join(dir, 'checkpoint.json')))
      throw invalidArgumentText(
        '--resume',
        'a folder holding checkpoint.json from cocogen simulate',
        `${JSON.stringify(dir)}, which has none`,
      );
    resume = stateFromJSON(readFileSync(join(dir, 'checkpoint.json'), 'utf8'), '--resume');
    out = values.out === undefined ? dir : outDirFlag(values.out, 'the simulation results');
  } else {
    out = outDirFlag(values.out, 'the simulation results');
  }
  const config = configFromFlags(values, resume ? resume.config : null);
  if (resume) {
    for (const [key, flag] of CONFIG_FLAGS) {
      if (JSON.stringify(config[key]) !== JSON.stringify(resume.config[key]))
        throw invalidArgumentText(
          flag,
          `the checkpoint's value ${JSON.stringify(resume.config[key])} (a resumed run keeps its config)`,
          JSON.stringify(values[flag.slice(2)] ?? config[key]),
        );
    }
    if (config.rounds < resume.completedRounds)
      throw invalidArgumentText(
        '--rounds',
        `at least the ${resume.completedRounds} rounds the checkpoint has finished`,
        String(config.rounds),
      );
    resume.config = config;
  }
  // A resumed run aggregates where the checkpoint's rounds did, unless told otherwise: backends round differently.
  const backend = backendFlag(values.backend, (resume?.backend as BackendChoice | undefined) ?? 'auto');
  const resumedFrom = resume ? resume.completedRounds : null;

  const data = loadFederatedData(config.data ?? undefined, {
    ...(config.pool !== null ? { pool: config.pool, seed: config.seed } : {}),
    ...(config.testCount !== null ? { testCount: config.testCount } : {}),
  });
  if (config.organizations > data.owned.y.length)
    throw invalidArgumentText(
      '--orgs',
      `at most the ${data.owned.y.length} owned samples`,
      String(config.organizations),
    );
  const t0 = performance.now();
  const setup = setUpSimulation(data, config);
  const engine = await createEngine({ backend });
  const files = Object.fromEntries(FILES.map((f) => [f, join(out, f)])) as Record<(typeof FILES)[number], string>;
  const progress = createProgress(io, 'simulate', config.rounds * config.strategies.length);
  let state: SimulationState;
  const meta = () => ({ backend: engine.backend, generatorSeconds: setup.generatorSeconds, game: gameSummary(setup) });
  try {
    if (resume) progress.update(resume.completedRounds * config.strategies.length, 'resumed');
    state = await simulate(engine, data, setup, config, {
      ...(resume ? { resume } : {}),
      onStep: (done, _total, round, name) => progress.update(done, `round ${round} · ${name}`),
      onRound: (s) => {
        s.backend = engine.backend;
        writeResults(files, s, meta());
        // Last, so that the results always hold at least the checkpoint's rounds.
        writeFileAtomic(files['checkpoint.json'], stateToJSON(s));
        if (stopAfter !== null && s.completedRounds === stopAfter) {
          // Testing hook: die abruptly, as a killed run would, right after this round's checkpoint.
          process.kill(process.pid, 'SIGKILL');
        }
      },
    });
  } finally {
    progress.done();
    engine.dispose();
  }
  // A resumed run that had nothing left to do still writes its results (perhaps to another --out).
  if (resumedFrom !== null && resumedFrom === config.rounds) {
    writeResults(files, state, meta());
    writeFileAtomic(files['checkpoint.json'], stateToJSON(state));
  }
  const seconds = (performance.now() - t0) / 1000;
  const summary = resultJSON(state, meta());
  if (json) {
    io.out(JSON.stringify({ ...summary, files: Object.values(files), seconds }));
    return 0;
  }
  io.out(simulationReport(state, setup.generatorSeconds, engine.backend));
  io.out('');
  const resumed = resumedFrom === null ? '' : ` (continued after round ${resumedFrom})`;
  io.out(`Wrote ${Object.values(files).join(', ')} in ${formatNumber(seconds)} s${resumed}.`);
  return 0;
}

type SetupLike = ReturnType<typeof setUpSimulation>;

function gameSummary(setup: SetupLike) {
  const sol = setup.plan.solution;
  const mech = setup.plan.mechanism;
  return {
    samples: Array.from(setup.scenario.samples),
    labelCounts: setup.federation.labelCounts,
    initialSkew: Array.from(setup.plan.model.delta0),
    potentialGame: sol.potentialGame,
    equilibrium: {
      x: Array.from(sol.equilibrium.x),
      socialWelfare: sol.equilibrium.socialWelfare,
      kktResidual: sol.equilibrium.kktResidual,
    },
    optimum: {
      x: Array.from(sol.optimum.x),
      socialWelfare: sol.optimum.socialWelfare,
      kktResidual: sol.optimum.kktResidual,
    },
    mechanism: mech
      ? {
          sustainable: mech.sustainable,
          status: mech.status,
          shares: Array.from(mech.shares),
          lumpSums: Array.from(mech.lumpSums),
          payoffs: Array.from(mech.payoffs),
        }
      : null,
  };
}

/** The --json shape: { config, strategies: { name: { rounds, final } } } plus run facts. */
export function resultJSON(state: SimulationState, meta: object) {
  const strategies: Record<string, unknown> = {};
  for (const name of state.config.strategies) {
    const rounds = state.strategies[name]!.rounds;
    const last = rounds[rounds.length - 1];
    strategies[name] = {
      label: STRATEGY_LABELS[name],
      rounds,
      final: last ? { accuracy: last.accuracy, loss: last.loss } : null,
    };
  }
  return { config: state.config, completedRounds: state.completedRounds, ...meta, strategies };
}

function writeResults(files: Record<(typeof FILES)[number], string>, state: SimulationState, meta: object): void {
  writeFileAtomic(files['simulation.json'], JSON.stringify(resultJSON(state, meta), null, 1) + '\n');
  const rows: (string | number | null)[][] = [];
  for (const name of state.config.strategies) {
    for (const r of state.strategies[name]!.rounds) {
      rows.push([
        r.round,
        name,
        r.accuracy,
        r.loss,
        r.generated.reduce((a, b) => a + b, 0),
        r.generated.join(';'),
        r.gain,
        r.predictedGain,
        r.utilities.reduce((a, b) => a + b, 0),
        r.predictedUtilities.reduce((a, b) => a + b, 0),
        r.utilities.join(';'),
        r.heterogeneity,
        r.predictedHeterogeneity,
        r.seconds,
      ]);
    }
  }
  writeFileAtomic(
    files['simulation.csv'],
    toCsv(
      [
        'round',
        'strategy',
        'test accuracy',
        'test loss (nats)',
        'generated (samples)',
        'generated per organization',
        'realized gain vs VCFL (nats)',
        'predicted gain vs no generation (nats)',
        'welfare, measured (value units)',
        'welfare, predicted (value units)',
        'utilities per organization, measured',
        'heterogeneity H, realized',
        'heterogeneity H, game',
        'seconds',
      ],
      rows,
    ),
  );
  const by = (pick: (r: SimulationState['strategies'][StrategyName] & object) => Series) =>
    state.config.strategies.map((name) => pick(state.strategies[name]!));
  const sub = `${state.config.organizations} organizations, α = ${state.config.alpha}, g = ${state.config.competition}, ${state.config.model}, seed ${state.config.seed}`;
  writeFileAtomic(
    files['accuracy.svg'],
    panelsSvg({
      title: 'Federated training per strategy',
      subtitle: sub,
      panels: [
        {
          title: 'Test accuracy',
          xLabel: 'round',
          yLabel: 'test accuracy (fraction)',
          series: by((run) => ({
            label: '',
            x: run.rounds.map((r) => r.round),
            y: run.rounds.map((r) => r.accuracy),
          })).map((s, i) => ({
            ...s,
            label: STRATEGY_LABELS[state.config.strategies[i]!],
          })),
          legend: false,
        },
        {
          title: 'Test loss',
          xLabel: 'round',
          yLabel: 'test loss (nats)',
          series: by((run) => ({ label: '', x: run.rounds.map((r) => r.round), y: run.rounds.map((r) => r.loss) })).map(
            (s, i) => ({
              ...s,
              label: STRATEGY_LABELS[state.config.strategies[i]!],
            }),
          ),
        },
      ],
    }),
  );
  const gainSeries: Series[] = state.config.strategies.map((name) => {
    const rounds = state.strategies[name]!.rounds;
    return { label: STRATEGY_LABELS[name], x: rounds.map((r) => r.round), y: rounds.map((r) => r.gain ?? NaN) };
  });
  const last = state.config.strategies.map((name) => state.strategies[name]!.rounds.at(-1));
  const px = last.map((r) => r?.predictedGain ?? NaN);
  const py = last.map((r) => r?.gain ?? NaN);
  const all = [...px, ...py].filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  writeFileAtomic(
    files['gain.svg'],
    panelsSvg({
      title: 'What synthetic data bought: predicted vs realized gain',
      subtitle: `${sub}; gain = performance (ln 10 − test loss) over VCFL`,
      panels: [
        {
          title: `Last round (${state.completedRounds}): realized vs predicted`,
          xLabel: 'predicted gain, calibrated curve (nats)',
          yLabel: 'realized gain vs VCFL (nats)',
          series: [
            { label: 'y = x', x: [lo, hi], y: [lo, hi], markers: false, reference: true },
            ...state.config.strategies.map((name, i) => ({
              label: STRATEGY_LABELS[name],
              x: [px[i]!],
              y: [py[i]!],
              pointsOnly: true,
            })),
          ],
        },
        {
          title: 'Realized gain per round',
          xLabel: 'round',
          yLabel: 'realized gain vs VCFL (nats)',
          series: gainSeries,
          yZero: true,
          legend: false,
        },
      ],
    }),
  );
}

/** The comparison table printed at the end of simulate (and demo). */
export function simulationReport(state: SimulationState, generatorSeconds: number, backend: string): string {
  const c = state.config;
  const rows = c.strategies.map((name) => {
    const rounds = state.strategies[name]!.rounds;
    const r = rounds[rounds.length - 1]!;
    return [
      STRATEGY_LABELS[name],
      r.accuracy,
      r.loss,
      r.generated.reduce((a, b) => a + b, 0),
      r.predictedGain,
      r.gain ?? NaN,
      r.predictedUtilities.reduce((a, b) => a + b, 0),
      r.utilities.reduce((a, b) => a + b, 0),
    ] as (string | number)[];
  });
  return [
    `Simulated ${state.completedRounds} rounds: ${c.organizations} organizations, Dirichlet α = ${c.alpha}, competition g = ${c.competition}, rivalry ${c.rivalry}, ${c.model}, seed ${c.seed}, backend ${backend}`,
    `Curve: ${c.curveSource}; PPCA generator fitted in ${formatNumber(generatorSeconds)} s.`,
    '',
    table(
      [
        'strategy',
        'accuracy',
        'loss',
        'generated/round',
        'predicted gain',
        'realized gain',
        'welfare (predicted)',
        'welfare (measured)',
      ],
      rows,
    ),
    '',
    'Last round. Gains are in nats of test loss: predicted by the calibrated curve for the amounts generated, realized',
    'against VCFL trained on the same seeds. Welfare is Σ U_n (market value 1 per nat, cost per synthetic sample).',
  ].join('\n');
}
