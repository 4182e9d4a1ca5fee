/**
 * The federated simulation of DESIGN §5.4: the game decides, from the calibrated learning
 * curve, how much synthetic data every organization generates; the organizations generate it with the PPCA generator
 * (fitted on the public split) so that their label mix moves toward p*, train locally, the server aggregates with
 * FedAvg on the engine, and the global model is tested. Every strategy runs on the same seeds — the same partition,
 * the same initial model, the same generator draws per (round, organization) and the same minibatch seeds — so the
 * strategies differ only in the amounts they generate.
 *
 * A run is a pure function of its config: every random choice is derived from (seed, round, organization), so a
 * checkpoint needs only the finished rounds and each strategy's global parameters, and a resumed run is bit for bit
 * the run that was never interrupted (on one backend).
 */
import { Engine, onEngineOption } from '../engine/engine.js';
import { invalidArgument } from '../core/errors.js';
import {
  buildScenario,
  loss as curveLossAt,
  syntheticWorthOf,
  type GameModel,
  type LearningCurveInput,
  type Scenario,
} from '../game/index.js';
import { Random } from '../util/random.js';
import { integerOption, optionsRecord } from '../util/options.js';
import { federationHeterogeneity } from './calibration.js';
import { DATASETS, type DatasetName } from './datasets.js';
import { partitionFederation, type Federation } from './federation.js';
import { checkUncertainty, refitCurve, type CurveObservation, type CurveUncertainty } from './online-curve.js';
import { PpcaGenerator, syntheticClassCounts, type GenerateOptions, type Generator } from './generator.js';
import { checkSamples, concatSamples, type LabeledSamples } from './samples.js';
import { createModel, type Model, type ModelKind } from './models.js';
import type { FederatedData } from './simulation-data.js';
import {
  mechanismPayoffs,
  planStrategies,
  strategyAmounts,
  utilitiesAtPerformance,
  type StrategyName,
  type StrategyPlan,
} from './strategies.js';
import { evaluateWhereTrained } from './engine-evaluation.js';
import { deriveSeed, federatedRound, type Organization } from './train.js';

/**
 * How the curve the game plays with follows training: 'none' keeps the calibrated curve every round; 'online' refits
 * it after each round to the strategy's own validation losses, the calibrated curve as the prior, and solves the next
 * round's game on the refit (docs/training.md, "Online recalibration").
 */
export type Recalibration = 'none' | 'online';

/** Every recalibration mode, in the order the help lists them. */
export const RECALIBRATIONS: readonly Recalibration[] = ['none', 'online'];

/** Everything a run depends on. JSON-serializable: it is stored in the checkpoint. */
export interface SimulationConfig {
  organizations: number;
  rounds: number;
  /** Dirichlet α of the label partition */
  alpha: number;
  /** uniform competition intensity g (each organization's total exposure) */
  competition: number;
  /** λ ∈ [0, 1] */
  rivalry: number;
  seed: number;
  strategies: StrategyName[];
  model: ModelKind;
  /** MLP hidden units (the others ignore it) */
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  /** c_n: cost of one synthetic sample (value units; ρ_n = 1, so one unit = one nat of test loss) */
  cost: number;
  /** X_n = cap·d_n */
  cap: number;
  /** μ_n */
  privateGain: number;
  /** the calibrated learning curve the game plays with */
  curve: LearningCurveInput;
  /** where the curve came from (a file, or the built-in calibration) */
  curveSource: string;
  /** the calibration's uncertainty about `curve`: the prior of online recalibration (null: wide priors) */
  curveUncertainty: CurveUncertainty | null;
  /** 'none' or 'online' (see {@link Recalibration}) */
  recalibrate: Recalibration;
  /**
   * public images the server holds out as its validation split (online recalibration measures on them, never on
   * the test split); 0 under 'none', at least 1 under 'online'
   */
  validation: number;
  /** the dataset: its shipped subset, or what the `data` folder holds */
  dataset: DatasetName;
  /** data folder (null: the dataset's shipped subset) */
  data: string | null;
  /** owned samples drawn for the run (null: all) */
  pool: number | null;
  /** test images used (null: all) */
  testCount: number | null;
  /** PPCA components and subspace-iteration sweeps */
  generator: { components: number; iterations: number };
}

/** One strategy's round. Utilities are the game's U_n with the MEASURED performance P = L_ref − test loss. */
export interface SimulationRound {
  /** 1-based */
  round: number;
  accuracy: number;
  loss: number;
  /** synthetic samples each organization generated */
  generated: number[];
  /** U_n at the measured performance */
  utilities: number[];
  /** U_n at the curve's predicted performance for the same amounts */
  predictedUtilities: number[];
  /** the mechanism's payoffs s_n·SW + b_n at the measured welfare (mechanism only) */
  payoffs?: number[];
  /** L_ref − measured loss */
  performance: number;
  /** L_ref − L(D(x), H(x)) on the calibrated curve */
  predictedPerformance: number;
  /** measured performance minus VCFL's in the same round (null when VCFL is not simulated) */
  gain: number | null;
  /** the curve's P(x) − P(0) */
  predictedGain: number;
  /** H_S of the real + synthetic label counts actually trained on */
  heterogeneity: number;
  /** H_S(x) the game assumes (synthetic samples drawn from p*) */
  predictedHeterogeneity: number;
  /** online recalibration: the curve this round's amounts and predictions came from (refit on earlier rounds) */
  curve?: LearningCurveInput;
  /** online recalibration: the global model's loss on the server's validation split after this round */
  validationLoss?: number;
  /** online recalibration: its standard error */
  validationLossStandardError?: number;
  seconds: number;
}

export interface StrategyRun {
  rounds: SimulationRound[];
  /** the global model after the last finished round */
  params: Float32Array;
}

/** What a checkpoint holds: the config and every strategy's finished rounds and parameters. */
export interface SimulationState {
  config: SimulationConfig;
  completedRounds: number;
  strategies: Partial<Record<StrategyName, StrategyRun>>;
  /** the backend the rounds were aggregated on (a resumed run defaults to it: backends round differently) */
  backend?: string;
}

export interface SimulationSetup {
  federation: Federation;
  scenario: Scenario;
  plan: StrategyPlan;
  generator: Generator;
  model: Model;
  /** the generator's fit time */
  generatorSeconds: number;
}

/** Check a config, naming the field that breaks a rule. */
export function checkSimulationConfig(c: SimulationConfig): void {
  optionsRecord(c, SIMULATION_CONFIG_KEYS, 'config');
  if (c === undefined) throw invalidArgument('config', 'a simulation config', c);
  const int = (k: keyof SimulationConfig, min: number) => {
    if (!(Number.isInteger(c[k]) && (c[k] as number) >= min))
      throw invalidArgument(`config.${k}`, `an integer ≥ ${min}`, c[k]);
  };
  const num = (k: keyof SimulationConfig, ok: (v: number) => boolean, rule: string) => {
    if (!(typeof c[k] === 'number' && Number.isFinite(c[k]) && ok(c[k] as number)))
      throw invalidArgument(`config.${k}`, rule, c[k]);
  };
  int('organizations', 1);
  int('rounds', 1);
  int('epochs', 1);
  int('batchSize', 1);
  int('hidden', 1);
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw invalidArgument('config.seed', 'a non-negative safe integer', c.seed);
  num('alpha', (v) => v > 0, 'a finite number > 0');
  num('competition', (v) => v >= 0, 'a finite number ≥ 0');
  num('rivalry', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  num('learningRate', (v) => v > 0, 'a finite number > 0');
  num('momentum', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  num('cost', (v) => v >= 0, 'a finite number ≥ 0');
  num('cap', (v) => v >= 0, 'a finite number ≥ 0');
  num('privateGain', (v) => v >= 0, 'a finite number ≥ 0');
  if (!Array.isArray(c.strategies) || c.strategies.length === 0)
    throw invalidArgument('config.strategies', 'a non-empty array of strategies', c.strategies);
  if (c.model !== 'softmax' && c.model !== 'mlp' && c.model !== 'cnn')
    throw invalidArgument('config.model', "'softmax', 'mlp' or 'cnn'", c.model);
  if (!RECALIBRATIONS.includes(c.recalibrate))
    throw invalidArgument('config.recalibrate', `one of ${RECALIBRATIONS.join(', ')}`, c.recalibrate);
  if (c.recalibrate === 'none' && c.validation !== 0)
    throw invalidArgument('config.validation', "0 when config.recalibrate is 'none'", c.validation);
  if (c.recalibrate === 'online') int('validation', 1);
  checkUncertainty(c.curveUncertainty, 'config.curveUncertainty');
  if (typeof c.curve !== 'object' || c.curve === null)
    throw invalidArgument('config.curve', 'a learning curve', c.curve);
  if (typeof c.curveSource !== 'string') throw invalidArgument('config.curveSource', 'a string', c.curveSource);
  if (!DATASETS.includes(c.dataset))
    throw invalidArgument('config.dataset', `one of ${DATASETS.map((d) => `'${d}'`).join(', ')}`, c.dataset);
  if (c.data !== null && typeof c.data !== 'string') throw invalidArgument('config.data', 'null or a folder', c.data);
  for (const k of ['pool', 'testCount'] as const)
    if (c[k] !== null && !(Number.isSafeInteger(c[k]) && c[k] >= 1))
      throw invalidArgument(`config.${k}`, 'null or an integer ≥ 1', c[k]);
  const g = optionsRecord(c.generator, ['components', 'iterations'], 'config.generator');
  if (c.generator === undefined) throw invalidArgument('config.generator', '{ components, iterations }', c.generator);
  for (const k of ['components', 'iterations'] as const)
    integerOption(g, k, undefined, 1, Number.MAX_SAFE_INTEGER, 'config.generator');
}

function checkFederatedData(data: FederatedData, config: SimulationConfig): void {
  if (typeof data !== 'object' || data === null || !data.owned || !data.public || !data.test)
    throw invalidArgument('data', 'FederatedData (from loadFederatedData)', data);
  // A run trained on one dataset and recorded as the other would mislabel every result (and its curve).
  if (data.dataset !== config.dataset)
    throw invalidArgument(
      'data.dataset',
      `config.dataset ('${config.dataset}'; loadFederatedData's dataset option)`,
      data.dataset,
    );
}

/** Every key of a {@link SimulationConfig}: any other is refused by name. */
const SIMULATION_CONFIG_KEYS: readonly (keyof SimulationConfig)[] = [
  'organizations',
  'rounds',
  'alpha',
  'competition',
  'rivalry',
  'seed',
  'strategies',
  'model',
  'hidden',
  'epochs',
  'batchSize',
  'learningRate',
  'momentum',
  'cost',
  'cap',
  'privateGain',
  'curve',
  'curveSource',
  'curveUncertainty',
  'recalibrate',
  'validation',
  'dataset',
  'data',
  'pool',
  'testCount',
  'generator',
];

/**
 * Partition the owned data, fit the generator on the public split, and solve the round's game with the calibrated
 * curve. Deterministic in the config.
 */
export function setUpSimulation(data: FederatedData, config: SimulationConfig): SimulationSetup {
  checkSimulationConfig(config);
  checkFederatedData(data, config);
  const federation = partitionFederation(data.owned, {
    organizations: config.organizations,
    alpha: config.alpha,
    seed: deriveSeed(config.seed, 1),
  });
  const scenario = simulationScenario(federation, config, config.curve);
  const plan = planStrategies(scenario, config.strategies, config.seed);
  const t0 = performance.now();
  const generator = PpcaGenerator.fit(data.public, 10, {
    components: config.generator.components,
    iterations: config.generator.iterations,
    seed: deriveSeed(config.seed, 2),
  });
  const generatorSeconds = (performance.now() - t0) / 1000;
  const features = data.owned.x.length / data.owned.y.length;
  const model = createModel({
    kind: config.model,
    inputs: features,
    classes: 10,
    ...(config.model === 'mlp' ? { hidden: config.hidden } : {}),
  });
  return { federation, scenario, plan, generator, model, generatorSeconds };
}

/** The round's game of a federation under a config, on `curve`. */
function simulationScenario(federation: Federation, config: SimulationConfig, curve: LearningCurveInput): Scenario {
  const n = config.organizations;
  const d = federation.labelCounts.map((h) => h.reduce((a, b) => a + b, 0));
  return buildScenario({
    ids: d.map((_, i) => `org-${i}`),
    classes: 10,
    samples: d,
    labelCounts: federation.labelCounts.flat(),
    marketValue: new Array<number>(n).fill(1),
    costPerSample: new Array<number>(n).fill(config.cost),
    maxSynthetic: d.map((v) => Math.floor(config.cap * v)),
    privateGain: new Array<number>(n).fill(config.privateGain),
    competition: { uniform: config.competition },
    rivalry: config.rivalry,
    target: 'uniform',
    learningCurve: curve,
    name: `simulation: ${n} organizations, α = ${config.alpha}, g = ${config.competition}`,
  });
}

/** Synthetic samples are drawn in chunks of this many per class, each chunk from its own seed. */
const CHUNK = 32;

/**
 * The generator's draws in a round, shared by the strategies: class c of organization k in round t is a sequence of
 * chunks, chunk i drawn from seed (seed, t, k, c, i), and an organization that needs m samples of class c takes the
 * first m of that sequence. Every strategy thus sees the same draws (common random numbers), what a strategy gets
 * does not depend on which other strategies run, and each chunk is generated once per round, not once per strategy.
 */
class SyntheticDraws {
  #chunks = new Map<string, LabeledSamples>();

  constructor(
    private readonly generator: Generator,
    private readonly seed: number,
    private readonly options: GenerateOptions,
  ) {}

  clear(): void {
    this.#chunks.clear();
  }

  async take(round: number, org: number, classCounts: readonly number[]): Promise<LabeledSamples> {
    const { classes, features } = this.generator;
    const parts: LabeledSamples[] = [];
    for (let c = 0; c < classes; c++) {
      const need = classCounts[c]!;
      for (let i = 0; i * CHUNK < need; i++) {
        const key = `${round}:${org}:${c}:${i}`;
        let chunk = this.#chunks.get(key);
        if (!chunk) {
          const want = new Array<number>(classes).fill(0);
          want[c] = CHUNK;
          const rng = new Random(deriveSeed(this.seed, 4, round, org, c, i));
          chunk = await this.generator.generate(want, rng, this.options);
          checkSamples('generated samples', chunk, features, classes);
          if (chunk.y.length !== CHUNK) throw invalidArgument('generator output', `${CHUNK} samples`, chunk.y.length);
          this.#chunks.set(key, chunk);
        }
        const m = Math.min(CHUNK, need - i * CHUNK);
        parts.push(m === CHUNK ? chunk : { x: chunk.x.subarray(0, m * features), y: chunk.y.subarray(0, m) });
      }
    }
    return concatSamples(parts);
  }
}

/**
 * The curve's loss at amounts x, the pooled size in real samples Σ(d + ωx) (the unit of the scenario's curve) and
 * the H it assumes (synthetic samples drawn from p*).
 */
function predicted(m: GameModel, x: Float64Array): { loss: number; size: number; heterogeneity: number } {
  let D = 0;
  let Q = 0;
  for (let i = 0; i < m.n; i++) {
    const u = m.d[i]! + x[i]!;
    D += u;
    Q += m.s[i]! / u;
  }
  return {
    loss: curveLossAt(m.curve, D, Q),
    size: D * syntheticWorthOf(m.scenario.learningCurve),
    heterogeneity: Q / D,
  };
}

/**
 * Online recalibration: the plan strategy `name` plays in round `round`, on the curve refit to that strategy's own
 * earlier rounds (their validation losses; never a test loss, never another strategy's rounds). Round 0 plays the
 * calibrated curve.
 */
function onlinePlan(
  setup: SimulationSetup,
  config: SimulationConfig,
  name: StrategyName,
  earlier: readonly SimulationRound[],
): { plan: StrategyPlan; curve: LearningCurveInput } {
  if (earlier.length === 0) return { plan: setup.plan, curve: config.curve };
  const observations: CurveObservation[] = earlier.map((r) => {
    const at = predicted(setup.plan.model, Float64Array.from(r.generated));
    return {
      size: at.size,
      heterogeneity: at.heterogeneity,
      loss: r.validationLoss!,
      lossStandardError: r.validationLossStandardError!,
    };
  });
  const { curve } = refitCurve(config.curve, config.curveUncertainty, observations);
  const scenario = simulationScenario(setup.federation, config, curve);
  return { plan: planStrategies(scenario, [name], config.seed), curve };
}

export interface SimulateOptions {
  /** the engine that trains, generates and aggregates (default: a JS reference engine, disposed at the end) */
  engine?: Engine;
  /** a checkpoint to continue from (its config must be `config`) */
  resume?: SimulationState;
  /** after each finished round, all strategies done (e.g. write a checkpoint) */
  onRound?: (state: SimulationState) => void | Promise<void>;
  /** after each (round, strategy) step: progress */
  onStep?: (done: number, total: number, round: number, strategy: StrategyName) => void;
}

/**
 * Run (or continue) a simulation: rounds × strategies of generate → train → aggregate → test.
 *
 * @example
 * const data = loadFederatedData();
 * const setup = setUpSimulation(data, config);
 * const state = await simulate(data, setup, config, { engine });
 * state.strategies.mechanism!.rounds.at(-1)!.accuracy;
 */
export function simulate(
  data: FederatedData,
  setup: SimulationSetup,
  config: SimulationConfig,
  options?: SimulateOptions,
): Promise<SimulationState>;
/** @deprecated Use `simulate(data, setup, config, { ...options, engine })`: the one form of domain code on an engine. */
export function simulate(
  engine: Engine,
  data: FederatedData,
  setup: SimulationSetup,
  config: SimulationConfig,
  options?: SimulateOptions,
): Promise<SimulationState>;
export async function simulate(
  ...args:
    | [FederatedData, SimulationSetup, SimulationConfig, SimulateOptions?]
    | [Engine, FederatedData, SimulationSetup, SimulationConfig, SimulateOptions?]
): Promise<SimulationState> {
  const [data, setup, config, options = {}] = (
    args[0] instanceof Engine ? [args[1], args[2], args[3], { ...args[4], engine: args[0] }] : args
  ) as [FederatedData, SimulationSetup, SimulationConfig, SimulateOptions?];
  optionsRecord(options, ['engine', 'resume', 'onRound', 'onStep'], 'options');
  for (const k of ['onRound', 'onStep'] as const)
    if (options[k] !== undefined && typeof options[k] !== 'function')
      throw invalidArgument(`options.${k}`, 'a function', options[k]);
  if (options.resume !== undefined && (typeof options.resume !== 'object' || options.resume === null))
    throw invalidArgument('options.resume', 'a SimulationState (from simulate or stateFromJSON)', options.resume);
  return onEngineOption(options.engine, 'simulate', (engine) => simulateOn(engine, data, setup, config, options));
}

async function simulateOn(
  engine: Engine,
  data: FederatedData,
  setup: SimulationSetup,
  config: SimulationConfig,
  options: SimulateOptions,
): Promise<SimulationState> {
  checkSimulationConfig(config);
  if (typeof setup !== 'object' || setup === null || !setup.plan || !setup.model || !setup.federation)
    throw invalidArgument('setup', 'a SimulationSetup (from setUpSimulation)', setup);
  checkFederatedData(data, config);
  const state: SimulationState = options.resume ?? { config, completedRounds: 0, strategies: {} };
  if (options.resume && JSON.stringify(options.resume.config) !== JSON.stringify(config))
    throw invalidArgument('resume', 'a checkpoint of the same config', 'a checkpoint of another config');
  const { model, federation, generator } = setup;
  const online = config.recalibrate === 'online';
  if (online && data.validation?.y.length !== config.validation)
    throw invalidArgument(
      'data.validation',
      `the ${config.validation} validation images config.validation names (loadFederatedData's validation option)`,
      data.validation ? `${data.validation.y.length} images` : 'none',
    );
  const init = model.init(new Random(deriveSeed(config.seed, 3)));
  for (const s of config.strategies) state.strategies[s] ??= { rounds: [], params: Float32Array.from(init) };
  const target = new Array<number>(10).fill(0.1);
  const reference = setup.plan.model.curve.reference;
  const total = config.rounds * config.strategies.length;
  let done = state.completedRounds * config.strategies.length;
  // Sampling is a GEMM: on the engine's kernel unless the engine is the JS reference.
  const synthetic = new SyntheticDraws(generator, config.seed, engine.backend !== 'js' ? { engine } : {});
  for (let round = state.completedRounds; round < config.rounds; round++) {
    synthetic.clear();
    for (const name of config.strategies) {
      const t0 = performance.now();
      const run = state.strategies[name]!;
      const { plan, curve } = online ? onlinePlan(setup, config, name, run.rounds) : { plan: setup.plan, curve: null };
      const x = strategyAmounts(plan, name, round);
      const generated = Array.from(x, (v, i) => Math.min(Math.round(v), Math.floor(plan.model.X[i]!)));
      const orgs: Organization[] = [];
      const counts: number[][] = [];
      for (let k = 0; k < federation.organizations.length; k++) {
        const org = federation.organizations[k]!;
        const h = federation.labelCounts[k]!.slice();
        if (generated[k]! > 0) {
          const classCounts = syntheticClassCounts(h, target, generated[k]!);
          classCounts.forEach((c, j) => (h[j]! += c));
          orgs.push({ real: org.real, synthetic: await synthetic.take(round, k, classCounts) });
        } else {
          orgs.push(org);
        }
        counts.push(h);
      }
      const r = await federatedRound(run.params, orgs, {
        engine,
        model,
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        momentum: config.momentum,
        seed: deriveSeed(config.seed, 5),
        round,
        // Local training on the engine's kernels; the plain-JS reference when the engine is the JS one.
        trainOnEngine: engine.backend !== 'js',
      });
      run.params = r.params;
      // Tested where it trained: the CNN's forward on the engine's kernels unless that engine is the JS reference.
      const test = (set: LabeledSamples) => evaluateWhereTrained(engine, model, r.params, set);
      const ev = await test(data.test);
      const xs = Float64Array.from(generated);
      const pred = predicted(plan.model, xs);
      const pred0 = predicted(plan.model, new Float64Array(xs.length));
      const P = reference - ev.loss;
      const utilities = utilitiesAtPerformance(plan.model, xs, P);
      const record: SimulationRound = {
        round: round + 1,
        accuracy: ev.accuracy,
        loss: ev.loss,
        generated,
        utilities: Array.from(utilities),
        predictedUtilities: Array.from(utilitiesAtPerformance(plan.model, xs, reference - pred.loss)),
        performance: P,
        predictedPerformance: reference - pred.loss,
        gain: null,
        predictedGain: pred0.loss - pred.loss,
        heterogeneity: federationHeterogeneity(counts, target),
        predictedHeterogeneity: pred.heterogeneity,
        seconds: 0,
      };
      if (online) {
        const v = await test(data.validation!);
        record.curve = curve!;
        record.validationLoss = v.loss;
        record.validationLossStandardError = v.lossStandardError;
      }
      if (name === 'mechanism' && plan.mechanism) {
        record.payoffs = Array.from(
          mechanismPayoffs(
            plan.mechanism,
            utilities.reduce((a, b) => a + b, 0),
          ),
        );
      }
      record.seconds = (performance.now() - t0) / 1000;
      run.rounds.push(record);
      options.onStep?.(++done, total, round + 1, name);
    }
    const vcfl = state.strategies.vcfl?.rounds[round];
    for (const name of config.strategies) {
      const rec = state.strategies[name]!.rounds[round]!;
      rec.gain = vcfl ? rec.performance - vcfl.performance : null;
    }
    state.completedRounds = round + 1;
    await options.onRound?.(state);
  }
  return state;
}

/** Float32 parameters as base64 (exact), for the checkpoint. */
function paramsToBase64(p: Float32Array): string {
  return Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64');
}

function paramsFromBase64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** The checkpoint's JSON text (parameters exact, as base64 float32). */
export function stateToJSON(state: SimulationState): string {
  const strategies: Record<string, { rounds: SimulationRound[]; params: string }> = {};
  for (const [name, run] of Object.entries(state.strategies)) {
    strategies[name] = { rounds: run!.rounds, params: paramsToBase64(run!.params) };
  }
  return JSON.stringify({ format: 'cocogen-simulation-checkpoint', version: 1, ...state, strategies });
}

/** Read a checkpoint written by {@link stateToJSON}; throws IO-style INVALID_ARGUMENT naming what is wrong. */
export function stateFromJSON(text: string, source = 'checkpoint'): SimulationState {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw invalidArgument(source, 'a simulation checkpoint (JSON)', `text that is not JSON (${(e as Error).message})`);
  }
  const o = j as {
    format?: unknown;
    version?: unknown;
    config?: SimulationConfig;
    completedRounds?: unknown;
    strategies?: Record<string, { rounds: SimulationRound[]; params: string }>;
  };
  if (!o || o.format !== 'cocogen-simulation-checkpoint' || o.version !== 1 || !o.config || !o.strategies)
    throw invalidArgument(source, 'a cocogen simulation checkpoint (version 1)', o?.format ?? 'another JSON document');
  // Checkpoints from before online recalibration: their runs are 'none' runs.
  const legacy = o.config as Partial<SimulationConfig>;
  o.config = {
    ...o.config,
    recalibrate: legacy.recalibrate ?? 'none',
    validation: legacy.validation ?? 0,
    curveUncertainty: legacy.curveUncertainty ?? null,
    // and from before MNIST: their runs are Fashion-MNIST runs.
    dataset: legacy.dataset ?? 'fashion-mnist',
  };
  checkSimulationConfig(o.config);
  const completed = o.completedRounds;
  if (!(Number.isInteger(completed) && (completed as number) >= 0 && (completed as number) <= o.config.rounds))
    throw invalidArgument(`${source}.completedRounds`, `an integer in [0, ${o.config.rounds}]`, completed);
  const strategies: SimulationState['strategies'] = {};
  for (const name of o.config.strategies) {
    const run = o.strategies[name];
    if (!run || !Array.isArray(run.rounds) || run.rounds.length !== completed || typeof run.params !== 'string')
      throw invalidArgument(`${source}.strategies.${name}`, `${completed} finished rounds and parameters`, run);
    strategies[name] = { rounds: run.rounds, params: paramsFromBase64(run.params) };
  }
  const backend = (o as { backend?: unknown }).backend;
  return {
    config: o.config,
    completedRounds: completed as number,
    strategies,
    ...(typeof backend === 'string' ? { backend } : {}),
  };
}

/**
 * The learning curve calibrated on the shipped subset with `cocogen calibrate` at its defaults (softmax regression,
 * 5 organizations, sizes 250–4000, α ∈ {0.1, 0.5, 10}, 5 FedAvg rounds of 1 epoch at learning rate 0.01, seed 1;
 * R² = 0.975 over the 15 points), so that a Fashion-MNIST simulation
 * without `--curve` needs no calibration run. Recalibrate for other data, models or recipes (the other datasets and
 * models have their own: see `builtInCurve`).
 */
export const SUBSET_SOFTMAX_CURVE: Readonly<LearningCurveInput & { rSquared: number }> = {
  floor: 0.1962372524181351,
  scale: 15.71358592945336,
  exponent: 0.3961418453839174,
  heterogeneity: 0.09573605007989688,
  reference: Math.log(10),
  rSquared: 0.9745126417020564,
};

/**
 * What the shipped curve's calibration (the same run) says about its uncertainty: the standard errors of
 * (L∞, A, β, η) and the residual RMSE over its 15 points. The prior of online recalibration.
 */
export const SUBSET_SOFTMAX_UNCERTAINTY: Readonly<CurveUncertainty> = {
  standardErrors: {
    floor: 0.34362310118726247,
    scale: 8.159498061063672,
    exponent: 0.1258839305442192,
    heterogeneity: 0.03247097768218789,
  },
  rmse: 0.06768101000938048,
};

/** Validation images the server holds out of the public split under online recalibration, unless told otherwise. */
export const DEFAULT_VALIDATION = 500;

/** Defaults of a simulation (what `cocogen simulate` and `cocogen demo` start from). */
export const SIMULATION_DEFAULTS: Omit<SimulationConfig, 'curve' | 'curveSource' | 'curveUncertainty'> = {
  organizations: 5,
  rounds: 5,
  alpha: 0.5,
  competition: 0.3,
  rivalry: 0,
  seed: 1,
  strategies: ['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism'],
  model: 'softmax',
  hidden: 64,
  epochs: 1,
  batchSize: 32,
  learningRate: 0.01,
  momentum: 0.9,
  cost: 5e-5,
  cap: 1,
  privateGain: 0,
  dataset: 'fashion-mnist',
  data: null,
  pool: null,
  testCount: null,
  generator: { components: 8, iterations: 6 },
  recalibrate: 'none',
  validation: 0,
};
