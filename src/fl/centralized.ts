/**
 * Centralized training of one task (docs/tasks.md): every owned sample in one place, local SGD with momentum, the
 * test split evaluated after every epoch. It is the reference a federation of the same data approaches: what the task
 * allows when nothing is skewed, split or withheld.
 */
import { invalidArgument } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { integerOption, optionsRecord, seedOption } from '../util/options.js';
import { Random } from '../util/random.js';
import type { Model } from './models.js';
import type { LabeledSamples } from './samples.js';
import { evaluateWhereTrained } from './engine-evaluation.js';
import { deriveSeed, trainLocal } from './train.js';

export interface CentralizedOptions {
  model: Model;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  /** seeds the initial parameters and each epoch's minibatch order */
  seed: number;
  engine: Engine;
  /** called after each epoch with what it measured */
  onEpoch?: (epoch: CentralizedEpoch) => void;
}

const CENTRALIZED_KEYS = ['model', 'epochs', 'batchSize', 'learningRate', 'momentum', 'seed', 'engine', 'onEpoch'];

export interface CentralizedEpoch {
  epoch: number;
  /** mean minibatch loss over the epoch */
  trainLoss: number;
  testAccuracy: number;
  testLoss: number;
  /** wall seconds of the epoch's training (the evaluation apart) */
  seconds: number;
}

export interface CentralizedResult {
  epochs: CentralizedEpoch[];
  params: Float32Array;
  trainCount: number;
  testCount: number;
}

/**
 * Train `model` from its seeded initial parameters on all of `train`, one `trainLocal` call per epoch (the velocity
 * restarts each epoch, as in every local training of a federated round), and test after each (`evaluateWhereTrained`).
 */
export async function trainCentralized(
  train: LabeledSamples,
  test: LabeledSamples,
  options: CentralizedOptions,
): Promise<CentralizedResult> {
  optionsRecord(options, CENTRALIZED_KEYS, 'options');
  const { model, epochs, seed } = options;
  // The rest (model, sizes, rates, seed, engine) trainLocal checks on the first epoch, before any work.
  integerOption(options, 'epochs', undefined, 1, Number.MAX_SAFE_INTEGER);
  seedOption(options, 'seed', undefined);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function')
    throw invalidArgument('options.onEpoch', 'a function', options.onEpoch);
  if (typeof model !== 'object' || model === null || typeof model.init !== 'function')
    throw invalidArgument('options.model', 'a Model (createModel)', model);
  let params = model.init(new Random(deriveSeed(seed, 0)));
  const out: CentralizedEpoch[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    const r = await trainLocal(params, train, {
      model,
      epochs: 1,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      momentum: options.momentum,
      seed: deriveSeed(seed, 1, epoch),
      engine: options.engine,
    });
    const seconds = (performance.now() - t0) / 1000;
    params = r.params;
    const ev = await evaluateWhereTrained(options.engine, model, params, test);
    const e = { epoch, trainLoss: r.loss, testAccuracy: ev.accuracy, testLoss: ev.loss, seconds };
    out.push(e);
    options.onEpoch?.(e);
  }
  return { epochs: out, params, trainCount: train.y.length, testCount: test.y.length };
}
