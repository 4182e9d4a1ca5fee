/**
 * Local training and federated rounds (DESIGN §5.4). Every random choice (minibatch order) comes from a seed
 * derived from (seed, round, organization), so a run is reproducible from its config, bit for bit on one backend.
 *
 * One round: each organization copies the global parameters, runs E epochs of minibatch SGD with momentum over
 * its real + synthetic samples, and the server aggregates the local models with FedAvg weighted by sample counts
 * (`engine.aggregate`, on whichever backend the engine runs).
 */
import { backendOfOption, Engine, onEngineOption } from '../engine/engine.js';
import { invalidArgument } from '../core/errors.js';
import { booleanOption, integerOption, numberOption, optionsRecord, seedOption } from '../util/options.js';
import { Random } from '../util/random.js';
import { cnnTrainSteps } from './cnn-training.js';
import type { Model } from './models.js';
import { cnnGeometry, sgdMomentumStep } from './models.js';
import { checkSamples, concatSamples, type LabeledSamples } from './samples.js';

export interface LocalTrainingOptions {
  model: Model;
  /** passes over the local data (E ≥ 1) */
  epochs: number;
  /** minibatch size (the last batch of an epoch may be smaller) */
  batchSize: number;
  learningRate: number;
  /** heavy-ball momentum (default 0.9); the velocity starts at zero in every local training */
  momentum?: number;
  weightDecay?: number;
  /** seeds the minibatch order */
  seed: number;
  /**
   * Train on this engine's kernels (`engine.trainDense`, the CNN `engine.trainCnn`: one call into the addon on
   * native) and resolve: the same seeded minibatch order and steps; bit-identical to the
   * reference on the `js` engine, within float32 accumulation on native and WebGPU.
   */
  engine?: Engine;
}

export interface LocalTrainingResult {
  /** the trained parameters (a new array) */
  params: Float32Array;
  /** samples trained on */
  samples: number;
  /** mean minibatch loss over the last epoch (NaN when there was no data) */
  loss: number;
  /** SGD steps taken */
  steps: number;
}

/** A seed for one (round, organization, …) from a run's seed, well mixed so that neighbours are unrelated. */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = new Random(seed).nextUint32();
  for (const p of path) h = new Random((h ^ Math.imul((p | 0) + 1, 0x9e3779b1)) >>> 0).nextUint32();
  return h;
}

const LOCAL_TRAINING_KEYS = [
  'model',
  'epochs',
  'batchSize',
  'learningRate',
  'momentum',
  'weightDecay',
  'seed',
  'engine',
];
const ROUND_KEYS = ['round', 'trainOnEngine'];

/** The check of every {@link LocalTrainingOptions} (keys: its own and `extra`), by name. */
function checkLocalOptions(o: LocalTrainingOptions, extra: readonly string[] = []): void {
  optionsRecord(o, [...LOCAL_TRAINING_KEYS, ...extra], 'options');
  if (o === undefined) throw invalidArgument('options', 'an object', o);
  if (!o.model || typeof o.model.lossAndGradient !== 'function')
    throw invalidArgument('options.model', 'a Model (createModel)', o.model);
  integerOption(o, 'epochs', undefined, 0, Number.MAX_SAFE_INTEGER);
  integerOption(o, 'batchSize', undefined, 1, Number.MAX_SAFE_INTEGER);
  numberOption(o, 'learningRate', undefined, (v) => v > 0 && v < Infinity, 'a finite number > 0');
  numberOption(o, 'momentum', 0.9, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  numberOption(o, 'weightDecay', 0, (v) => v >= 0 && v < Infinity, 'a finite number ≥ 0');
  seedOption(o, 'seed', undefined);
}

/**
 * E epochs of minibatch SGD with momentum from `initial` (not modified) over `data`, in a seeded order.
 *
 * @example
 * const model = createModel({ kind: 'softmax', inputs: 784, classes: 10 });
 * const r = trainLocal(model.init(new Random(0)), data, { model, epochs: 2, batchSize: 32, learningRate: 0.05, seed: 1 });
 */
export function trainLocal(
  initial: Float32Array,
  data: LabeledSamples,
  options: LocalTrainingOptions & { engine: Engine },
): Promise<LocalTrainingResult>;
export function trainLocal(
  initial: Float32Array,
  data: LabeledSamples,
  options: LocalTrainingOptions,
): LocalTrainingResult;
export function trainLocal(
  initial: Float32Array,
  data: LabeledSamples,
  options: LocalTrainingOptions,
): LocalTrainingResult | Promise<LocalTrainingResult> {
  checkLocalOptions(options);
  if (options.engine !== undefined) return trainLocalOnEngine(options.engine, initial, data, options);
  const { model, epochs, batchSize } = options;
  if (!(initial instanceof Float32Array) || initial.length !== model.parameterCount) {
    throw invalidArgument('initial', `a Float32Array of ${model.parameterCount} parameters`, initial);
  }
  const n = checkSamples('data', data, model.inputs, model.classes);
  const d = model.inputs;
  const params = Float32Array.from(initial);
  const grad = new Float32Array(params.length);
  const velocity = new Float32Array(params.length);
  const sgd = {
    learningRate: options.learningRate,
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 0,
  };
  const rng = new Random(options.seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const xb = new Float32Array(Math.min(batchSize, n) * d);
  const yb = new Uint8Array(Math.min(batchSize, n));
  let loss = NaN;
  let steps = 0;
  for (let epoch = 0; epoch < epochs && n > 0; epoch++) {
    rng.shuffle(order);
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      for (let j = 0; j < b; j++) {
        const i = order[start + j]!;
        xb.set(data.x.subarray(i * d, (i + 1) * d), j * d);
        yb[j] = data.y[i]!;
      }
      sum += model.lossAndGradient(params, xb.subarray(0, b * d), yb, b, grad);
      sgdMomentumStep(params, grad, velocity, sgd);
      batches++;
      steps++;
    }
    loss = sum / batches;
  }
  return { params, samples: n, loss, steps };
}

/** The dense-network widths of a model: [inputs, classes] or [inputs, hidden, classes]. */
function denseDims(model: Model): number[] {
  return model.kind === 'mlp' ? [model.inputs, model.hidden, model.classes] : [model.inputs, model.classes];
}

/** @deprecated Use `trainLocal(initial, data, { ...options, engine })`: the one form of domain code on an engine. */
export function trainLocalOn(
  engine: Engine,
  initial: Float32Array,
  data: LabeledSamples,
  options: LocalTrainingOptions,
): Promise<LocalTrainingResult> {
  return trainLocal(initial, data, { ...options, engine });
}

async function trainLocalOnEngine(
  engine: Engine,
  initial: Float32Array,
  data: LabeledSamples,
  options: LocalTrainingOptions,
): Promise<LocalTrainingResult> {
  backendOfOption(engine, 'trainLocal');
  const { model, epochs, batchSize } = options;
  if (!(initial instanceof Float32Array) || initial.length !== model.parameterCount) {
    throw invalidArgument('initial', `a Float32Array of ${model.parameterCount} parameters`, initial);
  }
  const n = checkSamples('data', data, model.inputs, model.classes);
  const params = Float32Array.from(initial);
  if (n === 0 || epochs === 0) return { params, samples: n, loss: NaN, steps: 0 };
  // The order trainLocal walks: the same generator, one in-place shuffle per epoch.
  const rng = new Random(options.seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const order = new Int32Array(epochs * n);
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(perm);
    order.set(perm, epoch * n);
  }
  const sgd = {
    batchSize,
    learningRate: options.learningRate,
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 0,
  };
  // The CNN trains through engine.trainCnn, the dense models through engine.trainDense: one addon call each on native.
  const losses =
    model.kind === 'cnn'
      ? await cnnTrainSteps(engine, { model, params, data, order, epochRows: n, ...sgd })
      : (
          await engine.trainDense({
            dims: denseDims(model),
            params,
            x: data.x,
            labels: data.y,
            order,
            epochRows: n,
            ...sgd,
          })
        ).losses;
  const perEpoch = Math.ceil(n / batchSize);
  let sum = 0;
  for (let i = losses.length - perEpoch; i < losses.length; i++) sum += losses[i]!;
  return { params, samples: n, loss: sum / perEpoch, steps: losses.length };
}

export interface Evaluation {
  /** fraction of rows whose arg-max logit is the label */
  accuracy: number;
  /** mean softmax cross-entropy */
  loss: number;
  /** standard error of `loss`: the spread of the per-row losses over √count (0 for fewer than 2 rows) */
  lossStandardError: number;
  count: number;
}

/** How {@link evaluate} runs: batch size (default 500) and, optionally, an engine. */
export interface EvaluateOptions {
  /** rows per forward (default 500; the CNN on an engine cuts its own) */
  batchSize?: number;
  /**
   * Compute the logits on this engine (the CNN: `engine.cnnLogits`, one addon call on native; the dense models:
   * `engine.denseForward` per layer) and resolve: the same accuracy and loss, bit-identical to the reference on
   * `js`, within float32 accumulation on native and WebGPU.
   */
  engine?: Engine;
}

/**
 * Accuracy and mean loss of `params` on a labelled set, in batches of `batchSize` rows (a number: the batch size).
 *
 * @example
 * const { accuracy } = evaluate(model, params, test); // the TS reference forward
 * const fast = await evaluate(model, params, test, { engine }); // on the engine's kernels
 */
export function evaluate(
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
  options: EvaluateOptions & { engine: Engine },
): Promise<Evaluation>;
export function evaluate(
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
  options?: number | EvaluateOptions,
): Evaluation;
export function evaluate(
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
  options: number | EvaluateOptions = {},
): Evaluation | Promise<Evaluation> {
  if (typeof model !== 'object' || model === null || typeof model.logits !== 'function')
    throw invalidArgument('model', 'a Model (createModel)', model);
  if (!(params instanceof Float32Array) || params.length !== model.parameterCount)
    throw invalidArgument('params', `a Float32Array of ${model.parameterCount} parameters`, params);
  if (typeof options === 'number' && !(Number.isSafeInteger(options) && options >= 1))
    throw invalidArgument('batchSize', 'an integer ≥ 1', options);
  const o = typeof options === 'number' ? { batchSize: options } : options;
  optionsRecord(o, ['batchSize', 'engine'], 'options');
  const batchSize = integerOption(o, 'batchSize', 500, 1, Number.MAX_SAFE_INTEGER);
  const n = checkSamples('test', test, model.inputs, model.classes);
  if (o.engine !== undefined) return evaluateOnEngine(o.engine, model, params, test, n, batchSize);
  const d = model.inputs;
  const score = new Score(model.classes);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    score.add(model.logits(params, test.x.subarray(start * d, (start + b) * d), b), test.y.subarray(start, start + b));
  }
  return score.result();
}

async function evaluateOnEngine(
  engine: Engine,
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
  n: number,
  batchSize: number,
): Promise<Evaluation> {
  backendOfOption(engine, 'evaluate');
  const score = new Score(model.classes);
  if (model.kind === 'cnn') {
    score.add(await engine.cnnLogits({ network: cnnGeometry(model).network, params, x: test.x }), test.y);
    return score.result();
  }
  const dims = denseDims(model);
  const d = model.inputs;
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    let h = test.x.subarray(start * d, (start + b) * d);
    for (let l = 0, at = 0; l + 1 < dims.length; l++) {
      const [inputs, outputs] = [dims[l]!, dims[l + 1]!];
      const w = params.subarray(at, at + inputs * outputs);
      const bias = params.subarray(at + inputs * outputs, at + inputs * outputs + outputs);
      h = await engine.denseForward({ x: h, w, bias, batch: b, inputs, outputs, relu: l + 2 < dims.length });
      at += inputs * outputs + outputs;
    }
    score.add(h, test.y.subarray(start, start + b));
  }
  return score.result();
}

/** Accuracy and softmax cross-entropy (float64) accumulated over batches of logits. */
class Score {
  #correct = 0;
  #count = 0;
  #total = 0;
  #squares = 0;

  constructor(private readonly classes: number) {}

  add(z: ArrayLike<number>, labels: ArrayLike<number>): void {
    const c = this.classes;
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i]!;
      let arg = 0;
      let max = -Infinity;
      for (let k = 0; k < c; k++) {
        const v = z[i * c + k]!;
        if (v > max) [max, arg] = [v, k];
      }
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(z[i * c + k]! - max);
      const l = Math.log(sum) + max - z[i * c + y]!;
      this.#total += l;
      this.#squares += l * l;
      if (arg === y) this.#correct++;
      this.#count++;
    }
  }

  result(): Evaluation {
    const n = this.#count;
    const mean = n > 0 ? this.#total / n : NaN;
    const variance = n > 1 ? Math.max(0, (this.#squares - n * mean * mean) / (n - 1)) : 0;
    return {
      accuracy: n > 0 ? this.#correct / n : NaN,
      loss: mean,
      lossStandardError: Math.sqrt(variance / n),
      count: n,
    };
  }
}

/** One organization's data in a round: its real shard and the synthetic samples it generated (if any). */
export interface Organization {
  real: LabeledSamples;
  synthetic?: LabeledSamples;
}

export interface FederatedRoundOptions extends LocalTrainingOptions {
  /** round index, mixed into each organization's seed (default 0) */
  round?: number;
  /**
   * Run local training on the engine's kernels (`trainLocal` with the engine) instead of the plain-JS reference
   * (the default); the average always runs on the engine.
   */
  trainOnEngine?: boolean;
}

export interface FederatedRoundResult {
  /** the aggregated global parameters */
  params: Float32Array;
  /** per organization: samples trained on (its FedAvg weight) and its last-epoch training loss */
  organizations: { samples: number; loss: number }[];
}

/**
 * One federated round: local training at every organization from `globalParams`, then FedAvg on `options.engine`
 * (the JS reference engine without one) weighted by each organization's sample count (real + synthetic).
 * Organizations without data take no part in the average; when none has data the global parameters come back
 * unchanged (a copy).
 *
 * @example
 * const engine = await createEngine({ backend: 'native' });
 * let params = model.init(new Random(seed));
 * for (let round = 0; round < 3; round++) {
 *   const recipe = { model, epochs: 1, batchSize: 32, learningRate: 0.05, seed, round };
 *   ({ params } = await federatedRound(params, orgs, { ...recipe, engine }));
 * }
 */
export function federatedRound(
  globalParams: Float32Array,
  orgs: readonly Organization[],
  options: FederatedRoundOptions,
): Promise<FederatedRoundResult>;
/** @deprecated Use `federatedRound(globalParams, orgs, { ...options, engine })`: the one form of domain code on an engine. */
export function federatedRound(
  engine: Engine,
  globalParams: Float32Array,
  orgs: readonly Organization[],
  options: FederatedRoundOptions,
): Promise<FederatedRoundResult>;
export function federatedRound(
  ...args:
    | [Float32Array, readonly Organization[], FederatedRoundOptions]
    | [Engine, Float32Array, readonly Organization[], FederatedRoundOptions]
): Promise<FederatedRoundResult> {
  if (args[0] instanceof Engine) {
    const [engine, globalParams, orgs, options] = args as [Engine, Float32Array, Organization[], FederatedRoundOptions];
    return federatedRoundWith(globalParams, orgs, { ...options, engine });
  }
  const [globalParams, orgs, options] = args as [Float32Array, Organization[], FederatedRoundOptions];
  return federatedRoundWith(globalParams, orgs, options);
}

async function federatedRoundWith(
  globalParams: Float32Array,
  orgs: readonly Organization[],
  options: FederatedRoundOptions,
): Promise<FederatedRoundResult> {
  checkLocalOptions(options, ROUND_KEYS);
  booleanOption(options, 'trainOnEngine', false);
  return onEngineOption(options.engine, 'federatedRound', (engine) =>
    federatedRoundOn(engine, globalParams, orgs, options),
  );
}

async function federatedRoundOn(
  engine: Engine,
  globalParams: Float32Array,
  orgs: readonly Organization[],
  options: FederatedRoundOptions,
): Promise<FederatedRoundResult> {
  if (!Array.isArray(orgs) || orgs.length === 0)
    throw invalidArgument('orgs', 'a non-empty array of organizations', orgs);
  const round = integerOption(options, 'round', 0, 0, Number.MAX_SAFE_INTEGER);
  const updates: Float32Array[] = [];
  const weights: number[] = [];
  const trained = orgs.map((org, k) => {
    if (org === null || typeof org !== 'object') throw invalidArgument(`orgs[${k}]`, '{ real, synthetic? }', org);
    const data = org.synthetic && org.synthetic.y.length > 0 ? concatSamples([org.real, org.synthetic]) : org.real;
    // The engine is the round's; local training runs on it only with trainOnEngine.
    const { engine: _engine, round: _round, trainOnEngine: _onEngine, ...rest } = options;
    const local = { ...rest, seed: deriveSeed(options.seed, round, k) };
    return options.trainOnEngine
      ? trainLocal(globalParams, data, { ...local, engine })
      : trainLocal(globalParams, data, local);
  });
  const organizations: { samples: number; loss: number }[] = [];
  // All settle before any result is used: a failure in one organization never leaves another's rejection unhandled.
  for (const r of await Promise.all(trained)) {
    if (r.samples > 0) {
      updates.push(r.params);
      weights.push(r.samples);
    }
    organizations.push({ samples: r.samples, loss: r.loss });
  }
  const params =
    updates.length === 0
      ? Float32Array.from(globalParams)
      : await engine.aggregate(updates, { rule: 'fedavg', weights });
  return { params, organizations };
}
