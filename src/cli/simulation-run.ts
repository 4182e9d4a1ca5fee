/**
 * One `cocogen simulate` run from its flags, shared by the command and by studies (each job is such a run): the flags
 * checked into a config, the data read, the simulation run on an engine, and its result files written after every
 * round (or none, for a job whose result travels back as a value).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEngine, type BackendChoice, type Engine } from '../engine/engine.js';
import { CocogenError, invalidArgumentText } from '../core/errors.js';
import { builtInCurve, curveFromCalibration, uncertaintyFromCalibration } from '../fl/simulation-curve.js';
import type { DatasetName } from '../fl/datasets.js';
import type { ModelKind } from '../fl/models.js';
import type { CurveUncertainty } from '../fl/online-curve.js';
import { loadFederatedData, type FederatedData, type FederatedDataOptions } from '../fl/simulation-data.js';
import { simulationCsv, simulationGameSummary, simulationResultJSON } from '../fl/simulation-results.js';
import {
  DEFAULT_VALIDATION,
  RECALIBRATIONS,
  SIMULATION_DEFAULTS,
  setUpSimulation,
  simulate,
  stateToJSON,
  type Recalibration,
  type SimulationConfig,
  type SimulationState,
} from '../fl/simulation.js';
import type { LearningCurveInput } from '../game/index.js';
import { simulationAccuracySvg, simulationGainSvg } from '../plot/simulation-figures.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { requireFinite } from '../util/finite.js';
import {
  backendFlag,
  dataDirFlag,
  datasetFlag,
  integerFlag,
  modelFlag,
  numberFlag,
  seedFlag,
  strategiesFlag,
} from './flags.js';

export const FILES = ['checkpoint.json', 'simulation.json', 'simulation.csv', 'accuracy.svg', 'gain.svg'] as const;
export type Files = Record<(typeof FILES)[number], string>;

/** --curve FILE: a calibration.json (or a bare curve); when absent, the dataset's built-in curve (or an error). */
function curveFlag(
  value: unknown,
  dataset: DatasetName,
  model: ModelKind,
): {
  curve: LearningCurveInput;
  source: string;
  uncertainty: CurveUncertainty | null;
} {
  if (value === undefined) return builtInCurve(dataset, model);
  const rule = 'a calibration.json from cocogen calibrate, or a JSON { floor, scale, exponent, heterogeneity }';
  if (typeof value !== 'string' || !existsSync(value))
    throw invalidArgumentText('--curve', rule, `${JSON.stringify(value)}, which does not exist`);
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(value, 'utf8'));
  } catch (e) {
    throw invalidArgumentText('--curve', rule, `${JSON.stringify(value)}, which is not JSON (${(e as Error).message})`);
  }
  const curve = curveFromCalibration(j, { argument: '--curve', source: JSON.stringify(value), rule });
  // A curve is a property of the task: a calibration of another dataset or model would make the game's amounts
  // and predictions meaningless. A bare { floor, scale, exponent, heterogeneity } says neither and is taken as given.
  const task = calibrationTask(j);
  const unchecked = '(a bare { floor, scale, exponent, heterogeneity } is not checked)';
  if (task !== null && task.dataset !== dataset)
    throw invalidArgumentText(
      '--curve',
      `a calibration of the run's dataset, ${dataset} ${unchecked}`,
      `${JSON.stringify(value)}, calibrated on ${task.dataset}`,
    );
  if (task?.model !== undefined && task.model !== model)
    throw invalidArgumentText(
      '--curve',
      `a calibration of the run's model, ${model} ${unchecked}`,
      `${JSON.stringify(value)}, calibrated with ${task.model}`,
    );
  return { curve, source: resolve(value), uncertainty: uncertaintyFromCalibration(j) };
}

/**
 * The task a calibration.json was calibrated on: `config.dataset` (one without it predates MNIST and was
 * Fashion-MNIST) and `config.recipe.model` (undefined where the file does not say); null for a bare curve.
 */
function calibrationTask(json: unknown): { dataset: string; model: string | undefined } | null {
  const config = (json as { config?: unknown } | null)?.config;
  if (typeof config !== 'object' || config === null) return null;
  const { dataset, recipe } = config as { dataset?: unknown; recipe?: { model?: unknown } };
  const model = typeof recipe === 'object' && recipe !== null ? recipe.model : undefined;
  return {
    dataset: dataset === undefined ? 'fashion-mnist' : String(dataset),
    model: model === undefined ? undefined : String(model),
  };
}

/** --recalibrate none|online and --validation V (only beside online); `base` a checkpoint's or the defaults. */
function recalibrationFlags(
  values: Record<string, unknown>,
  base: Pick<SimulationConfig, 'recalibrate' | 'validation'>,
): { recalibrate: Recalibration; validation: number } {
  let recalibrate = base.recalibrate;
  if (values.recalibrate !== undefined) {
    if (!RECALIBRATIONS.includes(values.recalibrate as Recalibration))
      throw invalidArgumentText('--recalibrate', RECALIBRATIONS.join(' or '), JSON.stringify(values.recalibrate));
    recalibrate = values.recalibrate as Recalibration;
  }
  if (recalibrate === 'none') {
    if (values.validation !== undefined)
      throw invalidArgumentText(
        '--validation',
        'only beside --recalibrate online (it is the validation split the refit measures on)',
        `--validation ${String(values.validation)} with --recalibrate none`,
      );
    return { recalibrate, validation: 0 };
  }
  const fallback = base.recalibrate === 'online' ? base.validation : DEFAULT_VALIDATION;
  // The public split has 1,000 images; the generator keeps at least 100 of them.
  return { recalibrate, validation: integerFlag(values.validation, '--validation', 1, 900, fallback) };
}

/** The config from the flags; with `base` (a checkpoint's config) as every default. */
export function configFromFlags(values: Record<string, unknown>, base: SimulationConfig | null): SimulationConfig {
  const d = base ?? {
    ...SIMULATION_DEFAULTS,
    curve: {} as LearningCurveInput,
    curveSource: '',
    curveUncertainty: null,
  };
  const dataset = datasetFlag(values.dataset, d.dataset);
  const data = values.data === undefined ? d.data : (dataDirFlag(values.data) ?? null);
  const model = values.model === undefined ? d.model : modelFlag(values.model);
  const curve =
    values.curve === undefined && base
      ? { curve: base.curve, source: base.curveSource, uncertainty: base.curveUncertainty }
      : curveFlag(values.curve, dataset, model);
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
    model,
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
    curveUncertainty: curve.uncertainty,
    dataset,
    data,
    // Its range is the data's owned samples, checked once the data is read: here any integer.
    pool:
      values.pool === undefined
        ? d.pool
        : integerFlag(values.pool, '--pool', -ANY, ANY, 0, 'an integer in [1, the owned samples of the data]'),
    testCount: d.testCount,
    generator: d.generator,
    ...recalibrationFlags(values, d),
  };
}

const ANY = Number.MAX_SAFE_INTEGER;

/** loadFederatedData for a command: a bad `pool` is refused naming the flag the user typed, `--pool`. */
export function loadFlaggedData(dir: string | undefined, options: FederatedDataOptions): FederatedData {
  try {
    return loadFederatedData(dir, options);
  } catch (e) {
    if (e instanceof CocogenError && e.details?.argument === 'pool')
      throw invalidArgumentText('--pool', String(e.details.expected), String(options.pool));
    throw e;
  }
}

/** The run's data: the dataset's shipped subset or --data, with its --pool draw; refuses more organizations than samples. */
export function loadData(config: SimulationConfig): FederatedData {
  const options = {
    dataset: config.dataset,
    ...(config.pool !== null ? { pool: config.pool, seed: config.seed } : {}),
    ...(config.testCount !== null ? { testCount: config.testCount } : {}),
    ...(config.validation > 0 ? { validation: config.validation } : {}),
  };
  const data = loadFlaggedData(config.data ?? undefined, options);
  if (config.organizations > data.owned.y.length)
    throw invalidArgumentText(
      '--orgs',
      `at most the ${data.owned.y.length} owned samples`,
      String(config.organizations),
    );
  return data;
}

export function filesIn(out: string): Files {
  return Object.fromEntries(FILES.map((f) => [f, join(out, f)])) as Files;
}

/** One simulation, its result files and then its checkpoint written to `files` after every round (none if null). */
export async function simulateInto(
  files: Files | null,
  data: FederatedData,
  config: SimulationConfig,
  engine: Engine,
  options: {
    resume: SimulationState | null;
    stopAfter: number | null;
    onStep: (done: number, round: number, strategy: string) => void;
  },
) {
  const setup = setUpSimulation(data, config);
  const meta = {
    backend: engine.backend,
    generatorSeconds: setup.generatorSeconds,
    game: simulationGameSummary(setup),
  };
  const state = await simulate(data, setup, config, {
    engine,
    ...(options.resume ? { resume: options.resume } : {}),
    onStep: (done, _total, round, name) => options.onStep(done, round, name),
    onRound: (s) => {
      s.backend = engine.backend;
      // Before anything is written: JSON would turn a diverged loss into a silent null.
      requireFinite(s.strategies, `Round ${s.completedRounds} of the simulation`);
      if (files === null) return;
      writeResults(files, s, meta);
      // Last, so that the results always hold at least the checkpoint's rounds.
      writeFileAtomic(files['checkpoint.json'], stateToJSON(s));
      if (options.stopAfter !== null && s.completedRounds === options.stopAfter) {
        // Testing hook: die abruptly, as a killed run would, right after this round's checkpoint.
        process.kill(process.pid, 'SIGKILL');
      }
    },
  });
  return { state, meta };
}

/** The flags of one run, beside its output: what a study's `simulate` object and grid may set (docs/cli.md). */
export const SIMULATE_RUN_FLAGS: readonly string[] = [
  'orgs',
  'rounds',
  'alpha',
  'competition',
  'rivalry',
  'seed',
  'dataset',
  'data',
  'backend',
  'model',
  'strategies',
  'curve',
  'cost',
  'cap',
  'epochs',
  'pool',
  'recalibrate',
  'validation',
];

/** One run's config and backend from flag values, checked as `cocogen simulate` checks them. */
export function simulationRunConfig(values: Record<string, unknown>): {
  config: SimulationConfig;
  backend: BackendChoice;
} {
  return { config: configFromFlags(values, null), backend: backendFlag(values.backend, 'auto') };
}

/**
 * One run from flag values (see {@link SIMULATE_RUN_FLAGS}), writing nothing: the object `cocogen simulate --json`
 * prints for those flags, without `files`, bit for bit the same on the same backend (all but the timings).
 */
export async function simulationRun(
  values: Record<string, unknown>,
  onStep: (done: number, round: number, strategy: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const { config, backend } = simulationRunConfig(values);
  const data = loadData(config);
  const t0 = performance.now();
  const engine = await createEngine({ backend });
  try {
    const { state, meta } = await simulateInto(null, data, config, engine, { resume: null, stopAfter: null, onStep });
    return { ...simulationResultJSON(state, meta), seconds: (performance.now() - t0) / 1000 };
  } finally {
    engine.dispose();
  }
}

/** Every result file but the checkpoint, from the state after a round. */
export function writeResults(files: Files, state: SimulationState, meta: object): void {
  writeFileAtomic(files['simulation.json'], JSON.stringify(simulationResultJSON(state, meta), null, 1) + '\n');
  writeFileAtomic(files['simulation.csv'], simulationCsv(state));
  writeFileAtomic(files['accuracy.svg'], simulationAccuracySvg(state));
  writeFileAtomic(files['gain.svg'], simulationGainSvg(state));
}
