/**
 * Centralized training benchmark (its accuracy target, docs/benchmarks.md): the MLP 784-h-10 (ReLU, softmax cross-entropy) on
 * the full Fashion-MNIST (60k train / 10k test, or --data DIR) trained on the native engine's kernels
 * (`engine.trainDense`: one call into the addon per epoch, the velocity carried across epochs), minibatch SGD with
 * heavy-ball momentum and a cosine learning-rate decay per epoch. After every epoch the test set is evaluated
 * (JS reference forward pass, timed apart). Then, in the same run, the JS reference (`trainLocal`) trains the
 * same network on the first --js-rows rows of a shuffled epoch, so the native/JS ratio per training row means
 * something; its seconds per epoch are extrapolated from those rows.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AddonGemmInfo } from '../bindings/addon.js';
import { createEngine, type GemmChoice } from '../src/engine/engine.js';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../src/fl/fashion-mnist.js';
import { createModel } from '../src/fl/models.js';
import { samplesOf, selectSamples } from '../src/fl/samples.js';
import { evaluate, trainLocal } from '../src/fl/train.js';
import { Random } from '../src/util/random.js';
import { runTorchBaseline, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

function num(values: Record<string, string | boolean | undefined>, key: string): number {
  const v = Number(values[key]);
  if (!Number.isFinite(v)) throw new Error(`--${key} must be a number, got ${String(values[key])}`);
  return v;
}

export const trainSuite: Suite = {
  name: 'train',
  help:
    'train [--data DIR] [--epochs 12] [--hidden 256] [--lr 0.05] [--momentum 0.9] [--batch 64] [--schedule cosine|constant]\n' +
    '        [--seed 1] [--js-rows 6000] [--threads N] [--gemm auto|own|blas] [--torch-epochs 2]\n' +
    '    centralized MLP 784-h-10 on full Fashion-MNIST on the native engine: test accuracy, loss and seconds per\n' +
    '    epoch; then the JS reference on --js-rows rows (0: skip) for the native/JS ratio per epoch. --gemm picks the\n' +
    '    native SGEMM (docs/engine.md#native-gemm).',
  options: {
    data: { type: 'string', default: FASHION_MNIST_DIR },
    epochs: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '256' },
    lr: { type: 'string', default: '0.05' },
    momentum: { type: 'string', default: '0.9' },
    batch: { type: 'string', default: '64' },
    schedule: { type: 'string', default: 'cosine' },
    seed: { type: 'string', default: '1' },
    'js-rows': { type: 'string', default: '6000' },
    threads: { type: 'string' },
    gemm: { type: 'string', default: 'auto' },
    'torch-epochs': { type: 'string', default: '2' },
  },
  async run(values, log) {
    const dir = String(values.data);
    const epochs = num(values, 'epochs');
    const hidden = num(values, 'hidden');
    const lr0 = num(values, 'lr');
    const momentum = num(values, 'momentum');
    const batchSize = num(values, 'batch');
    const seed = num(values, 'seed');
    const jsRows = num(values, 'js-rows');
    const schedule = String(values.schedule);
    if (schedule !== 'cosine' && schedule !== 'constant') throw new Error('--schedule must be cosine or constant');

    const train = samplesOf(loadFashionMnist(dir, 'train'));
    const test = samplesOf(loadFashionMnist(dir, 'test'));
    const n = train.y.length;
    log(`data: ${dir} (${n} train, ${test.y.length} test)`);
    const model = createModel({ kind: 'mlp', inputs: 784, hidden, classes: 10 });
    const dims = [784, hidden, 10];
    const init = model.init(new Random(seed));

    const engine = await createEngine({
      backend: 'native',
      ...(values.threads !== undefined ? { threads: num(values, 'threads') } : {}),
      gemm: String(values.gemm) as GemmChoice,
    });
    log(`native GEMM: ${(engine.info().details as { gemm: AddonGemmInfo }).gemm.description}`);
    const params = Float32Array.from(init);
    const velocity = new Float32Array(params.length);
    const rng = new Random(seed + 1);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const rows: (string | number)[][] = [];
    const results: BenchResult[] = [];
    let trainSeconds = 0;
    let fastest = Infinity;
    let last = { accuracy: NaN, loss: NaN };
    let best = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const lr = schedule === 'cosine' ? lr0 * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)) : lr0;
      rng.shuffle(order);
      const t0 = performance.now();
      const { losses } = await engine.trainDense({
        dims,
        params,
        velocity,
        x: train.x,
        labels: train.y,
        order,
        epochRows: n,
        batchSize,
        learningRate: lr,
        momentum,
      });
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      fastest = Math.min(fastest, seconds);
      let trainLoss = 0;
      for (const l of losses) trainLoss += l;
      trainLoss /= losses.length;
      const t1 = performance.now();
      const ev = evaluate(model, params, test);
      const evalSeconds = (performance.now() - t1) / 1000;
      last = ev;
      best = Math.max(best, ev.accuracy);
      log(
        `epoch ${epoch + 1}/${epochs}: lr ${lr.toFixed(4)}, train loss ${trainLoss.toFixed(4)}, test acc ${(100 * ev.accuracy).toFixed(2)} %, ` +
          `test loss ${ev.loss.toFixed(4)}, ${seconds.toFixed(2)} s train, ${evalSeconds.toFixed(2)} s eval`,
      );
      rows.push([
        `native epoch ${epoch + 1}`,
        lr.toFixed(4),
        trainLoss.toFixed(4),
        (100 * ev.accuracy).toFixed(2),
        ev.loss.toFixed(4),
        seconds.toFixed(2),
      ]);
      results.push({ name: `native::epoch${epoch + 1}`, meanMs: seconds * 1000, rmePercent: 0, samples: 1 });
    }
    engine.dispose();
    const nativePerEpoch = trainSeconds / Math.max(1, epochs);
    const summary: Record<string, number | string> = {
      model: `mlp 784-${hidden}-10`,
      recipe: `SGD momentum ${momentum}, lr ${lr0} (${schedule}), batch ${batchSize}, ${epochs} epochs, seed ${seed}`,
      'native::final test accuracy': last.accuracy,
      'native::final test loss': last.loss,
      'native::best test accuracy': best,
      'native::seconds per epoch': nativePerEpoch,
      'target ≥ 87 %': last.accuracy >= 0.87 ? 'met' : 'not met',
    };

    if (jsRows > 0) {
      // The JS reference on the first jsRows rows of a shuffled epoch, from the same initial parameters.
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      new Random(seed + 2).shuffle(perm);
      const part = selectSamples(train, perm.subarray(0, Math.min(jsRows, n)));
      const t0 = performance.now();
      trainLocal(init, part, { model, epochs: 1, batchSize, learningRate: lr0, momentum, seed });
      const seconds = (performance.now() - t0) / 1000;
      const jsPerEpoch = (seconds * n) / part.y.length;
      log(
        `js reference: ${part.y.length} rows in ${seconds.toFixed(2)} s → ${jsPerEpoch.toFixed(1)} s per epoch (extrapolated)`,
      );
      rows.push([`js ${part.y.length} rows → epoch`, lr0.toFixed(4), '', '', '', jsPerEpoch.toFixed(2)]);
      results.push({ name: 'js::epoch (extrapolated)', meanMs: jsPerEpoch * 1000, rmePercent: 0, samples: 1 });
      summary['js::seconds per epoch (extrapolated)'] = jsPerEpoch;
      summary['native / js (epoch time ratio)'] = jsPerEpoch / nativePerEpoch;
    }
    const torchEpochs = num(values, 'torch-epochs');
    if (torchEpochs > 0) {
      const threads = values.threads !== undefined ? num(values, 'threads') : availableParallelism();
      const torch = torchEpoch(dir, { hidden, batchSize, lr: lr0, momentum, epochs: torchEpochs, threads, seed });
      if ('skipped' in torch) {
        log(`torch: skipped (${torch.skipped})`);
        summary['torch'] = `skipped: ${torch.skipped}`;
      } else {
        // The fastest epoch: the first pays torch's warm-up, as the native side's first pays its pool's.
        const perEpoch = Math.min(...torch.seconds);
        log(`torch ${torch.version}, ${torch.threads} threads: ${torch.seconds.map((v) => v.toFixed(2)).join(', ')} s`);
        rows.push([
          `torch ${torch.version} epoch (fastest of ${torch.seconds.length})`,
          lr0.toFixed(4),
          '',
          '',
          '',
          perEpoch.toFixed(2),
        ]);
        results.push({ name: 'torch::epoch', meanMs: perEpoch * 1000, rmePercent: 0, samples: torch.seconds.length });
        summary['torch::seconds per epoch'] = perEpoch;
        summary['native::fastest epoch'] = fastest;
        summary['torch / native (epoch time ratio, fastest each)'] = perEpoch / fastest;
      }
    }
    return {
      results,
      summary,
      table: { headers: ['run', 'lr', 'train loss', 'test acc %', 'test loss', 's train'], rows },
    };
  },
};

/** bench/torch_mlp.py: seconds of each epoch of the same MLP in PyTorch's CPU build, or why it could not run. */
function torchEpoch(
  dir: string,
  o: { hidden: number; batchSize: number; lr: number; momentum: number; epochs: number; threads: number; seed: number },
): { seconds: number[]; version: string; threads: number } | { skipped: string } {
  const args = [dir, o.hidden, o.batchSize, o.lr, o.momentum, o.epochs, o.threads, o.seed];
  type Run = { seconds: number[]; torch: string; threads: number };
  const r = runTorchBaseline<Run>('torch_mlp.py', args, (a, b) => Math.min(...a.seconds) < Math.min(...b.seconds));
  return 'skipped' in r ? r : { seconds: r.run.seconds, version: r.run.torch, threads: r.run.threads };
}
