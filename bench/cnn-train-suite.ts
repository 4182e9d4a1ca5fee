/**
 * The CNN's training benchmark (docs/benchmarks.md): centralized local SGD with momentum of the CNN
 * (src/fl/models.ts) on the MNIST subset's owned images (5,000 by default), batch 32, on the native engine's conv,
 * pool and dense kernels, the shipped test split evaluated after every epoch. In the same run the JS reference
 * (`trainLocal` without an engine) trains the same network from the same parameters on the first --js-rows rows of
 * the epoch's order, so the native/JS ratio per training row is measured on this machine, not assumed.
 */
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src/engine/engine.js';
import { loadDataset, splitPublic, SUBSET_PUBLIC_COUNT } from '../src/fl/datasets.js';
import { createModel } from '../src/fl/models.js';
import { samplesOf, selectSamples } from '../src/fl/samples.js';
import { evaluate, trainLocal } from '../src/fl/train.js';
import { Random } from '../src/util/random.js';
import type { BenchResult } from './harness.js';
import type { Suite } from './suite.js';

function num(values: Record<string, string | boolean | undefined>, key: string): number {
  const v = Number(values[key]);
  if (!Number.isFinite(v)) throw new Error(`--${key} must be a number, got ${String(values[key])}`);
  return v;
}

export const cnnTrainSuite: Suite = {
  name: 'cnn-train',
  help:
    'cnn-train [--dataset mnist] [--rows 5000] [--epochs 3] [--lr 0.02] [--momentum 0.9] [--batch 32] [--seed 1]\n' +
    '        [--js-rows 320] [--backend native]\n' +
    '    centralized CNN on the shipped subset (its owned images) on an engine: test accuracy and seconds per epoch;\n' +
    '    then the JS reference on --js-rows rows (0: skip) for the engine/JS ratio per epoch.',
  options: {
    dataset: { type: 'string', default: 'mnist' },
    rows: { type: 'string', default: '5000' },
    epochs: { type: 'string', default: '3' },
    lr: { type: 'string', default: '0.02' },
    momentum: { type: 'string', default: '0.9' },
    batch: { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
    'js-rows': { type: 'string', default: '320' },
    backend: { type: 'string', default: 'native' },
  },
  async run(values, log) {
    const epochs = num(values, 'epochs');
    const learningRate = num(values, 'lr');
    const momentum = num(values, 'momentum');
    const batchSize = num(values, 'batch');
    const seed = num(values, 'seed');
    const jsRows = num(values, 'js-rows');
    const backend = String(values.backend) as 'native' | 'webgpu' | 'js';
    const dataset = String(values.dataset) as 'mnist' | 'fashion-mnist';
    const { owned } = splitPublic(loadDataset(dataset, 'train'), SUBSET_PUBLIC_COUNT);
    const all = samplesOf(owned);
    const train = selectSamples(
      all,
      Int32Array.from({ length: Math.min(num(values, 'rows'), all.y.length) }, (_, i) => i),
    );
    const test = samplesOf(loadDataset(dataset, 'test'));
    const n = train.y.length;
    log(`data: ${dataset} subset (${n} owned train rows, ${test.y.length} test)`);
    const model = createModel({ kind: 'cnn', inputs: 784, classes: 10 });
    const init = model.init(new Random(seed));
    const engine = await createEngine({ backend });
    const recipe = { model, epochs: 1, batchSize, learningRate, momentum };
    let params = init;
    const rows: (string | number)[][] = [];
    const results: BenchResult[] = [];
    let trainSeconds = 0;
    let last = { accuracy: NaN, loss: NaN };
    for (let epoch = 0; epoch < epochs; epoch++) {
      // One epoch per call: the velocity restarts each epoch (as in every local training of a federated round).
      const t0 = performance.now();
      const r = await trainLocal(params, train, { ...recipe, seed: seed + 100 + epoch, engine });
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      params = r.params;
      const t1 = performance.now();
      last = evaluate(model, params, test);
      const evalSeconds = (performance.now() - t1) / 1000;
      log(
        `epoch ${epoch + 1}/${epochs}: train loss ${r.loss.toFixed(4)}, test acc ${(100 * last.accuracy).toFixed(2)} %, ` +
          `${seconds.toFixed(2)} s train, ${evalSeconds.toFixed(2)} s eval (JS reference forward)`,
      );
      rows.push([
        `${backend} epoch ${epoch + 1}`,
        r.loss.toFixed(4),
        (100 * last.accuracy).toFixed(2),
        seconds.toFixed(2),
      ]);
      results.push({ name: `${backend}::epoch${epoch + 1}`, meanMs: seconds * 1000, rmePercent: 0, samples: 1 });
    }
    engine.dispose();
    const perEpoch = trainSeconds / Math.max(1, epochs);
    const summary: Record<string, number | string> = {
      model: 'cnn conv5x5x16-pool-conv5x5x32-pool-dense10',
      recipe: `SGD momentum ${momentum}, lr ${learningRate}, batch ${batchSize}, ${epochs} epochs of ${n} rows, seed ${seed}`,
      [`${backend}::final test accuracy`]: last.accuracy,
      [`${backend}::seconds per epoch`]: perEpoch,
      'target ≥ 97 %': last.accuracy >= 0.97 ? 'met' : 'not met',
    };
    if (jsRows > 0) {
      const part = selectSamples(
        train,
        Int32Array.from({ length: Math.min(jsRows, n) }, (_, i) => i),
      );
      const t0 = performance.now();
      trainLocal(init, part, { ...recipe, seed });
      const seconds = (performance.now() - t0) / 1000;
      const jsPerEpoch = (seconds * n) / part.y.length;
      log(`js reference: ${part.y.length} rows in ${seconds.toFixed(2)} s → ${jsPerEpoch.toFixed(1)} s per epoch`);
      rows.push([`js ${part.y.length} rows → epoch`, '', '', jsPerEpoch.toFixed(2)]);
      results.push({ name: 'js::epoch (extrapolated)', meanMs: jsPerEpoch * 1000, rmePercent: 0, samples: 1 });
      summary['js::seconds per epoch (extrapolated)'] = jsPerEpoch;
      summary[`${backend} / js (epoch time ratio)`] = jsPerEpoch / perEpoch;
    }
    summary['torch baseline'] = 'skipped: python3-torch is not installed on this machine';
    return { results, summary, table: { headers: ['run', 'train loss', 'test acc %', 's train'], rows } };
  },
};
