import { createEngine } from '../../engine/engine.js';
import { trainCentralized, type CentralizedEpoch } from '../../fl/centralized.js';
import { DATASET_INFO, DEFAULT_DATASET } from '../../fl/datasets.js';
import { createModel } from '../../fl/models.js';
import { SIMULATION_DEFAULTS } from '../../fl/simulation.js';
import {
  backendFlag,
  dataDirFlag,
  datasetFlag,
  integerFlag,
  modelFlag,
  noPositionals,
  numberFlag,
  seedFlag,
} from '../flags.js';
import { counted, formatSeconds, type Io, table } from '../output.js';
import { loadFlaggedData } from '../simulation-run.js';
import { createProgress } from '../progress.js';

export const TRAIN_HELP = `cocogen train [--dataset fashion-mnist|mnist] [--data DIR] [--model softmax|mlp|cnn] [--epochs E]
              [--pool P] [--batch B] [--lr R] [--momentum M] [--backend B] [--seed S] [--json]
  Centralized training of one task: every sample the organizations of a simulation would own (the dataset's
  shipped subset less its public split, or what --data DIR holds; --pool P: a seeded draw of P of them) in one
  place, minibatch SGD with momentum on the engine for E epochs (the velocity restarts each epoch, as in a
  federated round), the test split evaluated after each: the reference a federation of the same data approaches.
  The recipe defaults to the simulation's.
  Defaults: --dataset fashion-mnist --model softmax --epochs 5 --batch 32 --lr 0.01 --momentum 0.9
  --backend auto --seed 1 (the MLP has 64 hidden units, as in simulate).
  --json prints { config, epochs: [{ epoch, trainLoss, testAccuracy, testLoss, seconds }], seconds }.`;

export async function trainCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  noPositionals(positionals, 'train');
  const json = Boolean(values.json);
  const dataset = datasetFlag(values.dataset, DEFAULT_DATASET);
  const dataDir = dataDirFlag(values.data);
  const kind = modelFlag(values.model);
  const epochs = integerFlag(values.epochs, '--epochs', 1, 1000, 5);
  const pool = values.pool === undefined ? undefined : integerFlag(values.pool, '--pool', 1, 1e9, 1);
  const batchSize = integerFlag(values.batch, '--batch', 1, 1e6, SIMULATION_DEFAULTS.batchSize);
  const learningRate = numberFlag(
    values.lr,
    '--lr',
    (v) => v > 0 && v < Infinity,
    'a finite number > 0',
    SIMULATION_DEFAULTS.learningRate,
  );
  const momentum = numberFlag(
    values.momentum,
    '--momentum',
    (v) => v >= 0 && v < 1,
    'a number in [0, 1)',
    SIMULATION_DEFAULTS.momentum,
  );
  const backend = backendFlag(values.backend, 'auto');
  const seed = seedFlag(values.seed, '--seed', 1);
  const data = loadFlaggedData(dataDir, { dataset, ...(pool !== undefined ? { pool, seed } : {}) });
  const model = createModel({
    kind,
    inputs: data.owned.x.length / data.owned.y.length,
    classes: 10,
    ...(kind === 'mlp' ? { hidden: SIMULATION_DEFAULTS.hidden } : {}),
  });
  const engine = await createEngine({ backend });
  const progress = createProgress(io, 'train', epochs);
  const t0 = performance.now();
  let trained: CentralizedEpoch[];
  try {
    const r = await trainCentralized(data.owned, data.test, {
      model,
      epochs,
      batchSize,
      learningRate,
      momentum,
      seed,
      engine,
      onEpoch: (e) =>
        progress.update(e.epoch, `test accuracy ${(100 * e.testAccuracy).toFixed(1)} %, loss ${e.testLoss.toFixed(3)}`),
    });
    trained = r.epochs;
  } finally {
    progress.done();
    engine.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const config = {
    dataset: data.dataset,
    data: data.dir,
    model: kind,
    parameters: model.parameterCount,
    train: data.owned.y.length,
    test: data.test.y.length,
    epochs,
    batchSize,
    learningRate,
    momentum,
    seed,
    backend: engine.backend,
  };
  if (json) {
    io.out(JSON.stringify({ config, epochs: trained, seconds }));
    return 0;
  }
  io.out(
    [
      `Centralized ${kind} (${model.parameterCount.toLocaleString('en-US')} parameters) on ${DATASET_INFO[dataset].title} in ${data.dir}: ` +
        `${counted(data.owned.y.length, 'training sample')}, ${counted(data.test.y.length, 'test sample')}, ` +
        `SGD batch ${batchSize}, lr ${learningRate}, momentum ${momentum}, seed ${seed}, ${engine.backend}`,
      '',
      table(
        ['epoch', 'train loss', 'test accuracy %', 'test loss', 'seconds'],
        trained.map((e) => [
          e.epoch,
          e.trainLoss.toFixed(3),
          (100 * e.testAccuracy).toFixed(1),
          e.testLoss.toFixed(3),
          e.seconds.toFixed(3),
        ]),
      ),
      '',
      `${formatSeconds(seconds)} s in all (the test evaluations included).`,
    ].join('\n'),
  );
  return 0;
}
