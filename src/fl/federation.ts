/**
 * Wiring from data to a federation (DESIGN §5.2–5.3): deal a labelled pool out to N organizations with a non-IID
 * partition, report each organization's label counts (what the game's scenario takes as h_n), and give an
 * organization synthetic samples from a generator so that its label mix moves toward a target p*.
 */
import { onEngineOption, type Engine } from '../engine/engine.js';
import { integerOption, numberOption, optionsRecord, seedOption } from '../util/options.js';
import { invalidArgument } from '../core/errors.js';
import { Random } from '../util/random.js';
import type { Generator } from './generator.js';
import { checkGenerator, syntheticClassCounts } from './generator.js';
import { dirichletPartition, labelCountsFromDirichlet, partitionByLabelCounts, powerLawSizes } from './partition.js';
import { checkSamples, featuresOf, labelHistogram, selectSamples, type LabeledSamples } from './samples.js';
import type { Organization } from './train.js';

export interface FederationOptions {
  organizations: number;
  /** Dirichlet concentration: smaller is more label skew */
  alpha: number;
  seed: number;
  /** default 10 */
  classes?: number;
  /**
   * How shard sizes arise. Omitted: the per-class Dirichlet split (Hsu et al. 2019) deals out the whole pool, sizes
   * follow from it. `{ exponent, total? }`: sizes ∝ rank^(−exponent) summing to `total` (default: the pool size),
   * each organization's label mix ~ Dir(α·1), capped by what the pool holds of each class.
   */
  powerLaw?: { exponent: number; total?: number };
  /** Dirichlet split only: redraw until every organization holds at least this many samples (default 1) */
  minSamples?: number;
}

export interface Federation {
  /** one shard per organization, as training takes it */
  organizations: Organization[];
  /** indices into the pool, per organization (ascending) */
  indices: Int32Array[];
  /** per organization, per class sample counts h_n (the game's label counts) */
  labelCounts: number[][];
}

/**
 * Partition a labelled pool over organizations, seeded.
 *
 * @example
 * const fed = partitionFederation(samplesOf(owned), { organizations: 5, alpha: 0.5, seed: 42 });
 * fed.labelCounts[0]; // e.g. [212, 0, 31, …]
 */
export function partitionFederation(pool: LabeledSamples, options: FederationOptions): Federation {
  optionsRecord(options, ['organizations', 'alpha', 'seed', 'classes', 'powerLaw', 'minSamples'], 'options');
  if (options === undefined) throw invalidArgument('options', 'an object { organizations, alpha, seed, … }', options);
  const MAX = Number.MAX_SAFE_INTEGER;
  const n = integerOption(options, 'organizations', undefined, 1, MAX);
  const alpha = numberOption(options, 'alpha', undefined, (v) => v > 0 && v < Infinity, 'a finite number > 0');
  const seed = seedOption(options, 'seed', undefined);
  const classes = integerOption(options, 'classes', 10, 1, 256);
  const minSamples = integerOption(options, 'minSamples', 1, 0, MAX);
  const d = featuresOf(pool, 'pool');
  checkSamples('pool', pool, d, classes);
  let indices: Int32Array[];
  if (options.powerLaw !== undefined) {
    const p = optionsRecord(options.powerLaw, ['exponent', 'total'], 'options.powerLaw');
    if (options.powerLaw === null) throw invalidArgument('options.powerLaw', '{ exponent, total? }', null);
    const exponent = numberOption(
      p,
      'exponent',
      undefined,
      (v) => v >= 0 && v < Infinity,
      'a finite number ≥ 0',
      'options.powerLaw',
    );
    const total = integerOption(p, 'total', pool.y.length, n, MAX, 'options.powerLaw');
    const sizes = powerLawSizes(n, total, exponent, seed, 1);
    const counts = labelCountsFromDirichlet(sizes, classes, alpha, seed + 1);
    indices = partitionByLabelCounts(pool.y, classes, counts, seed + 2);
  } else {
    indices = dirichletPartition(pool.y, classes, n, alpha, seed, minSamples);
  }
  const organizations = indices.map((idx) => ({ real: selectSamples(pool, idx) }));
  return { organizations, indices, labelCounts: organizations.map((o) => labelHistogram(o.real.y, classes)) };
}

/**
 * The organization with `amount` synthetic samples added, their classes chosen by {@link syntheticClassCounts} so
 * that its mix moves toward `target` (p*). The real shard is shared, not copied.
 */
export async function withSynthetic(
  org: Organization,
  generator: Generator,
  amount: number,
  target: readonly number[],
  rng: Random,
): Promise<Organization & { synthetic: LabeledSamples; syntheticCounts: number[] }> {
  if (typeof org !== 'object' || org === null || !org.real) throw invalidArgument('org', 'an Organization', org);
  checkGenerator(generator);
  if (!(rng instanceof Random)) throw invalidArgument('rng', 'a Random', rng);
  const counts = syntheticClassCounts(labelHistogram(org.real.y, generator.classes), target, amount);
  const synthetic = await generator.generate(counts, rng);
  checkSamples('generated samples', synthetic, generator.features, generator.classes);
  if (synthetic.y.length !== amount) throw invalidArgument('generator output', `${amount} samples`, synthetic.y.length);
  return { real: org.real, synthetic, syntheticCounts: counts };
}

/** Options of {@link shardLabelCounts}. */
export interface ShardLabelCountsOptions {
  /** Classes C (default 10). */
  classes?: number;
  /** Count on this engine's label-histogram kernel (default: the JS reference kernel). */
  engine?: Engine;
}

/**
 * Each organization's label counts h_n (what {@link partitionFederation} reports as `labelCounts`) on a
 * label-histogram kernel: the labels of every shard gathered into one array, counted per shard (CSR offsets) in one
 * call. Exact on every backend, so equal to `labelCounts` of the same partition.
 *
 * @example
 * const counts = await shardLabelCounts(pool.y, fed.indices, { engine }); // deep-equals fed.labelCounts
 */
export async function shardLabelCounts(
  labels: Uint8Array,
  indices: readonly Int32Array[],
  options: ShardLabelCountsOptions = {},
): Promise<number[][]> {
  optionsRecord(options, ['classes', 'engine'], 'options');
  const { classes = 10, engine } = options;
  const offsets = new Array<number>(indices.length + 1).fill(0);
  indices.forEach((idx, n) => (offsets[n + 1] = offsets[n]! + idx.length));
  const gathered = new Uint8Array(offsets[indices.length]!);
  indices.forEach((idx, n) => {
    const at = offsets[n]!;
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j]!;
      if (!(i >= 0 && i < labels.length))
        throw invalidArgument(`indices[${n}][${j}]`, `an index in [0, ${labels.length})`, i);
      gathered[at + j] = labels[i]!;
    }
  });
  const input = { labels: gathered, offsets, groups: indices.length, classes };
  const counts = await onEngineOption(engine, 'shardLabelCounts', (e) => e.labelHistograms(input));
  return indices.map((_, n) => Array.from(counts.subarray(n * classes, (n + 1) * classes)));
}

/** @deprecated Use `shardLabelCounts(labels, indices, { engine, classes })`: the one form of domain code on an engine. */
export function labelCountsOn(
  engine: Engine,
  labels: Uint8Array,
  indices: readonly Int32Array[],
  classes = 10,
): Promise<number[][]> {
  return shardLabelCounts(labels, indices, { engine, classes });
}
