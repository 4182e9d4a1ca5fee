/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research, MIT licence) from its four IDX `.gz` files
 * (DESIGN §5.1): Debian's `dataset-fashion-mnist` folder by default, the small subset shipped in
 * `data/fashion-mnist-subset/`, or any folder holding the same four file names.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CocogenError, invalidArgument } from '../core/errors.js';
import { readIdx } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` package installs the full data set (60,000 train, 10,000 test). */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names, by label. */
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

/**
 * How many of the shipped subset's train images, the LAST ones in its train file (100 per class), form the public
 * split that no organization owns (the generator is fitted on it). See data/fashion-mnist-subset/README.md.
 */
export const SUBSET_PUBLIC_COUNT = 1000;

export type FashionMnistSplit = 'train' | 'test';

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

const FILES: Record<FashionMnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

/** The file names a Fashion-MNIST folder must hold for `split`. */
export function fashionMnistFiles(split: FashionMnistSplit): { images: string; labels: string } {
  return { ...FILES[split] };
}

/**
 * The shipped subset's folder (6,000 train / 1,000 test, stratified), found by walking up from this module to
 * the package root, so it resolves from `src/` (tests) and from `dist/src/` (the built package) alike.
 */
export function shippedSubsetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', 'fashion-mnist-subset');
    if (existsSync(join(candidate, FILES.train.images))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new CocogenError(
    'IO_ERROR',
    `Could not find the shipped data/fashion-mnist-subset folder above ${fileURLToPath(import.meta.url)}`,
  );
}

/**
 * Load one split from a folder with the four Fashion-MNIST IDX files.
 *
 * @example
 * const test = loadFashionMnist(shippedSubsetDir(), 'test'); // 1,000 images, 28×28
 */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR, split: FashionMnistSplit = 'train'): ImageSet {
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
    throw new CocogenError('IO_ERROR', `Could not read Fashion-MNIST ${split} split: ${imagesPath} holds no images`, {
      path: imagesPath,
    });
  if (labels.dims[0] !== count) {
    throw new CocogenError(
      'IO_ERROR',
      `Could not read Fashion-MNIST ${split} split in ${dir}: ${labelsPath} holds ${labels.dims[0]} labels but ${imagesPath} holds ${count} images`,
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
 * `publicCount` images are public. For the shipped subset use {@link SUBSET_PUBLIC_COUNT} (stratified by
 * construction); the full Debian train file is in random order, so its last images are a fair public sample.
 */
export function splitPublic(train: ImageSet, publicCount: number): { owned: ImageSet; public: ImageSet } {
  if (!(Number.isInteger(publicCount) && publicCount >= 0 && publicCount < train.count)) {
    throw invalidArgument('publicCount', `an integer in [0, ${train.count})`, publicCount);
  }
  const cut = train.count - publicCount;
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  return { owned: selectImages(train, range(0, cut)), public: selectImages(train, range(cut, train.count)) };
}
