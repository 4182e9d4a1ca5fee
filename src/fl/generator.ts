/**
 * The generative model ("GenAI") of DESIGN §5.3: a `Generator` makes labelled synthetic samples on request, at a
 * stated cost per sample. Built in: class-conditional probabilistic PCA (Tipping & Bishop 1999) fitted on a public
 * split that no organization owns. Its quality is measured, not assumed: {@link generatorQuality} trains softmax
 * regression on generated samples only and tests it on real images (train-on-synthetic / test-on-real).
 */
import { invalidArgument } from '../core/errors.js';
import { Random } from '../util/random.js';
import { roundPreservingSum } from './partition.js';
import { gemm, orthonormalizeColumns, symmetricEigen } from '../numeric/linalg.js';
import { backendOfOption, type Engine } from '../engine/engine.js';
import { integerOption, numberOption, optionsRecord, seedOption } from '../util/options.js';
import { createModel } from './models.js';
import { checkSamples, type LabeledSamples } from './samples.js';
import { evaluate, trainLocal, type Evaluation } from './train.js';

/**
 * Anything that makes labelled synthetic samples: the built-in {@link PpcaGenerator}, or a user's model (for example
 * a diffusion model behind an HTTP endpoint, hence the optional promise).
 */
export interface Generator {
  readonly name: string;
  /** features per sample (784 for Fashion-MNIST) */
  readonly features: number;
  readonly classes: number;
  /** compute cost of one sample, in floating-point operations (what the game's cost term is scaled from) */
  readonly costPerSample: number;
  /**
   * `classCounts[c]` samples of class c, rows grouped by class in class order, features in [0, 1].
   * All randomness comes from `rng`, so the same state gives the same samples. A generator that has numeric work an
   * engine can run takes `options.engine` (the one form in which domain code runs on an engine); others ignore it.
   */
  generate(
    classCounts: readonly number[],
    rng: Random,
    options?: GenerateOptions,
  ): LabeledSamples | Promise<LabeledSamples>;
}

/** Options of {@link Generator.generate}. */
export interface GenerateOptions {
  /** Run the sampling's numeric kernels (PPCA: the GEMM) on this engine. */
  engine?: Engine;
}

export interface PpcaOptions {
  /** principal components per class q (default 16; at most min(features, samples of the class) − 1) */
  components?: number;
  /** subspace-iteration sweeps (default 15: Ritz values agree with 200 sweeps to ~1e-7 on the shipped subset) */
  iterations?: number;
  /** extra block columns for the iteration, dropped after Rayleigh–Ritz (default 8) */
  oversample?: number;
  /** multiplies the fitted noise σ when sampling (default 1: the maximum-likelihood σ²) */
  noiseScale?: number;
  /** seeds the iteration's starting block (default 0) */
  seed?: number;
}

/** One class of a fitted PPCA: x = μ + W z + σ ε, z ~ N(0, I_q), ε ~ N(0, I_d). */
export interface PpcaClass {
  /** samples it was fitted on */
  count: number;
  /** mean, d */
  mean: Float32Array;
  /** loadings W = U_q (Λ_q − σ² I)^{1/2}, row-major d×q */
  loadings: Float32Array;
  /** the q largest eigenvalues of the class covariance, descending */
  eigenvalues: Float64Array;
  /** ML noise variance σ² = (tr S − Σ_{i≤q} λ_i) / (d − q) */
  noiseVariance: number;
}

/**
 * Class-conditional probabilistic PCA. Fit with {@link PpcaGenerator.fit}; sampling one class is one GEMM
 * (Z·Wᵀ added onto μ + σε), written against the reference {@link gemm} so that the engine's kernel can replace it.
 *
 * @example
 * const gen = PpcaGenerator.fit(samplesOf(pub), 10, { components: 16 });
 * const { x, y } = gen.generate([5, 5, 0, 0, 0, 0, 0, 0, 0, 0], new Random(7)); // 10 images, classes 0 and 1
 */
export class PpcaGenerator implements Generator {
  readonly name = 'ppca';
  readonly costPerSample: number;

  private constructor(
    readonly features: number,
    readonly classes: number,
    readonly components: number,
    readonly perClass: readonly PpcaClass[],
    readonly noiseScale: number,
  ) {
    // Z·Wᵀ (2dq) plus drawing and adding the noise and the mean, clamping (≈ 4d)
    this.costPerSample = 2 * features * components + 4 * features;
  }

  /** Fit per-class mean, top-q subspace and isotropic noise on labelled samples (the public split). */
  static fit(data: LabeledSamples, classes: number, options: PpcaOptions = {}): PpcaGenerator {
    if (!(Number.isInteger(classes) && classes >= 1 && classes <= 256))
      throw invalidArgument('classes', 'an integer in [1, 256]', classes);
    if (data === null || typeof data !== 'object' || !(data.y instanceof Uint8Array) || data.y.length === 0) {
      throw invalidArgument('data', 'non-empty { x: Float32Array, y: Uint8Array }', data);
    }
    const d = data.x.length / data.y.length;
    if (!Number.isInteger(d)) throw invalidArgument('data.x', `a multiple of ${data.y.length} values`, data.x);
    checkSamples('data', data, d, classes);
    const q = options.components ?? 16;
    const iterations = options.iterations ?? 15;
    const oversample = options.oversample ?? 8;
    const noiseScale = options.noiseScale ?? 1;
    if (!(Number.isInteger(q) && q >= 1 && q < d))
      throw invalidArgument('options.components', `an integer in [1, ${d})`, q);
    if (!(Number.isInteger(iterations) && iterations >= 1))
      throw invalidArgument('options.iterations', 'an integer ≥ 1', iterations);
    if (!(Number.isInteger(oversample) && oversample >= 0))
      throw invalidArgument('options.oversample', 'an integer ≥ 0', oversample);
    if (!(Number.isFinite(noiseScale) && noiseScale >= 0))
      throw invalidArgument('options.noiseScale', 'a finite number ≥ 0', noiseScale);
    const rng = new Random(options.seed ?? 0);

    const rows: number[][] = Array.from({ length: classes }, () => []);
    data.y.forEach((c, i) => rows[c]!.push(i));
    const perClass = rows.map((idx, c) => {
      if (idx.length <= q)
        throw invalidArgument('data', `more than ${q} samples (components) of class ${c}`, `${idx.length}`);
      return fitClass(data.x, idx, d, q, iterations, oversample, rng);
    });
    return new PpcaGenerator(d, classes, q, perClass, noiseScale);
  }

  /**
   * Samples through the reference GEMM, synchronously; with `options.engine`, through the engine's GEMM kernel
   * (native or WebGPU) and as a Promise: the same random draws, so the samples differ only by the kernel's float32
   * rounding.
   *
   * @example
   * const fast = await gen.generate([100, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Random(7), { engine });
   */
  generate(
    classCounts: readonly number[],
    rng: Random,
    options: GenerateOptions & { engine: Engine },
  ): Promise<LabeledSamples>;
  generate(classCounts: readonly number[], rng: Random, options?: GenerateOptions): LabeledSamples;
  generate(
    classCounts: readonly number[],
    rng: Random,
    options: GenerateOptions = {},
  ): LabeledSamples | Promise<LabeledSamples> {
    optionsRecord(options, ['engine'], 'options');
    if (options.engine !== undefined) return this.#generateOn(options.engine, classCounts, rng);
    const draw = this.#draw(classCounts, rng);
    for (const p of draw.parts) gemm(p.n, this.features, this.components, p.z, p.loadings, p.out, GEMM_OPTIONS);
    return this.#finish(draw);
  }

  async #generateOn(engine: Engine, classCounts: readonly number[], rng: Random): Promise<LabeledSamples> {
    backendOfOption(engine, 'generate');
    const draw = this.#draw(classCounts, rng);
    for (const p of draw.parts) {
      await engine.gemm(p.n, this.features, this.components, p.z, p.loadings, { ...GEMM_OPTIONS, c: p.out });
    }
    return this.#finish(draw);
  }

  /** @deprecated Use `generate(classCounts, rng, { engine })`, the one form in which domain code runs on an engine. */
  on(engine: Engine): Generator {
    return {
      name: this.name,
      features: this.features,
      classes: this.classes,
      costPerSample: this.costPerSample,
      generate: (classCounts, rng) => this.generate(classCounts, rng, { engine }),
    };
  }

  /** Validate, draw every random number (Z and the mean-plus-noise rows), in one fixed order. */
  #draw(classCounts: readonly number[], rng: Random): PpcaDraw {
    if (!Array.isArray(classCounts) || classCounts.length !== this.classes) {
      throw invalidArgument('classCounts', `an array of ${this.classes} counts`, classCounts);
    }
    classCounts.forEach((n, c) => {
      if (!(Number.isInteger(n) && n >= 0)) throw invalidArgument(`classCounts[${c}]`, 'an integer ≥ 0', n);
    });
    const d = this.features;
    const q = this.components;
    const total = classCounts.reduce((a, b) => a + b, 0);
    const x = new Float32Array(total * d);
    const y = new Uint8Array(total);
    const parts: PpcaDraw['parts'] = [];
    let at = 0;
    classCounts.forEach((n, c) => {
      if (n === 0) return;
      const k = this.perClass[c]!;
      const sigma = this.noiseScale * Math.sqrt(k.noiseVariance);
      const z = rng.fillNormal(new Float32Array(n * q));
      const out = x.subarray(at * d, (at + n) * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = k.mean[j]! + sigma * rng.normal();
      parts.push({ n, z, loadings: k.loadings, out });
      y.fill(c, at, at + n);
      at += n;
    });
    return { x, y, parts };
  }

  /** Clamp the samples to the pixel range [0, 1]. */
  #finish(draw: PpcaDraw): LabeledSamples {
    const { x, y } = draw;
    for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]!));
    return { x, y };
  }
}

/** X = Z·Wᵀ + (μ + σε): the GEMM adds onto the mean-plus-noise rows already in the output. */
const GEMM_OPTIONS = { transB: true, beta: 1 } as const;

interface PpcaDraw {
  x: Float32Array;
  y: Uint8Array;
  parts: { n: number; z: Float32Array; loadings: Float32Array; out: Float32Array }[];
}

/**
 * PPCA of one class: subspace iteration on the covariance S = XcᵀXc/n without forming it (two GEMMs per sweep),
 * Rayleigh–Ritz to rotate the block onto eigenvectors, then the ML estimates of σ² and W (Tipping & Bishop, R = I).
 */
function fitClass(
  x: Float32Array,
  idx: number[],
  d: number,
  q: number,
  iterations: number,
  oversample: number,
  rng: Random,
): PpcaClass {
  const n = idx.length;
  const mean = new Float64Array(d);
  for (const i of idx) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const xc = new Float64Array(n * d);
  let trace = 0;
  idx.forEach((i, r) => {
    for (let j = 0; j < d; j++) {
      const v = (xc[r * d + j] = x[i * d + j]! - mean[j]!);
      trace += v * v;
    }
  });
  trace /= n;

  const b = Math.min(q + oversample, n, d);
  let V = orthonormalizeColumns(rng.fillNormal(new Float64Array(d * b)), d, b);
  const Y = new Float64Array(n * b);
  for (let it = 0; it < iterations; it++) {
    gemm(n, b, d, xc, V, Y); // Y = Xc·V
    V = orthonormalizeColumns(gemm(d, b, n, xc, Y, new Float64Array(d * b), { transA: true }), d, b); // XcᵀY ∝ S·V
  }
  gemm(n, b, d, xc, V, Y);
  const T = gemm(b, b, n, Y, Y, new Float64Array(b * b), { transA: true, alpha: 1 / n }); // Vᵀ S V
  const { values, vectors } = symmetricEigen(T, b);
  const U = gemm(d, b, b, V, vectors, new Float64Array(d * b)); // Ritz vectors, by descending Ritz value

  const eigenvalues = values.slice(0, q).map((v) => Math.max(v, 0));
  const kept = eigenvalues.reduce((a, v) => a + v, 0);
  const noiseVariance = Math.max((trace - kept) / (d - q), 0);
  const loadings = new Float32Array(d * q);
  for (let c = 0; c < q; c++) {
    const scale = Math.sqrt(Math.max(eigenvalues[c]! - noiseVariance, 0));
    for (let r = 0; r < d; r++) loadings[r * q + c] = U[r * b + c]! * scale;
  }
  return { count: n, mean: Float32Array.from(mean), loadings, eigenvalues, noiseVariance };
}

/**
 * Per-class counts of `amount` synthetic samples for an organization holding label counts `labelCounts`, chosen so
 * that its mix moves toward the target distribution `target` (p*): the desired count of class c after generating
 * is p*_c·(H + amount); the deficits below it are filled largest first (water-filling: every class's remaining
 * deficit ends at a common level, or at zero), then rounded so the counts sum to `amount` exactly.
 *
 * @example
 * syntheticClassCounts([50, 0, 0], [1 / 3, 1 / 3, 1 / 3], 40); // [0, 20, 20]
 */
export function syntheticClassCounts(
  labelCounts: readonly number[],
  target: readonly number[],
  amount: number,
): number[] {
  if (!Array.isArray(labelCounts) || labelCounts.length === 0)
    throw invalidArgument('labelCounts', 'a non-empty array of counts', labelCounts);
  if (!Array.isArray(target) || target.length !== labelCounts.length) {
    throw invalidArgument('target', `an array of ${labelCounts.length} probabilities`, target);
  }
  if (!(Number.isInteger(amount) && amount >= 0)) throw invalidArgument('amount', 'an integer ≥ 0', amount);
  labelCounts.forEach((h, c) => {
    if (!(Number.isFinite(h) && h >= 0)) throw invalidArgument(`labelCounts[${c}]`, 'a finite count ≥ 0', h);
  });
  target.forEach((p, c) => {
    if (!(Number.isFinite(p) && p >= 0)) throw invalidArgument(`target[${c}]`, 'a finite probability ≥ 0', p);
  });
  const mass = target.reduce((a, b) => a + b, 0);
  if (!(mass > 0)) throw invalidArgument('target', 'probabilities with a positive sum', target);
  const total = labelCounts.reduce((a, b) => a + b, 0) + amount;
  // Σ_c (p*_c·total − h_c) = amount, so the positive deficits always cover `amount`.
  const deficit = labelCounts.map((h, c) => Math.max(0, (target[c]! / mass) * total - h));
  // Water level L ≥ 0 with Σ max(0, deficit − L) = amount.
  const sorted = [...deficit].sort((a, b) => b - a);
  let level = 0;
  let sum = 0;
  for (let k = 0; k < sorted.length; k++) {
    sum += sorted[k]!;
    const candidate = (sum - amount) / (k + 1);
    const next = sorted[k + 1] ?? 0;
    if (candidate >= next) {
      level = Math.max(candidate, 0);
      break;
    }
  }
  const share = deficit.map((v) => Math.max(0, v - level));
  const shareSum = share.reduce((a, b) => a + b, 0);
  // Normalize away floating-point drift before the exact integer rounding.
  return roundPreservingSum(
    share.map((v) => (shareSum > 0 ? (v / shareSum) * amount : 0)),
    amount,
  );
}

/** INVALID_ARGUMENT unless `v` has a Generator's shape (its `generate`, `features` and `classes`). */
export function checkGenerator(v: unknown, name = 'generator'): asserts v is Generator {
  const g = v as Partial<Generator> | null;
  if (
    typeof g !== 'object' ||
    g === null ||
    typeof g.generate !== 'function' ||
    !Number.isSafeInteger(g.features) ||
    !Number.isSafeInteger(g.classes)
  )
    throw invalidArgument(name, 'a Generator (e.g. PpcaGenerator.fit)', v);
}

export interface GeneratorQualityOptions {
  /** synthetic training samples per class (default 500) */
  samplesPerClass?: number;
  /** epochs of softmax-regression training (default 10) */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  momentum?: number;
  /** seeds generation and training (default 0) */
  seed?: number;
  /** when given, the same classifier is also trained on these real samples: the train-on-real reference */
  realTrain?: LabeledSamples;
}

export interface GeneratorQuality {
  /** train-on-synthetic / test-on-real: softmax regression trained on generated samples only */
  synthetic: Evaluation & { trainSamples: number };
  /** train-on-real / test-on-real with the same recipe, when `realTrain` was given */
  real?: Evaluation & { trainSamples: number };
}

/**
 * The generator's quality as train-on-synthetic / test-on-real (TSTR) accuracy: a balanced synthetic training set
 * (samplesPerClass of every class), softmax regression trained on it alone, evaluated on real `test` samples.
 */
export async function generatorQuality(
  generator: Generator,
  test: LabeledSamples,
  options: GeneratorQualityOptions = {},
): Promise<GeneratorQuality> {
  checkGenerator(generator);
  optionsRecord(
    options,
    ['samplesPerClass', 'epochs', 'batchSize', 'learningRate', 'momentum', 'seed', 'realTrain'],
    'options',
  );
  const big = Number.MAX_SAFE_INTEGER;
  const perClass = integerOption(options, 'samplesPerClass', 500, 1, big);
  const seed = seedOption(options, 'seed', 0);
  checkSamples('test', test, generator.features, generator.classes);
  if (options.realTrain !== undefined)
    checkSamples('options.realTrain', options.realTrain, generator.features, generator.classes);
  const model = createModel({ kind: 'softmax', inputs: generator.features, classes: generator.classes });
  const recipe = {
    model,
    epochs: integerOption(options, 'epochs', 10, 1, big),
    batchSize: integerOption(options, 'batchSize', 64, 1, big),
    learningRate: numberOption(options, 'learningRate', 0.01, (v) => v > 0 && Number.isFinite(v), 'a number > 0'),
    momentum: numberOption(options, 'momentum', 0.9, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
  };
  const train = (data: LabeledSamples, s: number) => {
    const r = trainLocal(model.init(new Random(s)), data, { ...recipe, seed: s });
    return { ...evaluate(model, r.params, test), trainSamples: r.samples };
  };
  const synthetic = await generator.generate(new Array<number>(generator.classes).fill(perClass), new Random(seed));
  const result: GeneratorQuality = { synthetic: train(synthetic, seed + 1) };
  if (options.realTrain) result.real = train(options.realTrain, seed + 1);
  return result;
}
