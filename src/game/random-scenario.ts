/**
 * Seeded random scenarios for tests, benchmarks and sweeps: Fashion-MNIST-like sizes (C = 10 classes by default),
 * Dirichlet(α) label skew, and costs calibrated against each organization's marginal benefit at x = X/2 so that the
 * equilibrium has a mix of zero, interior and full amounts at any N.
 */
import { createGameModel } from './model.js';
import { invalidArgument } from '../core/errors.js';
import { integerOption, numberOption, optionsRecord, seedOption } from '../util/options.js';
import { Random } from '../util/random.js';
import { buildScenario, type Scenario } from './scenario.js';
import { performanceGradient } from './utility.js';

export interface RandomScenarioOptions {
  /** Organizations. */
  n: number;
  seed?: number;
  /** Classes C. Default 10. */
  classes?: number;
  /** Dirichlet concentration α of each organization's label distribution (smaller = more skew). Default 0.5. */
  skew?: number;
  /** 'uniform' (γ = g/(N−1)) or 'matrix' (random entries with the same mean exposure g). Default 'uniform'. */
  competition?: 'uniform' | 'matrix';
  /** Mean total exposure g. Default 0.3. */
  intensity?: number;
  /** λ. Default 0. */
  rivalry?: number;
  /** μ_n drawn uniformly in [0, privateGain]. Default 0.03. */
  privateGain?: number;
  /** Cost factor range: c_n = U[lo, hi] × marginal benefit at X/2. Default [0.2, 3]. */
  costFactor?: [number, number];
}

const positive = (v: number) => v > 0 && Number.isFinite(v);
const nonNegative = (v: number) => v >= 0 && Number.isFinite(v);

function checkOptions(options: RandomScenarioOptions): void {
  if (options === undefined) throw invalidArgument('options', 'an options object with n', options);
  const o = optionsRecord(
    options,
    ['n', 'seed', 'classes', 'skew', 'competition', 'intensity', 'rivalry', 'privateGain', 'costFactor'],
    'options',
  );
  integerOption(o, 'n', undefined, 1, 10_000_000);
  seedOption(o, 'seed', 1);
  integerOption(o, 'classes', 10, 2, 10_000);
  numberOption(o, 'skew', 0.5, positive, 'a number > 0');
  if (o.competition !== undefined && o.competition !== 'uniform' && o.competition !== 'matrix')
    throw invalidArgument('options.competition', "'uniform' or 'matrix'", o.competition);
  numberOption(o, 'intensity', 0.3, nonNegative, 'a number ≥ 0');
  numberOption(o, 'rivalry', 0, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  numberOption(o, 'privateGain', 0.03, nonNegative, 'a number ≥ 0');
  const f = o.costFactor;
  if (
    f !== undefined &&
    !(Array.isArray(f) && f.length === 2 && f.every((v) => typeof v === 'number' && nonNegative(v)) && f[0] <= f[1])
  )
    throw invalidArgument('options.costFactor', 'a [lo, hi] pair with 0 ≤ lo ≤ hi', f);
}

/**
 * A seeded random scenario (valid by construction).
 * @example const s = randomScenario({ n: 100_000, seed: 3, intensity: 0.5, rivalry: 1 });
 */
export function randomScenario(options: RandomScenarioOptions): Scenario {
  checkOptions(options);
  const N = options.n;
  const C = options.classes ?? 10;
  const rng = new Random(options.seed ?? 1);
  const alpha = options.skew ?? 0.5;
  const g = options.intensity ?? 0.3;
  const ids = Array.from({ length: N }, (_, i) => `org-${i}`);
  const samples = new Float64Array(N);
  const labelCounts = new Float64Array(N * C);
  const marketValue = new Float64Array(N);
  const maxSynthetic = new Float64Array(N);
  const privateGain = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const d = Math.round(rng.uniform(1000, 20000));
    samples[i] = d;
    const p = rng.dirichlet(alpha, C);
    let acc = 0;
    for (let k = 0; k < C - 1; k++) {
      const v = Math.floor(d * p[k]!);
      labelCounts[i * C + k] = v;
      acc += v;
    }
    labelCounts[i * C + C - 1] = d - acc;
    marketValue[i] = rng.uniform(500, 2000);
    maxSynthetic[i] = Math.round(rng.uniform(0, 2) * d);
    privateGain[i] = rng.uniform(0, options.privateGain ?? 0.03);
  }
  let competition: { uniform: number } | Float64Array;
  if ((options.competition ?? 'uniform') === 'uniform') {
    competition = { uniform: g };
  } else {
    competition = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) if (i !== j) competition[i * N + j] = N > 1 ? (rng.uniform(0, 2) * g) / (N - 1) : 0;
    }
  }
  const base = {
    ids,
    classes: C,
    samples,
    labelCounts,
    marketValue,
    maxSynthetic,
    privateGain,
    competition,
    rivalry: options.rivalry ?? 0,
    learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
  };
  // Costs: a random multiple of the marginal benefit w_n ∂P/∂x_n + a_n g'_n at x = X/2 (|w_n| when w_n ≤ 0).
  const probe = createGameModel(buildScenario({ ...base, costPerSample: new Float64Array(N) }));
  const half = probe.X.map((v) => v / 2);
  const dP = performanceGradient(probe, half);
  const [lo, hi] = options.costFactor ?? [0.2, 3];
  const costPerSample = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const benefit = Math.abs(probe.w[i]) * dP[i] + (probe.a[i] * probe.mu[i]) / (probe.d[i] + half[i]);
    costPerSample[i] = rng.uniform(lo, hi) * benefit;
  }
  return buildScenario({ ...base, costPerSample });
}
