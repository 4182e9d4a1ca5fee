/**
 * Fashion-MNIST's names from before there were two datasets (public API, kept): thin aliases of the dataset module,
 * `src/fl/datasets.ts`, which now holds the loader for either.
 */
import { FASHION_MNIST_DIR, datasetFiles, readSplit, type DatasetSplit, type ImageSet } from './datasets.js';

export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  SUBSET_PUBLIC_COUNT,
  selectImages,
  shippedSubsetDir,
  splitPublic,
  type ImageSet,
} from './datasets.js';

/** A split's name (alias of `DatasetSplit`). */
export type FashionMnistSplit = DatasetSplit;

/** The file names a Fashion-MNIST folder must hold for `split` (alias of `datasetFiles`). */
export function fashionMnistFiles(split: FashionMnistSplit): { images: string; labels: string } {
  return datasetFiles(split);
}

/**
 * Load one split from a folder with the four Fashion-MNIST IDX files; Debian's full copy by default.
 *
 * @example
 * const test = loadFashionMnist(shippedSubsetDir(), 'test'); // 1,000 images, 28×28
 */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR, split: FashionMnistSplit = 'train'): ImageSet {
  return readSplit(dir, split, 'Fashion-MNIST');
}
