import { join } from 'node:path';
import { createEngine } from '../../engine/engine.js';
import { invalidArgumentText } from '../../errors.js';
import { calibrate, curveInputOf, curveLoss, DEFAULT_RECIPE, type CalibrationResult } from '../../fl/calibration.js';
import { loadFederatedData } from '../../fl/simulation-data.js';
import { panelsSvg, PALETTE, type Series } from '../../plot/line-chart.js';
import { toCsv, writeFileAtomic } from '../../util/atomic-write.js';
import {
  backendFlag,
  dataDirFlag,
  integerFlag,
  modelFlag,
  noPositionals,
  numberListFlag,
  outDirFlag,
  seedFlag,
} from '../flags.js';
import { formatNumber, table, type Io } from '../output.js';
import { createProgress } from '../progress.js';

export const CALIBRATE_HELP = `cocogen calibrate --out DIR [--data DIR] [--sizes LIST] [--alphas LIST] [--orgs K] [--rounds R]
                  [--epochs E] [--model softmax|mlp] [--backend B] [--seed S] [--json]
  Fits the game's learning curve L = L∞ + A·D^(−β) + η·H (DESIGN §3.2) to measured test loss. For every
  pooled size D in --sizes and Dirichlet α in --alphas, D samples are dealt to K organizations with
  Dirichlet(α) label skew (H is the pool's heterogeneity H_S = Σ (d_n/D)·‖p_n − p*‖₁², p* uniform), the
  federation trains R FedAvg rounds of E local epochs, and the global model's test loss is measured. The fit is
  nonlinear least squares (variable projection, Levenberg–Marquardt on β; L∞, A, η ≥ 0); R² is reported.
  Writes to DIR (atomically): calibration.json (fit, R², the game's learningCurve, points),
  calibration.csv (measured and fitted loss per point), calibration.svg (measured points vs fitted curve).
  Defaults: --data the shipped subset (data/fashion-mnist-subset), --sizes 250,500,1000,2000,4000,
  --alphas 0.1,0.5,10, --orgs 5, --rounds 5, --epochs 1, --model softmax, --backend js, --seed 1.
  --json prints { config, fit, learningCurve, points, files }. Progress goes to stderr on a terminal only.`;

export const CALIBRATE_DEFAULTS = {
  sizes: [250, 500, 1000, 2000, 4000],
  alphas: [0.1, 0.5, 10],
  organizations: 5,
};

export async function calibrateCommand(
  io: Io,
  values: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  const json = Boolean(values.json);
  noPositionals(positionals, 'calibrate');
  const out = outDirFlag(values.out, 'calibration.json, calibration.csv and calibration.svg');
  const data = dataDirFlag(values.data);
  const sizes = numberListFlag(
    values.sizes,
    '--sizes',
    (v) => Number.isInteger(v) && v >= 1,
    'an integer ≥ 1',
    CALIBRATE_DEFAULTS.sizes,
  ).sort((a, b) => a - b);
  const alphas = numberListFlag(
    values.alphas,
    '--alphas',
    (v) => v > 0,
    'a number > 0',
    CALIBRATE_DEFAULTS.alphas,
  ).sort((a, b) => a - b);
  const organizations = integerFlag(values.orgs, '--orgs', 1, 1000, CALIBRATE_DEFAULTS.organizations);
  const rounds = integerFlag(values.rounds, '--rounds', 1, 1000, DEFAULT_RECIPE.rounds);
  const epochs = integerFlag(values.epochs, '--epochs', 1, 1000, DEFAULT_RECIPE.epochs);
  const model = modelFlag(values.model);
  const backend = backendFlag(values.backend, 'js');
  const seed = seedFlag(values.seed, '--seed', 1);
  if (sizes.length * alphas.length < 4)
    throw invalidArgumentText(
      '--sizes',
      'with --alphas, a grid of at least 4 points (4 parameters are fitted)',
      `${sizes.length * alphas.length} points`,
    );

  const fm = loadFederatedData(data);
  const largest = sizes[sizes.length - 1]!;
  if (largest > fm.owned.y.length)
    throw invalidArgumentText(
      '--sizes',
      `sizes of at most ${fm.owned.y.length} (the samples organizations own in ${fm.dir})`,
      String(largest),
    );
  if (sizes[0]! < organizations)
    throw invalidArgumentText('--sizes', `sizes of at least --orgs (${organizations})`, String(sizes[0]));

  const engine = await createEngine({ backend });
  const progress = createProgress(io, 'calibrate', sizes.length * alphas.length);
  const t0 = performance.now();
  let result: CalibrationResult;
  try {
    result = await calibrate(engine, fm.owned, fm.test, {
      sizes,
      alphas,
      organizations,
      seed,
      recipe: { model, rounds, epochs },
      onPoint: (done, total, p) => progress.update(done, `D=${p.size} α=${p.alpha} loss ${p.loss.toFixed(3)}`),
    });
  } finally {
    progress.done();
    engine.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const { fit } = result;
  const learningCurve = curveInputOf(fit);
  const config = {
    data: fm.dir,
    sizes,
    alphas,
    organizations,
    seed,
    backend: engine.backend,
    recipe: result.recipe,
    test: fm.test.y.length,
  };
  const fitJson = {
    floor: fit.floor,
    scale: fit.scale,
    exponent: fit.exponent,
    heterogeneity: fit.heterogeneity,
    rSquared: fit.rSquared,
    rmse: fit.rmse,
    standardErrors: fit.standardErrors,
    atBound: fit.atBound,
    iterations: fit.iterations,
    converged: fit.converged,
  };
  const points = result.points.map((p, i) => ({ ...p, fitted: fit.fitted[i]! }));
  const files = {
    json: join(out, 'calibration.json'),
    csv: join(out, 'calibration.csv'),
    svg: join(out, 'calibration.svg'),
  };
  writeFileAtomic(files.json, JSON.stringify({ config, fit: fitJson, learningCurve, points, seconds }, null, 1) + '\n');
  writeFileAtomic(
    files.csv,
    toCsv(
      [
        'size D (samples)',
        'alpha',
        'heterogeneity H',
        'measured loss (nats)',
        'fitted loss (nats)',
        'accuracy',
        'shard sizes',
        'seconds',
      ],
      points.map((p) => [
        p.size,
        p.alpha,
        p.heterogeneity,
        p.loss,
        p.fitted,
        p.accuracy,
        p.shardSizes.join(';'),
        p.seconds,
      ]),
    ),
  );
  writeFileAtomic(files.svg, calibrationSvg(result, model));
  if (json) {
    io.out(JSON.stringify({ config, fit: fitJson, learningCurve, points, files, seconds }));
    return 0;
  }
  io.out(
    [
      `Calibrated on ${fm.dir}: ${points.length} points (D × α), ${organizations} organizations, ${rounds} FedAvg rounds × ${epochs} epoch(s), ${model}`,
      '',
      table(
        ['parameter', 'value', 'std. error'],
        [
          ['L∞ (floor)', fit.floor, fit.standardErrors.floor],
          ['A (scale)', fit.scale, fit.standardErrors.scale],
          ['β (exponent)', fit.exponent, fit.standardErrors.exponent],
          ['η (heterogeneity)', fit.heterogeneity, fit.standardErrors.heterogeneity],
        ],
      ),
      '',
      `R² = ${formatNumber(fit.rSquared)}, RMSE ${formatNumber(fit.rmse)} nats${fit.atBound.length ? `; held at 0: ${fit.atBound.join(', ')}` : ''}`,
      '',
      table(
        ['D', 'α', 'H', 'measured loss', 'fitted loss', 'accuracy'],
        points.map((p) => [p.size, p.alpha, p.heterogeneity, p.loss, p.fitted, p.accuracy]),
      ),
      '',
      `Wrote ${files.json}, ${files.csv} and ${files.svg} in ${formatNumber(seconds)} s. Use the curve with cocogen simulate --curve ${files.json}.`,
    ].join('\n'),
  );
  return 0;
}

function calibrationSvg(r: CalibrationResult, model: string): string {
  const { fit } = r;
  const alphas = [...new Set(r.points.map((p) => p.alpha))];
  const series: Series[] = [];
  alphas.forEach((a, i) => {
    const pts = r.points.filter((p) => p.alpha === a);
    const color = PALETTE[i % PALETTE.length]!;
    series.push({
      label: `α = ${a}: measured`,
      x: pts.map((p) => p.size),
      y: pts.map((p) => p.loss),
      pointsOnly: true,
      color,
    });
    series.push({
      label: `α = ${a}: fitted at the points' H`,
      x: pts.map((p) => p.size),
      y: pts.map((p) => curveLoss(fit, p.size, p.heterogeneity)),
      markers: false,
      color,
    });
  });
  const lo = Math.min(...r.points.map((p) => Math.min(p.loss, fit.fitted[r.points.indexOf(p)]!)));
  const hi = Math.max(...r.points.map((p) => Math.max(p.loss, fit.fitted[r.points.indexOf(p)]!)));
  const sub = `L∞ = ${formatNumber(fit.floor)}, A = ${formatNumber(fit.scale)}, β = ${formatNumber(fit.exponent)}, η = ${formatNumber(fit.heterogeneity)}; R² = ${formatNumber(fit.rSquared)}`;
  return panelsSvg({
    title: `Learning-curve calibration (${model}, ${r.organizations} organizations, ${r.recipe.rounds} FedAvg rounds)`,
    subtitle: sub,
    panels: [
      {
        title: 'Test loss vs pooled size',
        xLabel: 'pooled size D (samples, log scale)',
        yLabel: 'test loss (nats)',
        xLog: true,
        series,
        legendColumns: 2,
      },
      {
        title: 'Fitted vs measured',
        xLabel: 'measured test loss (nats)',
        yLabel: 'fitted test loss (nats)',
        series: [
          { label: 'y = x', x: [lo, hi], y: [lo, hi], markers: false, reference: true },
          { label: 'grid points', x: r.points.map((p) => p.loss), y: fit.fitted, pointsOnly: true },
        ],
      },
    ],
  });
}
