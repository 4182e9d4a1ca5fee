// The datasets (docs/training.md, "Data"): the shipped MNIST subset's counts, stratification and public split, the
// loader for either dataset by name or folder, and the library's dataset option.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import {
  DATASETS,
  SUBSET_PUBLIC_COUNT,
  datasetFiles,
  loadDataset,
  shippedSubsetDir,
  splitPublic,
  type ImageSet,
} from '../../src/fl/datasets.js';
import { loadFashionMnist } from '../../src/fl/fashion-mnist.js';
import { labelHistogram } from '../../src/fl/samples.js';
import { loadFederatedData } from '../../src/fl/simulation-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'cocogen-datasets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(fn: () => unknown): CocogenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CocogenError);
    return e as CocogenError;
  }
  throw new Error('expected a CocogenError');
}

/** Image i's pixels as a string key, to compare images byte for byte. */
const imageKey = (set: ImageSet, i: number): string => set.images.subarray(i * 784, (i + 1) * 784).join(',');

/** Whether two image sets hold the same labels and pixels (bytes compared: toEqual on 784,000 floats is slow). */
const sameImages = (a: ImageSet, b: ImageSet): boolean =>
  Buffer.from(a.labels).equals(Buffer.from(b.labels)) &&
  Buffer.from(a.images.buffer, a.images.byteOffset, a.images.byteLength).equals(
    Buffer.from(b.images.buffer, b.images.byteOffset, b.images.byteLength),
  );

describe('the shipped MNIST subset', () => {
  const train = loadDataset('mnist', 'train');
  const test = loadDataset('mnist', 'test');

  it('is the folder data/mnist-subset, read by name or by folder alike', () => {
    expect(shippedSubsetDir('mnist')).toMatch(/data[/\\]mnist-subset$/);
    expect(shippedSubsetDir()).toMatch(/data[/\\]fashion-mnist-subset$/);
    const byFolder = loadDataset(shippedSubsetDir('mnist'), 'test');
    expect(sameImages(byFolder, test)).toBe(true);
  });

  it('holds 6,000 train and 1,000 test 28×28 images, 600 and 100 per digit', () => {
    expect(train).toMatchObject({ count: 6000, rows: 28, cols: 28 });
    expect(test).toMatchObject({ count: 1000, rows: 28, cols: 28 });
    expect(labelHistogram(train.labels, 10)).toEqual(new Array(10).fill(600));
    expect(labelHistogram(test.labels, 10)).toEqual(new Array(10).fill(100));
  });

  it('keeps its last 1,000 train images (100 per digit) as the public split, the owned 5,000 stratified', () => {
    const { owned, public: pub } = splitPublic(train, SUBSET_PUBLIC_COUNT);
    expect(labelHistogram(owned.labels, 10)).toEqual(new Array(10).fill(500));
    expect(labelHistogram(pub.labels, 10)).toEqual(new Array(10).fill(100));
    // Shuffled across classes, as the Fashion-MNIST subset is: no long run of one digit.
    let run = 1;
    let longest = 1;
    for (let i = 1; i < owned.count; i++)
      longest = Math.max(longest, (run = owned.labels[i] === owned.labels[i - 1] ? run + 1 : 1));
    expect(longest).toBeLessThan(20);
  });

  it('holds real digits: byte-valued pixels in [0, 1], no image twice, no test image among the train images', () => {
    for (const set of [train, test]) {
      for (let i = 0; i < set.images.length; i += 97) {
        const b = set.images[i]! * 255;
        expect(Math.abs(b - Math.round(b))).toBeLessThan(1e-4);
      }
    }
    const trainKeys = new Set(Array.from({ length: train.count }, (_, i) => imageKey(train, i)));
    expect(trainKeys.size).toBe(train.count);
    const testKeys = Array.from({ length: test.count }, (_, i) => imageKey(test, i));
    expect(new Set(testKeys).size).toBe(test.count);
    expect(testKeys.filter((k) => trainKeys.has(k))).toEqual([]);
    // Digits are mostly background: a real MNIST subset, not Fashion-MNIST's copy.
    const zeros = test.images.reduce((n, v) => n + (v === 0 ? 1 : 0), 0) / test.images.length;
    expect(zeros).toBeGreaterThan(0.7);
    const fashion = loadDataset('fashion-mnist', 'test');
    expect(imageKey(fashion, 0)).not.toBe(imageKey(test, 0));
  });

  it('is what loadFederatedData reads for { dataset: "mnist" }, and records the dataset', () => {
    const data = loadFederatedData(undefined, { dataset: 'mnist', testCount: 100 });
    expect(data.dataset).toBe('mnist');
    expect(data.dir).toBe(shippedSubsetDir('mnist'));
    expect([data.owned.y.length, data.public.y.length, data.test.y.length]).toEqual([5000, 1000, 100]);
    expect(Array.from(data.test.y)).toEqual(Array.from(test.labels.subarray(0, 100)));
    expect(loadFederatedData(undefined, { testCount: 1 }).dataset).toBe('fashion-mnist');
    // A folder with the dataset naming what it holds.
    expect(loadFederatedData(shippedSubsetDir('mnist'), { dataset: 'mnist', testCount: 1 }).dir).toBe(
      shippedSubsetDir('mnist'),
    );
  });
});

describe('dataset arguments are checked', () => {
  it('a bad dataset, split or option is INVALID_ARGUMENT naming it; an unknown option key too', () => {
    expect(DATASETS).toEqual(['fashion-mnist', 'mnist']);
    for (const [fn, argument] of [
      [() => shippedSubsetDir('digits' as never), 'dataset'],
      [() => loadDataset('' as never), 'source'],
      [() => loadDataset(3 as never), 'source'],
      [() => loadDataset('mnist', 'validation' as never), 'split'],
      [() => datasetFiles('x' as never), 'split'],
      [() => loadFederatedData(undefined, { dataset: 'MNIST' as never }), 'dataset'],
      [() => loadFederatedData(undefined, { dataset: null as never }), 'dataset'],
      [() => loadFederatedData('', { dataset: 'mnist' }), 'dir'],
      [() => loadFederatedData(undefined, { datset: 'mnist' } as never), 'options.datset'],
    ] as const) {
      const e = errorOf(fn);
      expect(e.code, argument).toBe('INVALID_ARGUMENT');
      expect(e.details?.argument, e.message).toBe(argument);
    }
  });

  it('a folder without the files is an IO_ERROR naming the file', () => {
    const e = errorOf(() => loadDataset(join(tmp, 'nowhere'), 'test'));
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toMatch(/nowhere[/\\]t10k-images-idx3-ubyte\.gz: no such file/);
  });

  it('the old Fashion-MNIST names still read the same files', () => {
    const a = loadFashionMnist(shippedSubsetDir(), 'test');
    const b = loadDataset('fashion-mnist', 'test');
    expect(sameImages(a, b)).toBe(true);
    expect(sameImages(a, loadDataset('mnist', 'test'))).toBe(false);
  });
});
