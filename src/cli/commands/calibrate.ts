import { join } from 'node:path';
import { createEngine, type BackendChoice } from '../../engine/engine.js';
import { invalidArgumentText } from '../../core/errors.js';
import {
  calibrate,
  curveInputOf,
  DEFAULT_RECIPE,
  type CalibrationResult,
  type CurveFit,
} from '../../fl/calibration.js';
import {
  calibrationCsv,
  calibrationFitJSON,
  fittedCalibrationPoints,
  type FittedCalibrationPoint,
} from '../../fl/calibration-results.js';
import { DATASET_INFO, DEFAULT_DATASET, type DatasetName } from '../../fl/datasets.js';
import type { ModelKind } from '../../fl/models.js';
import { PpcaGenerator } from '../../fl/generator.js';
import { loadFederatedData } from '../../fl/simulation-data.js';
import { SIMULATION_DEFAULTS } from '../../fl/simulation.js';
import { deriveSeed } from '../../fl/train.js';
import { calibrationSvg } from '../../plot/calibration-figure.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import {
  backendFlag,
  dataDirFlag,
  datasetFlag,
  integerFlag,
  modelFlag,
  noPositionals,
  numberListFlag,
  outDirFlag,
  seedFlag,
} from '../flags.js';
import { counted, formatNumber, formatSeconds, type Io, table } from '../output.js';
import { createProgress } from '../progress.js';

export const CALIBRATE_HELP = `cocogen calibrate --out DIR [--dataset fashion-mnist|mnist] [--data DIR] [--sizes LIST] [--alphas LIST]
                  [--synthetic LIST] [--orgs K] [--rounds R] [--epochs E] [--model softmax|mlp|cnn] [--backend B]
                  [--seed S] [--json]
  Fits the game's learning curve L = L∞ + A·D^(−β) + η·H (DESIGN §3.2) to measured test loss. For every
  pooled size D in --sizes and Dirichlet α in --alphas, D samples are dealt to K organizations with
  Dirichlet(α) label skew (H is the pool's heterogeneity H_S = Σ (d_n/D)·‖p_n − p*‖₁², p* uniform), the
  federation trains R FedAvg rounds of E local epochs, and the global model's test loss is measured. The fit is
  nonlinear least squares (variable projection, Levenberg–Marquardt on β; L∞, A, η ≥ 0); R² is reported.
  --synthetic LIST (fractions f, default 0) also trains every (D, α) with each organization generating f·d_n
  samples with the simulation's generator (PPCA fitted on the public split, label mix moved toward p*); D then
  counts them and H is the game's H_S(x), so η measures what generated data does through the game's own term.
  With two fractions or more the fit also measures ω (syntheticWorth), what one generated sample counts as in
  real samples, with its standard error; the learningCurve written carries it (DESIGN §3.2).
  Writes to DIR (atomically): calibration.json (fit, R², the game's learningCurve, points),
  calibration.csv (measured and fitted loss per point), calibration.svg (measured points vs fitted curve).
  --dataset fashion-mnist|mnist: the shipped subset of that dataset (data/<dataset>-subset), or what --data DIR
  holds (the four IDX files of either); calibration.json records it.
  Defaults: --dataset fashion-mnist, --data its shipped subset, --sizes 250,500,1000,2000,4000,
  --alphas 0.1,0.5,10, --orgs 5, --rounds 5, --epochs 1, --model softmax, --backend js, --seed 1.
  --json prints { config, fit, learningCurve, points, files }. Progress goes to stderr on a terminal only.`;

export const CALIBRATE_DEFAULTS = {
  sizes: [250, 500, 1000, 2000, 4000],
  alphas: [0.1, 0.5, 10],
  synthetic: [0],
  organizations: 5,
};

/** What the flags ask for, checked. */
interface CalibrateRequest {
  out: string;
  dataset: DatasetName;
  data: string | undefined;
  sizes: number[];
  alphas: number[];
  synthetic: number[];
  organizations: number;
  rounds: number;
  epochs: number;
  model: ModelKind;
  backend: BackendChoice;
  seed: number;
}

function calibrateRequest(values: Record<string, unknown>, positionals: string[]): CalibrateRequest {
  noPositionals(positionals, 'calibrate');
  const out = outDirFlag(values.out, 'calibration.json, calibration.csv and calibration.svg');
  const dataset = datasetFlag(values.dataset, DEFAULT_DATASET);
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
  const synthetic = numberListFlag(
    values.synthetic,
    '--synthetic',
    (v) => v >= 0 && v <= 100,
    'a fraction in [0, 100] of each organization’s real samples',
    CALIBRATE_DEFAULTS.synthetic,
  ).sort((a, b) => a - b);
  if (new Set(synthetic).size !== synthetic.length)
    throw invalidArgumentText('--synthetic', 'distinct fractions', synthetic.join(','));
  const organizations = integerFlag(values.orgs, '--orgs', 1, 1000, CALIBRATE_DEFAULTS.organizations);
  const rounds = integerFlag(values.rounds, '--rounds', 1, 1000, DEFAULT_RECIPE.rounds);
  const epochs = integerFlag(values.epochs, '--epochs', 1, 1000, DEFAULT_RECIPE.epochs);
  const model = modelFlag(values.model);
  const backend = backendFlag(values.backend, 'js');
  const seed = seedFlag(values.seed, '--seed', 1);
  if (sizes.length * alphas.length * synthetic.length < 4)
    throw invalidArgumentText(
      '--sizes',
      'with --alphas and --synthetic, a grid of at least 4 points (4 parameters are fitted)',
      `${sizes.length * alphas.length * synthetic.length} points`,
    );
  return { out, dataset, data, sizes, alphas, synthetic, organizations, rounds, epochs, model, backend, seed };
}

export async function calibrateCommand(
  io: Io,
  values: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  const json = Boolean(values.json);
  const r = calibrateRequest(values, positionals);
  const { sizes, alphas, synthetic, organizations, seed } = r;
  const fm = loadFederatedData(r.data, { dataset: r.dataset });
  const largest = sizes[sizes.length - 1]!;
  if (largest > fm.owned.y.length)
    throw invalidArgumentText(
      '--sizes',
      `sizes of at most ${fm.owned.y.length} (the samples organizations own in ${fm.dir})`,
      String(largest),
    );
  if (sizes[0]! < organizations)
    throw invalidArgumentText('--sizes', `sizes of at least --orgs (${organizations})`, String(sizes[0]));

  const engine = await createEngine({ backend: r.backend });
  // The simulation's generator and its seed, so that calibration and simulation generate alike.
  const generator = synthetic.some((f) => f > 0)
    ? PpcaGenerator.fit(fm.public, 10, { ...SIMULATION_DEFAULTS.generator, seed: deriveSeed(seed, 2) })
    : undefined;
  const progress = createProgress(io, 'calibrate', sizes.length * alphas.length * synthetic.length);
  const t0 = performance.now();
  let result: CalibrationResult;
  try {
    result = await calibrate(fm.owned, fm.test, {
      engine,
      sizes,
      alphas,
      synthetic,
      ...(generator ? { generator } : {}),
      organizations,
      seed,
      recipe: { model: r.model, rounds: r.rounds, epochs: r.epochs },
      onPoint: (done, total, p) =>
        progress.update(done, `D=${p.size} α=${p.alpha} f=${p.synthetic} loss ${p.loss.toFixed(3)}`),
    });
  } finally {
    progress.done();
    engine.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const learningCurve = curveInputOf(result.fit);
  const config = {
    dataset: fm.dataset,
    data: fm.dir,
    sizes,
    alphas,
    synthetic,
    organizations,
    seed,
    backend: engine.backend,
    recipe: result.recipe,
    test: fm.test.y.length,
  };
  const fit = calibrationFitJSON(result.fit);
  const points = fittedCalibrationPoints(result);
  const files = {
    json: join(r.out, 'calibration.json'),
    csv: join(r.out, 'calibration.csv'),
    svg: join(r.out, 'calibration.svg'),
  };
  writeFileAtomic(files.json, JSON.stringify({ config, fit, learningCurve, points, seconds }, null, 1) + '\n');
  writeFileAtomic(files.csv, calibrationCsv(points));
  writeFileAtomic(files.svg, calibrationSvg(result, r.model));
  if (json) {
    io.out(JSON.stringify({ config, fit, learningCurve, points, files, seconds }));
    return 0;
  }
  io.out(calibrationReport(fm.dir, r, result, points, files, seconds));
  return 0;
}

/** The readable report: the fitted parameters with their standard errors, R², and every point measured and fitted. */
function calibrationReport(
  dir: string,
  r: CalibrateRequest,
  result: CalibrationResult,
  points: readonly FittedCalibrationPoint[],
  files: { json: string; csv: string; svg: string },
  seconds: number,
): string {
  const { fit } = result;
  // NaN where the points do not determine it: at its bound 0, or too few points for the free parameters.
  const standardError = (name: keyof CurveFit['standardErrors']): number | string => {
    const v = fit.standardErrors[name];
    if (Number.isFinite(v)) return v;
    if (name === 'syntheticWorth' && !fit.syntheticWorthFitted) return '– (held: needs two --synthetic shares)';
    return (fit.atBound as string[]).includes(name) ? '– (held at 0)' : 'undetermined';
  };
  return [
    `Calibrated on ${DATASET_INFO[r.dataset].title} in ${dir}: ${counted(points.length, 'point')} (D × α${r.synthetic.length > 1 || r.synthetic[0] !== 0 ? ' × f' : ''}), ${counted(r.organizations, 'organization')}, ${counted(r.rounds, 'FedAvg round')} × ${counted(r.epochs, 'epoch')}, ${r.model}`,
    '',
    table(
      ['parameter', 'value', 'std. error'],
      [
        ['L∞ (floor)', fit.floor, standardError('floor')],
        ['A (scale)', fit.scale, standardError('scale')],
        ['β (exponent)', fit.exponent, standardError('exponent')],
        ['η (heterogeneity)', fit.heterogeneity, standardError('heterogeneity')],
        ['ω (synthetic worth)', fit.syntheticWorth, standardError('syntheticWorth')],
      ],
      // Unlike quantities, one per row: each cell rounded alone.
      ['auto', { significant: 4 }, { significant: 2 }],
    ),
    '',
    `R² = ${formatNumber(fit.rSquared, 4)}, RMSE ${formatNumber(fit.rmse, 3)} nats${fit.atBound.length ? `; held at 0: ${fit.atBound.join(', ')}` : ''}`,
    '',
    table(
      ['D', 'α', 'f', 'H', 'measured loss', 'fitted loss', 'accuracy'],
      points.map((p) => [p.size, p.alpha, p.synthetic, p.heterogeneity, p.loss, p.fitted, p.accuracy]),
      // α and f as the user gave them.
      ['auto', { significant: 6 }, { significant: 6 }],
    ),
    '',
    `Wrote ${files.json}, ${files.csv} and ${files.svg} in ${formatSeconds(seconds)} s. Use the curve with cocogen simulate --curve ${files.json}.`,
  ].join('\n');
}
