/**
 * The one table of convolution and max-pool cases that every backend runs: conv2d forward (bias, fused ReLU), its
 * backward (dw, db, dx; through the ReLU), max-pool forward (the tie rule) and backward — each against float64 loops
 * here, written apart from the reference — then finite-difference checks of every backend's backward kernels
 * against the reference's float64 forward, and the argument checks.
 *
 * Tolerance, per element, with L the number of products summed and Σ|terms| their magnitudes (bias included):
 * 2·L·2^-24·Σ|terms| + 2^-23·|value| + 1e-30 — float32 accumulation over L terms (native: im2col onto SGEMM;
 * WebGPU: direct loops), doubled for the final rounding; js (float64 inside) is far within it. Max pool forward is
 * exact everywhere. Finite differences: central, h = 1e-3, on the float64 reference forward (linear in every
 * argument away from ReLU kinks and pool ties, which the inputs keep clear of), so their own error is ~1e-12 and the
 * same bound plus 1e-7 applies.
 */
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { OpenEngine } from './tables.js';
import { CocogenError } from '../../src/core/errors.js';
import { conv2dShape, type Conv2dShape } from '../../src/engine/kernels/conv2d/contract.js';
import { conv2dForward64 } from '../../src/engine/kernels/conv2d/reference.js';
import { maxPoolShape, type MaxPoolShape } from '../../src/engine/kernels/max-pool/contract.js';
import { maxPoolForward64 } from '../../src/engine/kernels/max-pool/reference.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';
import { uniform } from './gemm.cases.js';

const U = 2 ** -24;

interface ConvSizes {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  stride?: number;
  padding?: number;
}

interface ConvCase {
  name: string;
  sizes: ConvSizes;
  seed: number;
}

const CONV_CASES: ConvCase[] = [
  {
    name: 'odd 7×5 input, 3×3 kernel, C 2 → O 3, batch 2',
    sizes: { batch: 2, channels: 2, height: 7, width: 5, outChannels: 3, kernelHeight: 3, kernelWidth: 3 },
    seed: 1,
  },
  {
    name: 'padding 1, 3×3 on 6×6 ("same")',
    sizes: { batch: 2, channels: 3, height: 6, width: 6, outChannels: 2, kernelHeight: 3, kernelWidth: 3, padding: 1 },
    seed: 2,
  },
  {
    name: 'stride 2, padding 2, 5×5 on 9×11',
    sizes: {
      batch: 3,
      channels: 2,
      height: 9,
      width: 11,
      outChannels: 4,
      kernelHeight: 5,
      kernelWidth: 5,
      stride: 2,
      padding: 2,
    },
    seed: 3,
  },
  {
    name: '1×1 kernel, C 4 → O 3',
    sizes: { batch: 2, channels: 4, height: 5, width: 3, outChannels: 3, kernelHeight: 1, kernelWidth: 1 },
    seed: 4,
  },
  {
    name: 'kernel = whole input (4×6): one output per map',
    sizes: { batch: 2, channels: 3, height: 4, width: 6, outChannels: 5, kernelHeight: 4, kernelWidth: 6 },
    seed: 5,
  },
  {
    name: 'batch 1, C 1, non-square 3×2 kernel',
    sizes: { batch: 1, channels: 1, height: 6, width: 5, outChannels: 2, kernelHeight: 3, kernelWidth: 2 },
    seed: 6,
  },
  {
    name: 'stride 3 > kernel 2 (inputs skipped)',
    sizes: { batch: 2, channels: 2, height: 8, width: 7, outChannels: 2, kernelHeight: 2, kernelWidth: 2, stride: 3 },
    seed: 7,
  },
  {
    name: 'padding = kernel − 1, the largest allowed (3×3, padding 2, stride 2)',
    sizes: {
      batch: 2,
      channels: 2,
      height: 5,
      width: 4,
      outChannels: 3,
      kernelHeight: 3,
      kernelWidth: 3,
      stride: 2,
      padding: 2,
    },
    seed: 8,
  },
  {
    name: 'the CNN’s first layer, batch 2: 1×28×28 → 16, 5×5, padding 2',
    sizes: {
      batch: 2,
      channels: 1,
      height: 28,
      width: 28,
      outChannels: 16,
      kernelHeight: 5,
      kernelWidth: 5,
      padding: 2,
    },
    seed: 9,
  },
  {
    name: 'the CNN’s second layer, batch 2: 16×14×14 → 32, 5×5, padding 2',
    sizes: {
      batch: 2,
      channels: 16,
      height: 14,
      width: 14,
      outChannels: 32,
      kernelHeight: 5,
      kernelWidth: 5,
      padding: 2,
    },
    seed: 10,
  },
  {
    name: 'batch 9 (more than one native block of samples), 2×7×7 → 3, 3×3',
    sizes: { batch: 9, channels: 2, height: 7, width: 7, outChannels: 3, kernelHeight: 3, kernelWidth: 3 },
    seed: 11,
  },
];

interface ConvData {
  s: Conv2dShape;
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array;
}

function convData(c: ConvCase): ConvData {
  const s = conv2dShape(c.sizes as unknown as Record<string, unknown>);
  return {
    s,
    x: uniform(c.seed * 10, s.batch * s.channels * s.height * s.width),
    w: uniform(c.seed * 10 + 1, s.outChannels * s.channels * s.kernelHeight * s.kernelWidth),
    bias: uniform(c.seed * 10 + 2, s.outChannels, -0.5, 0.5),
  };
}

/** The input position that output (oh, ow) reads through tap (kh, kw), or null inside the padding. */
function tap(s: Conv2dShape, oh: number, ow: number, kh: number, kw: number): [number, number] | null {
  const ih = oh * s.stride + kh - s.padding;
  const iw = ow * s.stride + kw - s.padding;
  return ih >= 0 && ih < s.height && iw >= 0 && iw < s.width ? [ih, iw] : null;
}

/** Visits every (n, o, oh, ow, c, kh, kw) product with the flat indices of its y, x and w elements. */
function eachProduct(s: Conv2dShape, visit: (yAt: number, xAt: number, wAt: number, o: number) => void): void {
  for (let n = 0; n < s.batch; n++)
    for (let o = 0; o < s.outChannels; o++)
      for (let oh = 0; oh < s.outHeight; oh++)
        for (let ow = 0; ow < s.outWidth; ow++)
          for (let c = 0; c < s.channels; c++)
            for (let kh = 0; kh < s.kernelHeight; kh++)
              for (let kw = 0; kw < s.kernelWidth; kw++) {
                const at = tap(s, oh, ow, kh, kw);
                if (!at) continue;
                visit(
                  ((n * s.outChannels + o) * s.outHeight + oh) * s.outWidth + ow,
                  ((n * s.channels + c) * s.height + at[0]) * s.width + at[1],
                  ((o * s.channels + c) * s.kernelHeight + kh) * s.kernelWidth + kw,
                  o,
                );
              }
}

/** Sums with their magnitudes and term counts, and the tolerance of the header. */
class Sums {
  readonly value: Float64Array;
  readonly mag: Float64Array;
  readonly count: Float64Array;
  constructor(length: number) {
    this.value = new Float64Array(length);
    this.mag = new Float64Array(length);
    this.count = new Float64Array(length);
  }
  add(i: number, t: number): void {
    this.value[i]! += t;
    this.mag[i]! += Math.abs(t);
    this.count[i]! += 1;
  }
  atol(): Float64Array {
    return this.value.map((v, i) => 2 * this.count[i]! * U * this.mag[i]! + 2 * U * Math.abs(v) + 1e-30);
  }
}

function convForwardTruth(d: ConvData, relu: boolean): { value: Float64Array; atol: Float64Array } {
  const { s } = d;
  const y = new Sums(s.batch * s.outChannels * s.outHeight * s.outWidth);
  for (let i = 0; i < y.value.length; i++) {
    y.add(i, d.bias[Math.floor(i / (s.outHeight * s.outWidth)) % s.outChannels]!);
  }
  eachProduct(s, (yAt, xAt, wAt) => y.add(yAt, d.x[xAt]! * d.w[wAt]!));
  const atol = y.atol();
  return { value: relu ? y.value.map((v) => (v > 0 ? v : 0)) : y.value, atol };
}

interface GradTruth {
  dw: Sums;
  db: Sums;
  dx: Sums;
}

/** dw, db, dx of Σ g·y with g = dy (masked by yOut > 0 when given). */
function convBackwardTruth(d: ConvData, dy: Float32Array, yOut: Float32Array | null): GradTruth {
  const { s } = d;
  const g = (i: number) => (yOut && !(yOut[i]! > 0) ? 0 : dy[i]!);
  const t: GradTruth = { dw: new Sums(d.w.length), db: new Sums(s.outChannels), dx: new Sums(d.x.length) };
  for (let i = 0; i < dy.length; i++) t.db.add(Math.floor(i / (s.outHeight * s.outWidth)) % s.outChannels, g(i));
  eachProduct(s, (yAt, xAt, wAt) => {
    t.dw.add(wAt, g(yAt) * d.x[xAt]!);
    t.dx.add(xAt, g(yAt) * d.w[wAt]!);
  });
  return t;
}

/** Central differences of L = Σ r·f(v) over every element of v, f the float64 reference forward. */
function centralDifferences(v: Float32Array, loss: (v: Float64Array) => number, h = 1e-3): Float64Array {
  const at = Float64Array.from(v);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = at[i]!;
    at[i] = old + h;
    const up = loss(at);
    at[i] = old - h;
    const down = loss(at);
    at[i] = old;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

function dot(r: Float32Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * y[i]!;
  return s;
}

// -- max pool ------------------------------------------------------------------------------------------------------

interface PoolSizes {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernel: number;
  stride?: number;
}

interface PoolCase {
  name: string;
  sizes: PoolSizes;
  /** the input; default distinct random values (multiples of 1/64, so that finite differences see no tie) */
  x?: (length: number) => Float32Array;
  seed: number;
}

function distinct(seed: number, length: number): Float32Array {
  const rng = new Random(seed);
  const values = Array.from({ length }, (_, i) => (i - length / 2) / 64);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return Float32Array.from(values);
}

const POOL_CASES: PoolCase[] = [
  {
    name: '2×2 stride 2 on 6×6, batch 2, C 3',
    sizes: { batch: 2, channels: 3, height: 6, width: 6, kernel: 2 },
    seed: 1,
  },
  {
    name: 'odd 7×5 with 2×2 stride 2 (the last row and column dropped)',
    sizes: { batch: 2, channels: 2, height: 7, width: 5, kernel: 2 },
    seed: 2,
  },
  {
    name: '3×3 stride 1: overlapping windows accumulate in the backward',
    sizes: { batch: 1, channels: 2, height: 6, width: 5, kernel: 3, stride: 1 },
    seed: 3,
  },
  {
    name: '3×3 stride 2 on 9×9',
    sizes: { batch: 2, channels: 1, height: 9, width: 9, kernel: 3, stride: 2 },
    seed: 4,
  },
  { name: 'kernel = whole input (5×5)', sizes: { batch: 2, channels: 2, height: 5, width: 5, kernel: 5 }, seed: 5 },
  {
    name: 'stride 3 > kernel 2',
    sizes: { batch: 1, channels: 2, height: 8, width: 8, kernel: 2, stride: 3 },
    seed: 6,
  },
  { name: '1×1 kernel: the identity', sizes: { batch: 1, channels: 1, height: 3, width: 4, kernel: 1 }, seed: 7 },
  {
    name: 'the CNN’s first pool, batch 2: 16×28×28',
    sizes: { batch: 2, channels: 16, height: 28, width: 28, kernel: 2 },
    seed: 8,
  },
  {
    name: 'ties: the first maximum in row-major order (equal values, ±0, overlapping windows)',
    sizes: { batch: 1, channels: 2, height: 4, width: 4, kernel: 2, stride: 1 },
    x: () =>
      Float32Array.of(
        ...[1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 2, 0, 0, 2, 2, 0],
        ...[-0, 0, -1, 5, 0, -0, 5, 5, -3, -3, 5, -0, -3, -3, 0, 0],
      ),
    seed: 9,
  },
  {
    name: 'NaN wins over numbers, the first NaN in row-major order; ±Infinity compare as numbers',
    sizes: { batch: 1, channels: 1, height: 4, width: 4, kernel: 2 },
    x: () =>
      Float32Array.of(1, NaN, 9, Infinity, NaN, 3, -Infinity, 2, -Infinity, -Infinity, 7, 7, -Infinity, 8, 7, NaN),
    seed: 10,
  },
];

function poolData(c: PoolCase): { s: MaxPoolShape; x: Float32Array } {
  const s = maxPoolShape(c.sizes as unknown as Record<string, unknown>);
  const length = s.batch * s.channels * s.height * s.width;
  return { s, x: c.x ? c.x(length) : distinct(c.seed, length) };
}

/** Window maxima by another route: NaN if any (the first), else Math.max and the first position holding it. */
function poolTruth(s: MaxPoolShape, x: Float32Array): { y: Float64Array; indices: Int32Array } {
  const count = s.batch * s.channels * s.outHeight * s.outWidth;
  const y = new Float64Array(count);
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const ow = i % s.outWidth;
    const oh = Math.floor(i / s.outWidth) % s.outHeight;
    const plane = Math.floor(i / (s.outWidth * s.outHeight));
    const window: { v: number; p: number }[] = [];
    for (let kh = 0; kh < s.kernel; kh++)
      for (let kw = 0; kw < s.kernel; kw++) {
        const p = (oh * s.stride + kh) * s.width + ow * s.stride + kw;
        window.push({ v: x[plane * s.height * s.width + p]!, p });
      }
    const nan = window.find((e) => Number.isNaN(e.v));
    const max = Math.max(...window.map((e) => e.v));
    const first = nan ?? window.find((e) => e.v === max)!;
    y[i] = first.v;
    indices[i] = first.p;
  }
  return { y, indices };
}

function poolBackwardTruth(s: MaxPoolShape, dy: Float32Array, indices: Int32Array): Sums {
  const dx = new Sums(s.batch * s.channels * s.height * s.width);
  const plane = s.outHeight * s.outWidth;
  for (let i = 0; i < dy.length; i++) dx.add(Math.floor(i / plane) * s.height * s.width + indices[i]!, dy[i]!);
  return dx;
}

// -- argument checks -----------------------------------------------------------------------------------------------

type Call = (e: Engine) => Promise<unknown>;

const base: ConvSizes = { batch: 2, channels: 1, height: 5, width: 5, outChannels: 2, kernelHeight: 3, kernelWidth: 3 };
const convArgs = (over: Record<string, unknown> = {}) => ({
  ...base,
  x: new Float32Array(50),
  w: new Float32Array(18),
  bias: new Float32Array(2),
  ...over,
});
const backArgs = (over: Record<string, unknown> = {}) => ({
  ...base,
  x: new Float32Array(50),
  w: new Float32Array(18),
  dy: new Float32Array(36),
  ...over,
});
const poolBase = { batch: 1, channels: 2, height: 4, width: 4, kernel: 2 };

const ERROR_CASES: { name: string; call: Call; message: RegExp }[] = [
  {
    name: 'x of the wrong length',
    call: (e) => e.conv2d(convArgs({ x: new Float32Array(49) }) as never),
    message: /Float32Array of length 50 \(2×1×5×5\) for input\.x but received a Float32Array of length 49/,
  },
  {
    name: 'w of the wrong type',
    call: (e) => e.conv2d(convArgs({ w: new Float64Array(18) }) as never),
    message: /length 18 \(2×1×3×3\) for input\.w but received a Float64Array/,
  },
  {
    name: 'bias of the wrong length',
    call: (e) => e.conv2d(convArgs({ bias: new Float32Array(3) }) as never),
    message: /for input\.bias/,
  },
  {
    name: 'batch 0',
    call: (e) => e.conv2d(convArgs({ batch: 0 }) as never),
    message: /integer in \[1, 2\^31\) for input\.batch but received 0/,
  },
  {
    name: 'negative channels',
    call: (e) => e.conv2d(convArgs({ channels: -1 }) as never),
    message: /for input\.channels but received -1/,
  },
  {
    name: 'non-integer stride',
    call: (e) => e.conv2d(convArgs({ stride: 1.5 }) as never),
    message: /integer in \[1, 2\^31\) for input\.stride but received 1\.5/,
  },
  { name: 'stride 0', call: (e) => e.conv2d(convArgs({ stride: 0 }) as never), message: /for input\.stride/ },
  {
    name: 'padding ≥ the kernel',
    call: (e) => e.conv2d(convArgs({ padding: 3 }) as never),
    message: /integer in \[0, 3\) \(less than the kernel.s smaller side\) for input\.padding but received 3/,
  },
  {
    name: 'padding ≥ the smaller side of a non-square kernel',
    call: (e) => e.conv2d(convArgs({ kernelWidth: 1, w: new Float32Array(6), padding: 1 }) as never),
    message: /for input\.padding but received 1/,
  },
  {
    name: 'an output size ≤ 0 (kernel taller than the padded input)',
    call: (e) => e.conv2d(convArgs({ kernelHeight: 6, w: new Float32Array(36) }) as never),
    message: /at most height \+ 2·padding = 5 \(an output height ≥ 1\) for input\.kernelHeight but received 6/,
  },
  {
    name: 'an unknown key',
    call: (e) => e.conv2d(convArgs({ strides: 2 }) as never),
    message: /for input\.strides but received an unknown option/,
  },
  {
    name: 'a non-boolean relu',
    call: (e) => e.conv2d(convArgs({ relu: 1 }) as never),
    message: /a boolean for input\.relu but received 1/,
  },
  {
    name: 'backward: dy of the wrong length',
    call: (e) => e.conv2dBackward(backArgs({ dy: new Float32Array(35) }) as never),
    message: /length 36 \(2×2×3×3\) for input\.dy/,
  },
  {
    name: 'backward: relu without the forward output',
    call: (e) => e.conv2dBackward(backArgs({ relu: true }) as never),
    message: /the forward output, needed with relu\) for input\.y but received undefined/,
  },
  {
    name: 'backward: y without relu',
    call: (e) => e.conv2dBackward(backArgs({ y: new Float32Array(36) }) as never),
    message: /undefined without relu .* for input\.y/,
  },
  {
    name: 'backward: an unknown key',
    call: (e) => e.conv2dBackward(backArgs({ needDw: true }) as never),
    message: /for input\.needDw but received an unknown option/,
  },
  {
    name: 'max pool: kernel larger than the input',
    call: (e) => e.maxPool2d({ ...poolBase, kernel: 5, x: new Float32Array(32) }),
    message: /at most min\(height, width\) = 4 \(an output size ≥ 1\) for input\.kernel but received 5/,
  },
  {
    name: 'max pool: non-integer stride',
    call: (e) => e.maxPool2d({ ...poolBase, stride: 0.5, x: new Float32Array(32) }),
    message: /for input\.stride but received 0\.5/,
  },
  {
    name: 'max pool: x of the wrong length',
    call: (e) => e.maxPool2d({ ...poolBase, x: new Float32Array(31) }),
    message: /length 32 \(1×2×4×4\) for input\.x/,
  },
  {
    name: 'max pool: an unknown key',
    call: (e) => e.maxPool2d({ ...poolBase, padding: 1, x: new Float32Array(32) } as never),
    message: /for input\.padding but received an unknown option/,
  },
  {
    name: 'max pool backward: indices of the wrong type',
    call: (e) => e.maxPool2dBackward({ ...poolBase, dy: new Float32Array(8), indices: new Float32Array(8) } as never),
    message: /Int32Array of length 8 \(1×2×2×2\) for input\.indices but received a Float32Array/,
  },
  {
    name: 'max pool backward: an index outside its window',
    call: (e) =>
      e.maxPool2dBackward({ ...poolBase, dy: new Float32Array(8), indices: Int32Array.of(0, 2, 8, 0, 0, 2, 8, 10) }),
    message: /inside window \(1, 1\).* for input\.indices\[3\] but received 0/,
  },
];

/** Run the table on one backend; the engine is created once and disposed at the end (`open` makes a new one). */
export function runConvTable(backend: 'js' | 'native' | 'webgpu', open: () => Promise<Engine>): void {
  describe(`convolution and max-pool shared table on ${backend}`, () => {
    let engine: Promise<Engine> | undefined;
    const get = () => (engine ??= open());
    afterAll(async () => (await engine)?.dispose());

    for (const c of CONV_CASES) {
      for (const relu of [false, true]) {
        it(`conv2d ${relu ? 'with ReLU ' : ''}— ${c.name}`, async () => {
          const d = convData(c);
          const x = d.x.slice();
          const y = await (await get()).conv2d({ ...c.sizes, x: d.x, w: d.w, bias: d.bias, relu });
          const truth = convForwardTruth(d, relu);
          expect(y).toBeInstanceOf(Float32Array);
          expectClose(y, truth.value, { rtol: 0, atol: truth.atol });
          expect(d.x).toEqual(x); // inputs untouched
        });
      }

      it(`conv2dBackward (with ReLU, then without and needDx false) — ${c.name}`, async () => {
        const d = convData(c);
        const e = await get();
        const yOut = Float32Array.from(convForwardTruth(d, true).value);
        const dy = uniform(c.seed * 10 + 3, yOut.length);
        const got = await e.conv2dBackward({ ...c.sizes, x: d.x, w: d.w, dy, y: yOut, relu: true });
        const t = convBackwardTruth(d, dy, yOut);
        expectClose(got.dw, t.dw.value, { rtol: 0, atol: t.dw.atol() });
        expectClose(got.db, t.db.value, { rtol: 0, atol: t.db.atol() });
        expectClose(got.dx!, t.dx.value, { rtol: 0, atol: t.dx.atol() });
        const plain = await e.conv2dBackward({ ...c.sizes, x: d.x, w: d.w, dy, needDx: false });
        const tp = convBackwardTruth(d, dy, null);
        expect(plain.dx).toBeNull();
        expectClose(plain.dw, tp.dw.value, { rtol: 0, atol: tp.dw.atol() });
        expectClose(plain.db, tp.db.value, { rtol: 0, atol: tp.db.atol() });
      });
    }

    // Finite differences on the small shapes (every element of x, w and bias).
    for (const c of CONV_CASES.slice(0, 8)) {
      for (const relu of [false, true]) {
        const through = relu ? ' through the ReLU' : '';
        it(`conv2dBackward matches central differences of the reference forward${through} — ${c.name}`, async () => {
          const d = convData(c);
          const { s } = d;
          const r = uniform(c.seed * 10 + 4, s.batch * s.outChannels * s.outHeight * s.outWidth);
          const yOut = relu ? Float32Array.from(conv2dForward64(s, d.x, d.w, d.bias, true)) : undefined;
          const got = await (
            await get()
          ).conv2dBackward({ ...c.sizes, x: d.x, w: d.w, dy: r, relu, ...(yOut ? { y: yOut } : {}) });
          const t = convBackwardTruth(d, r, yOut ?? null);
          const fd = {
            dx: centralDifferences(d.x, (v) => dot(r, conv2dForward64(s, v, d.w, d.bias, relu))),
            dw: centralDifferences(d.w, (v) => dot(r, conv2dForward64(s, d.x, v, d.bias, relu))),
            db: centralDifferences(d.bias, (v) => dot(r, conv2dForward64(s, d.x, d.w, v, relu))),
          };
          for (const k of ['dx', 'dw', 'db'] as const) {
            expectClose(got[k]!, fd[k], { rtol: 0, atol: t[k].atol().map((a) => a + 1e-7) });
          }
        });
      }
    }

    for (const c of POOL_CASES) {
      it(`maxPool2d and its backward — ${c.name}`, async () => {
        const { s, x } = poolData(c);
        const e = await get();
        const { y, indices } = await e.maxPool2d({ ...c.sizes, x });
        const truth = poolTruth(s, x);
        expect(y).toBeInstanceOf(Float32Array);
        expect(indices).toBeInstanceOf(Int32Array);
        expect(Array.from(indices)).toEqual(Array.from(truth.indices));
        expectClose(y, truth.y, { rtol: 0, atol: 0 });
        for (let i = 0; i < y.length; i++) expect(Object.is(y[i], truth.y[i]) || Number.isNaN(y[i])).toBe(true);
        const dy = uniform(c.seed * 10 + 5, y.length);
        const dx = await e.maxPool2dBackward({ ...c.sizes, dy, indices });
        const t = poolBackwardTruth(s, dy, indices);
        expectClose(dx, t.value, { rtol: 0, atol: t.atol() });
      });
    }

    // Finite differences on the small random inputs (each coordinate reruns the whole forward).
    for (const c of POOL_CASES.filter(
      (p) => !p.x && p.sizes.batch * p.sizes.channels * p.sizes.height * p.sizes.width <= 512,
    )) {
      it(`maxPool2dBackward matches central differences of the reference forward — ${c.name}`, async () => {
        const { s, x } = poolData(c);
        const e = await get();
        const { indices } = await e.maxPool2d({ ...c.sizes, x });
        const r = uniform(c.seed * 10 + 6, indices.length);
        const dx = await e.maxPool2dBackward({ ...c.sizes, dy: r, indices });
        const fd = centralDifferences(x, (v) => dot(r, maxPoolForward64(s, v).y));
        expectClose(dx, fd, {
          rtol: 0,
          atol: poolBackwardTruth(s, r, indices)
            .atol()
            .map((a) => a + 1e-7),
        });
      });
    }

    it('every method throws DISPOSED after dispose', async () => {
      const e = await open();
      e.dispose();
      const d = convData(CONV_CASES[0]!);
      const sizes = CONV_CASES[0]!.sizes;
      const dy = new Float32Array(d.s.batch * d.s.outChannels * d.s.outHeight * d.s.outWidth);
      const pool = { batch: 1, channels: 1, height: 2, width: 2, kernel: 2 };
      await expect(e.conv2d({ ...sizes, x: d.x, w: d.w, bias: d.bias })).rejects.toMatchObject({ code: 'DISPOSED' });
      await expect(e.conv2dBackward({ ...sizes, x: d.x, w: d.w, dy })).rejects.toMatchObject({ code: 'DISPOSED' });
      await expect(e.maxPool2d({ ...pool, x: new Float32Array(4) })).rejects.toMatchObject({ code: 'DISPOSED' });
      await expect(
        e.maxPool2dBackward({ ...pool, dy: new Float32Array(1), indices: new Int32Array(1) }),
      ).rejects.toMatchObject({ code: 'DISPOSED' });
    });

    for (const c of ERROR_CASES) {
      it(`INVALID_ARGUMENT: ${c.name}`, async () => {
        const e = await get();
        let caught: unknown;
        try {
          await c.call(e);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(CocogenError);
        expect((caught as CocogenError).code).toBe('INVALID_ARGUMENT');
        expect((caught as CocogenError).message).toMatch(c.message);
      });
    }
  });
}

/**
 * Native only: results do not depend on the thread count (native/kernels/conv2d.h: dw summed per fixed block of
 * samples). One thread takes the sample-by-sample path with a multithreaded SGEMM, three spread the samples.
 */
export function runConvNativeChecks(open: OpenEngine): void {
  describe('convolution on native: bit-identical for any thread count', () => {
    afterAll(async () => (await open({ threads: availableParallelism() })).dispose());

    it('conv2d and conv2dBackward give the same bits on 1 and 3 threads', async () => {
      const runs: Float32Array[][] = [];
      for (const threads of [1, 3]) {
        const e = await open({ threads });
        const out: Float32Array[] = [];
        for (const c of [CONV_CASES[10]!, CONV_CASES[9]!]) {
          const d = convData(c);
          const y = await e.conv2d({ ...c.sizes, x: d.x, w: d.w, bias: d.bias, relu: true });
          const g = await e.conv2dBackward({
            ...c.sizes,
            x: d.x,
            w: d.w,
            dy: uniform(c.seed, y.length),
            y,
            relu: true,
          });
          out.push(y, g.dw, g.db, g.dx!);
        }
        e.dispose();
        runs.push(out);
      }
      runs[1]!.forEach((a, i) => expect(a).toEqual(runs[0]![i]));
    });
  });
}
