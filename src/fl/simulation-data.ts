/**
 * The data a simulation or a calibration runs on (DESIGN §5.1): a dataset's folder split into the part the
 * organizations own, the public part the generator is fitted on (the last {@link SUBSET_PUBLIC_COUNT} train images,
 * stratified in the shipped subset, a fair sample of the shuffled full file), and the test set.
 */
import { invalidArgument } from '../core/errors.js';
import { optionsRecord } from '../util/options.js';
import { Random } from '../util/random.js';
import {
  DATASET_INFO,
  DEFAULT_DATASET,
  SUBSET_PUBLIC_COUNT,
  checkDataset,
  readSplit,
  shippedSubsetDir,
  splitPublic,
  type DatasetName,
} from './datasets.js';
import { samplesOf, selectSamples, type LabeledSamples } from './samples.js';
import { deriveSeed } from './train.js';

export interface FederatedData {
  /** the dataset the folder holds */
  dataset: DatasetName;
  /** the folder read */
  dir: string;
  /** what organizations share out (possibly a seeded draw of `pool` of them) */
  owned: LabeledSamples;
  /** the public split: the generator's training data (without the validation images, when there are some) */
  public: LabeledSamples;
  /**
   * the server's validation split, drawn out of the public split (absent unless asked for): what online
   * recalibration measures the global model on, so that the test split stays for reporting only
   */
  validation?: LabeledSamples;
  test: LabeledSamples;
}

export interface FederatedDataOptions {
  /**
   * which dataset (default 'fashion-mnist'): without a folder, its shipped subset is read; with one, it names what the
   * folder holds (a simulation's config must name the same)
   */
  dataset?: DatasetName;
  /** use a seeded draw of this many owned samples instead of all (for quick runs) */
  pool?: number;
  /** use the first this many test images (default all) */
  testCount?: number;
  /** seeds the pool draw (default 0) */
  seed?: number;
  /**
   * hold this many public images out as the server's validation split (a fixed seeded draw, the same for every
   * run seed; the generator fits on the rest). Default 0: none, and the public split is whole.
   */
  validation?: number;
}

/**
 * Load and split a dataset's folder (default: the shipped subset of `options.dataset`, Fashion-MNIST's by default).
 *
 * @example
 * const data = loadFederatedData(); // 5,000 owned, 1,000 public, 1,000 test images of Fashion-MNIST
 * const digits = loadFederatedData(undefined, { dataset: 'mnist' }); // the same of MNIST
 * const held = loadFederatedData(undefined, { validation: 500 }); // 500 public images become validation
 */
export function loadFederatedData(dir?: string, options: FederatedDataOptions = {}): FederatedData {
  optionsRecord(options, ['dataset', 'pool', 'testCount', 'seed', 'validation'], 'options');
  const dataset = options.dataset === undefined ? DEFAULT_DATASET : checkDataset(options.dataset, 'dataset');
  if (dir !== undefined && (typeof dir !== 'string' || dir.length === 0))
    throw invalidArgument('dir', 'a folder path (or undefined for the shipped subset)', dir);
  dir ??= shippedSubsetDir(dataset);
  const { title } = DATASET_INFO[dataset];
  const split = splitPublic(readSplit(dir, 'train', title), SUBSET_PUBLIC_COUNT);
  let owned = samplesOf(split.owned);
  if (options.pool !== undefined) {
    if (!(Number.isInteger(options.pool) && options.pool >= 1 && options.pool <= owned.y.length))
      throw invalidArgument('pool', `an integer in [1, ${owned.y.length}]`, options.pool);
    const order = new Random(deriveSeed(options.seed ?? 0, 0x9001)).shuffle(
      Int32Array.from({ length: owned.y.length }, (_, i) => i),
    );
    owned = selectSamples(owned, order.subarray(0, options.pool).sort());
  }
  let test = samplesOf(readSplit(dir, 'test', title));
  if (options.testCount !== undefined) {
    if (!(Number.isInteger(options.testCount) && options.testCount >= 1 && options.testCount <= test.y.length))
      throw invalidArgument('testCount', `an integer in [1, ${test.y.length}]`, options.testCount);
    const features = test.x.length / test.y.length;
    test = { x: test.x.subarray(0, options.testCount * features), y: test.y.subarray(0, options.testCount) };
  }
  let publicSplit = samplesOf(split.public);
  let validation: LabeledSamples | undefined;
  const v = options.validation ?? 0;
  if (!(Number.isInteger(v) && v >= 0 && v < publicSplit.y.length))
    throw invalidArgument('validation', `an integer in [0, ${publicSplit.y.length - 1}]`, options.validation);
  if (v > 0) {
    const order = new Random(deriveSeed(0, 0x7a11d)).shuffle(
      Int32Array.from({ length: publicSplit.y.length }, (_, i) => i),
    );
    validation = selectSamples(publicSplit, order.slice(0, v).sort());
    publicSplit = selectSamples(publicSplit, order.slice(v).sort());
  }
  return { dataset, dir, owned, public: publicSplit, ...(validation ? { validation } : {}), test };
}
