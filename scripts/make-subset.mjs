#!/usr/bin/env node
// Makes the small stratified Fashion-MNIST subset shipped in data/fashion-mnist-subset/ (DESIGN §5.1) from the full
// IDX files, deterministically from a seed, so that anyone can rebuild it byte for byte and check it.
//
//   node scripts/make-subset.mjs [--source DIR] [--out DIR] [--seed N]
//                                [--train-per-class 600] [--public-per-class 100] [--test-per-class 100]
//
// Defaults: --source /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), --out
// data/fashion-mnist-subset, --seed 20240605. Per class it shuffles the class's indices (xorshift-based PRNG below)
// and takes the first train-per-class; of those, the last public-per-class form the public split. The train file
// holds the owned images first (shuffled across classes), then the public ones (shuffled): the LAST
// 10 × public-per-class train images are public. The test file holds test-per-class of each class, shuffled.
// Self-contained (node:zlib only) so that it runs without building the package.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = {
    source: '/usr/share/datasets/fashion-mnist',
    out: join(root, 'data', 'fashion-mnist-subset'),
    seed: 20240605,
    trainPerClass: 600,
    publicPerClass: 100,
    testPerClass: 100,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    const key = {
      '--source': 'source',
      '--out': 'out',
      '--seed': 'seed',
      '--train-per-class': 'trainPerClass',
      '--public-per-class': 'publicPerClass',
      '--test-per-class': 'testPerClass',
    }[flag];
    if (!key) throw new Error(`unknown flag ${flag}`);
    o[key] = key === 'source' || key === 'out' ? value : Number(value);
    if (typeof o[key] === 'number' && !(Number.isInteger(o[key]) && o[key] >= 0))
      throw new Error(`${flag} must be a non-negative integer`);
  }
  if (o.publicPerClass > o.trainPerClass) throw new Error('--public-per-class must not exceed --train-per-class');
  return o;
}

/** xorshift32 seeded through splitmix32: small, exact in 32-bit integer arithmetic, the same everywhere. */
function prng(seed) {
  let x = seed | 0;
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  let s = (x ^ (x >>> 16)) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function shuffle(a, rand) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function readIdx(path) {
  const bytes = gunzipSync(readFileSync(path));
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 8) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const data = bytes.subarray(4 + 4 * rank);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${path}: payload does not match its header`);
  return { dims, data };
}

function writeIdx(path, dims, data) {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 8;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  writeFileSync(path, gzipSync(out, { level: 9 }));
}

function select(images, labels, indices) {
  const d = images.dims[1] * images.dims[2];
  const x = new Uint8Array(indices.length * d);
  const y = new Uint8Array(indices.length);
  indices.forEach((i, j) => {
    x.set(images.data.subarray(i * d, (i + 1) * d), j * d);
    y[j] = labels.data[i];
  });
  return { x, y, dims: [indices.length, images.dims[1], images.dims[2]] };
}

function byClass(labels) {
  const classes = Array.from({ length: 10 }, () => []);
  labels.data.forEach((c, i) => classes[c].push(i));
  return classes;
}

const o = parseArgs(process.argv.slice(2));
const rand = prng(o.seed);
mkdirSync(o.out, { recursive: true });

const trainImages = readIdx(join(o.source, 'train-images-idx3-ubyte.gz'));
const trainLabels = readIdx(join(o.source, 'train-labels-idx1-ubyte.gz'));
const owned = [];
const pub = [];
for (const indices of byClass(trainLabels)) {
  const picked = shuffle(indices, rand).slice(0, o.trainPerClass);
  if (picked.length < o.trainPerClass) throw new Error(`a class has only ${picked.length} train images`);
  owned.push(...picked.slice(0, o.trainPerClass - o.publicPerClass));
  pub.push(...picked.slice(o.trainPerClass - o.publicPerClass));
}
const train = select(trainImages, trainLabels, [...shuffle(owned, rand), ...shuffle(pub, rand)]);
writeIdx(join(o.out, 'train-images-idx3-ubyte.gz'), train.dims, train.x);
writeIdx(join(o.out, 'train-labels-idx1-ubyte.gz'), [train.y.length], train.y);

const testImages = readIdx(join(o.source, 't10k-images-idx3-ubyte.gz'));
const testLabels = readIdx(join(o.source, 't10k-labels-idx1-ubyte.gz'));
const testPicked = [];
for (const indices of byClass(testLabels)) testPicked.push(...shuffle(indices, rand).slice(0, o.testPerClass));
const test = select(testImages, testLabels, shuffle(testPicked, rand));
writeIdx(join(o.out, 't10k-images-idx3-ubyte.gz'), test.dims, test.x);
writeIdx(join(o.out, 't10k-labels-idx1-ubyte.gz'), [test.y.length], test.y);

console.log(
  `wrote ${o.out}: ${train.y.length} train (the last ${pub.length} public), ${test.y.length} test; seed ${o.seed}`,
);
