/**
 * The image datasets a federation trains on (DESIGN §5.1), each as its four IDX `.gz` files: Fashion-MNIST (Xiao,
 * Rasul & Vollgraf 2017, Zalando Research, MIT licence) and MNIST (LeCun, Cortes & Burges). Each ships as a small
 * stratified subset in `data/<name>-subset/`; any folder holding the same four file names serves the full set
 * (Debian's `dataset-fashion-mnist` folder for Fashion-MNIST, any folder of the original files for MNIST).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CocogenError, invalidArgument } from '../core/errors.js';
import { readIdx } from './idx.js';

/** The datasets cocogen ships a subset of. */
export type DatasetName = 'fashion-mnist' | 'mnist';

/** Every dataset, the default first. */
export const DATASETS: readonly DatasetName[] = ['fashion-mnist', 'mnist'];

/** The dataset a run uses unless told otherwise. */
export const DEFAULT_DATASET: DatasetName = 'fashion-mnist';

/** Where Debian's `dataset-fashion-mnist` package installs the full data set (60,000 train, 10,000 test). */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** MNIST's class names, by label: the digits. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** What a dataset is called in messages, its class names and its shipped subset's folder under `data/`. */
export const DATASET_INFO: Readonly<
  Record<DatasetName, { title: string; classes: readonly string[]; subset: string }>
> = {
  'fashion-mnist': { title: 'Fashion-MNIST', classes: FASHION_MNIST_CLASSES, subset: 'fashion-mnist-subset' },
  mnist: { title: 'MNIST', classes: MNIST_CLASSES, subset: 'mnist-subset' },
};

/**
 * How many of a shipped subset's train images, the LAST ones in its train file (100 per class), form the public
 * split that no organization owns (the generator is fitted on it). The same for every shipped subset; see
 * data/fashion-mnist-subset/README.md and data/mnist-subset/README.md.
 */
export const SUBSET_PUBLIC_COUNT = 1000;

export type DatasetSplit = 'train' | 'test';

/** Labelled grayscale images, pixels scaled to [0, 1]. */
export interface ImageSet {
  /** count × (rows·cols) pixels, row-major, in [0, 1] */
  images: Float32Array;
  /** count labels in [0, 10) */
  labels: Uint8Array;
  rows: number;
  cols: number;
  count: number;
}

const FILES: Record<DatasetSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

/** The file names a dataset folder must hold for `split` (the originals' names, for either dataset). */
export function datasetFiles(split: DatasetSplit): { images: string; labels: string } {
  if (split !== 'train' && split !== 'test') throw invalidArgument('split', "'train' or 'test'", split);
  return { ...FILES[split] };
}

/** `dataset` checked: one of {@link DATASETS}, named `name` in the error. */
export function checkDataset(dataset: unknown, name = 'dataset'): DatasetName {
  if (!DATASETS.includes(dataset as DatasetName))
    throw invalidArgument(name, `one of ${DATASETS.map((d) => `'${d}'`).join(', ')}`, dataset);
  return dataset as DatasetName;
}

/**
 * A shipped subset's folder (6,000 train / 1,000 test, stratified; Fashion-MNIST's by default), found by walking up
 * from this module to the package root, so it resolves from `src/` (tests) and from `dist/src/` (the built package)
 * alike.
 *
 * @example shippedSubsetDir('mnist') // …/data/mnist-subset
 */
export function shippedSubsetDir(dataset: DatasetName = DEFAULT_DATASET): string {
  const { subset } = DATASET_INFO[checkDataset(dataset)];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', subset);
    if (existsSync(join(candidate, FILES.train.images))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new CocogenError(
    'IO_ERROR',
    `Could not find the shipped data/${subset} folder above ${fileURLToPath(import.meta.url)}`,
  );
}

/**
 * Load one split of a dataset: a {@link DatasetName} reads its shipped subset, any other string is a folder with the
 * four IDX files (of either dataset; write `./mnist` for a folder that is called like a dataset).
 *
 * @example
 * const test = loadDataset('mnist', 'test'); // 1,000 digits, 28×28, of the shipped subset
 * const full = loadDataset('/data/mnist', 'train'); // a folder of the original files
 */
export function loadDataset(source: DatasetName | string = DEFAULT_DATASET, split: DatasetSplit = 'train'): ImageSet {
  if (typeof source !== 'string' || source.length === 0)
    throw invalidArgument('source', `a dataset (${DATASETS.join(', ')}) or a folder path`, source);
  if (DATASETS.includes(source as DatasetName))
    return readSplit(shippedSubsetDir(source as DatasetName), split, DATASET_INFO[source as DatasetName].title);
  return readSplit(source, split, 'the');
}

/** One split of the folder `dir`; `title` names the data in messages ("Could not read MNIST train split"). */
export function readSplit(dir: string, split: DatasetSplit, title: string): ImageSet {
  if (typeof dir !== 'string' || dir.length === 0) throw invalidArgument('dir', 'a folder path', dir);
  if (split !== 'train' && split !== 'test') throw invalidArgument('split', "'train' or 'test'", split);
  const imagesPath = join(dir, FILES[split].images);
  const labelsPath = join(dir, FILES[split].labels);
  const images = readIdx(imagesPath, 3);
  const labels = readIdx(labelsPath, 1);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (rows === 0 || cols === 0)
    throw new CocogenError('IO_ERROR', `Could not read IDX file ${imagesPath}: images of ${rows}×${cols} pixels`, {
      path: imagesPath,
    });
  // An empty split trains nothing and evaluates to NaN accuracy: refuse it where it is read.
  if (count === 0)
    throw new CocogenError('IO_ERROR', `Could not read ${title} ${split} split: ${imagesPath} holds no images`, {
      path: imagesPath,
    });
  if (labels.dims[0] !== count) {
    throw new CocogenError(
      'IO_ERROR',
      `Could not read ${title} ${split} split in ${dir}: ${labelsPath} holds ${labels.dims[0]} labels but ${imagesPath} holds ${count} images`,
      { path: labelsPath },
    );
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i]! > 9) {
      throw new CocogenError(
        'IO_ERROR',
        `Could not read IDX file ${labelsPath}: label ${labels.data[i]} at index ${i} is not a class in [0, 10)`,
        {
          path: labelsPath,
        },
      );
    }
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: Uint8Array.from(labels.data), rows, cols, count };
}

/** The images at `indices`, in that order (a copy). */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const d = set.rows * set.cols;
  const images = new Float32Array(indices.length * d);
  const labels = new Uint8Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < set.count))
      throw invalidArgument(`indices[${j}]`, `an integer in [0, ${set.count})`, i);
    images.set(set.images.subarray(i * d, (i + 1) * d), j * d);
    labels[j] = set.labels[i]!;
  }
  return { images, labels, rows: set.rows, cols: set.cols, count: indices.length };
}

/**
 * Split a train set into the part organizations share out and the public part the generator is fitted on: the last
 * `publicCount` images are public. For a shipped subset use {@link SUBSET_PUBLIC_COUNT} (stratified by
 * construction); the full train files are in no class order, so their last images are a fair public sample.
 */
export function splitPublic(train: ImageSet, publicCount: number): { owned: ImageSet; public: ImageSet } {
  if (!(Number.isInteger(publicCount) && publicCount >= 0 && publicCount < train.count)) {
    throw invalidArgument('publicCount', `an integer in [0, ${train.count})`, publicCount);
  }
  const cut = train.count - publicCount;
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  return { owned: selectImages(train, range(0, cut)), public: selectImages(train, range(cut, train.count)) };
}
