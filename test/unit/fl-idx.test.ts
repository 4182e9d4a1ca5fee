import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import {
  FASHION_MNIST_DIR,
  SUBSET_PUBLIC_COUNT,
  fashionMnistFiles,
  loadFashionMnist,
  selectImages,
  shippedSubsetDir,
  splitPublic,
} from '../../src/fl/fashion-mnist.js';
import { encodeIdx, parseIdx, readIdx } from '../../src/fl/idx.js';
import { labelHistogram } from '../../src/fl/samples.js';

const tmp = mkdtempSync(join(tmpdir(), 'cocogen-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectIoError(fn: () => unknown, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CocogenError);
  expect((caught as CocogenError).code).toBe('IO_ERROR');
  for (const p of patterns) expect((caught as CocogenError).message).toMatch(p);
}

/** A folder with a valid tiny train split (3 images of 2×2), then `mutate` applied to its files. */
function tinyFolder(
  name: string,
  mutate: (files: { images: Uint8Array; labels: Uint8Array }) => { images: Uint8Array; labels: Uint8Array },
): string {
  const dir = join(tmp, name);
  execFileSync('mkdir', ['-p', dir]);
  const files = mutate({
    images: encodeIdx(
      [3, 2, 2],
      Uint8Array.from({ length: 12 }, (_, i) => i * 20),
    ),
    labels: encodeIdx([3], Uint8Array.of(0, 9, 4)),
  });
  writeFileSync(join(dir, fashionMnistFiles('train').images), files.images);
  writeFileSync(join(dir, fashionMnistFiles('train').labels), files.labels);
  return dir;
}

describe('IDX format', () => {
  it('round-trips through encode and parse, gzipped or not', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    for (const gz of [true, false]) {
      const path = join(tmp, `round-trip-${gz}.idx`);
      writeFileSync(path, encodeIdx([2, 3, 4], data, gz));
      const t = readIdx(path, 3);
      expect(t.dims).toEqual([2, 3, 4]);
      expect(Array.from(t.data)).toEqual(Array.from(data));
    }
  });

  it('rejects bad headers and payloads, naming what is wrong', () => {
    const good = encodeIdx([2, 2], Uint8Array.of(1, 2, 3, 4), false);
    expectIoError(() => parseIdx(good.subarray(0, 3), 'x.idx'), /x\.idx/, /shorter than the 4-byte/);
    expectIoError(() => parseIdx(Uint8Array.of(0, 0, 8, 2, 0, 0), 'x.idx'), /shorter than its 12-byte header/);
    expectIoError(
      () => parseIdx(Uint8Array.from([0x12, 0x34, ...good.subarray(2)]), 'x.idx'),
      /bad magic number 0x12340802/,
    );
    expectIoError(() => parseIdx(Uint8Array.from([0, 0, 0x0d, ...good.subarray(3)]), 'x.idx'), /element type 0x0d/);
    expectIoError(() => parseIdx(good, 'x.idx', 3), /rank 2 where 3 was expected/);
    expectIoError(
      () => parseIdx(good.subarray(0, good.length - 1), 'x.idx'),
      /payload of 3 bytes where its header \(2×2\) says 4 \(truncated\)/,
    );
    expectIoError(() => parseIdx(Uint8Array.from([...good, 7]), 'x.idx'), /payload of 5 bytes/);
  });
});

describe('Fashion-MNIST loader', () => {
  it('loads a folder: pixels scaled to [0, 1], labels, shape', () => {
    const set = loadFashionMnist(
      tinyFolder('ok', (f) => f),
      'train',
    );
    expect(set).toMatchObject({ rows: 2, cols: 2, count: 3 });
    expect(Array.from(set.labels)).toEqual([0, 9, 4]);
    expect(set.images[0]).toBe(0);
    expect(set.images[11]).toBeCloseTo(220 / 255, 6);
  });

  it('names the file when it is missing', () => {
    expectIoError(
      () => loadFashionMnist(join(tmp, 'nowhere'), 'test'),
      /nowhere\/t10k-images-idx3-ubyte\.gz/,
      /no such file/,
    );
  });

  it('names the file when its gzip is truncated', () => {
    const dir = tinyFolder('truncated-gzip', (f) => ({ ...f, images: f.images.subarray(0, f.images.length - 9) }));
    expectIoError(
      () => loadFashionMnist(dir),
      /truncated-gzip\/train-images-idx3-ubyte\.gz/,
      /corrupt or truncated gzip/,
    );
  });

  it('names the file when its magic number is wrong', () => {
    const dir = tinyFolder('bad-magic', (f) => {
      const raw = gunzipSync(f.labels);
      raw[3] = 3; // a labels file claiming rank 3
      return { ...f, labels: gzipSync(raw) };
    });
    expectIoError(() => loadFashionMnist(dir), /bad-magic\/train-labels-idx1-ubyte\.gz/, /rank 3 where 1 was expected/);
  });

  it('names the file when its payload is short', () => {
    const dir = tinyFolder('short', (f) => ({ ...f, images: gzipSync(gunzipSync(f.images).subarray(0, 16 + 10)) }));
    expectIoError(
      () => loadFashionMnist(dir),
      /short\/train-images-idx3-ubyte\.gz/,
      /payload of 10 bytes where its header \(3×2×2\) says 12/,
    );
  });

  it('reports a label/image count mismatch with both files', () => {
    const dir = tinyFolder('mismatch', (f) => ({ ...f, labels: encodeIdx([2], Uint8Array.of(1, 2)) }));
    expectIoError(() => loadFashionMnist(dir), /holds 2 labels but .*train-images-idx3-ubyte\.gz holds 3 images/);
  });

  it('refuses a split with no images, naming the file, instead of evaluating to NaN', () => {
    const dir = tinyFolder('empty', () => ({
      images: encodeIdx([0, 2, 2], new Uint8Array(0)),
      labels: encodeIdx([0], new Uint8Array(0)),
    }));
    expectIoError(() => loadFashionMnist(dir), /empty\/train-images-idx3-ubyte\.gz holds no images/);
  });

  it('rejects labels outside the ten classes', () => {
    const dir = tinyFolder('bad-label', (f) => ({ ...f, labels: encodeIdx([3], Uint8Array.of(1, 10, 2)) }));
    expectIoError(() => loadFashionMnist(dir), /label 10 at index 1/);
  });

  it('selects images by index', () => {
    const set = loadFashionMnist(tinyFolder('select', (f) => f));
    const s = selectImages(set, [2, 0]);
    expect(Array.from(s.labels)).toEqual([4, 0]);
    expect(Array.from(s.images.subarray(0, 4))).toEqual(Array.from(set.images.subarray(8, 12)));
  });
});

describe('shipped subset', () => {
  const dir = shippedSubsetDir();
  const train = loadFashionMnist(dir, 'train');
  const test = loadFashionMnist(dir, 'test');

  it('holds 6,000 train and 1,000 test 28×28 images, stratified', () => {
    expect(train).toMatchObject({ count: 6000, rows: 28, cols: 28 });
    expect(test).toMatchObject({ count: 1000, rows: 28, cols: 28 });
    expect(labelHistogram(train.labels, 10)).toEqual(new Array(10).fill(600));
    expect(labelHistogram(test.labels, 10)).toEqual(new Array(10).fill(100));
  });

  it('keeps its last 1,000 train images (100 per class) as the public split', () => {
    const { owned, public: pub } = splitPublic(train, SUBSET_PUBLIC_COUNT);
    expect(owned.count).toBe(5000);
    expect(labelHistogram(owned.labels, 10)).toEqual(new Array(10).fill(500));
    expect(labelHistogram(pub.labels, 10)).toEqual(new Array(10).fill(100));
    expect(Array.from(pub.images.subarray(0, 784))).toEqual(Array.from(train.images.subarray(5000 * 784, 5001 * 784)));
  });

  it.skipIf(!existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')))(
    'is rebuilt byte for byte by scripts/make-subset.mjs from the Debian files',
    () => {
      const out = join(tmp, 'rebuilt');
      execFileSync(process.execPath, ['scripts/make-subset.mjs', '--out', out], { stdio: 'pipe' });
      for (const split of ['train', 'test'] as const) {
        for (const file of Object.values(fashionMnistFiles(split))) {
          expect(
            gunzipSync(readFileSync(join(out, file))).equals(gunzipSync(readFileSync(join(dir, file)))),
            file,
          ).toBe(true);
        }
      }
    },
  );
});

describe('IDX entry points refuse what is not their input', () => {
  it('parseIdx and readIdx give INVALID_ARGUMENT naming the argument, never a TypeError', () => {
    const ok = encodeIdx([2], Uint8Array.of(1, 2), false);
    for (const [call, name] of [
      [() => parseIdx(undefined as never, 'x'), 'bytes'],
      [() => parseIdx([0, 0, 8, 1] as never, 'x'), 'bytes'],
      [() => parseIdx(ok, undefined as never), 'path'],
      [() => parseIdx(ok, 'x', 0), 'ndim'],
      [() => readIdx(undefined as never), 'path'],
    ] as const) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CocogenError);
      expect((error as CocogenError).code).toBe('INVALID_ARGUMENT');
      expect((error as CocogenError).message).toMatch(new RegExp(` for ${name} but received`));
    }
  });
});
