/**
 * The models of DESIGN §5.4 as reference kernels: softmax regression (d→C), a one-hidden-layer MLP (d→h→C, ReLU) and
 * a small CNN on a square one-channel image of side s = √d: conv 5×5×16 (padding 2) → ReLU → 2×2 max-pool → conv
 * 5×5×32 (padding 2) → ReLU → 2×2 max-pool → dense C (on 28×28: 28→14→7, dense 32·7·7 → 10). Parameters live in ONE
 * flat Float32Array per model, so that FedAvg aggregates them as they are; the layout is fixed and documented
 * because the native and WGSL kernels read the same buffer:
 *
 * - softmax: `W (d×C, row-major: input-major) | b (C)`
 * - mlp:     `W1 (d×h) | b1 (h) | W2 (h×C) | b2 (C)`
 * - cnn:     `W1 (16×1×5×5) | b1 (16) | W2 (32×16×5×5) | b2 (32) | W3 (32·q·q × C) | b3 (C)`, q = ⌊⌊s/2⌋/2⌋; conv
 *   weights out-channel-major as the conv kernels take them, W3's rows in the pooled map's NCHW order (channel,
 *   row, column).
 *
 * Storage follows the parameters' type (float32 in training; float64 copies for finite-difference checks); dot
 * products go through {@link gemm} (float64 accumulation), softmax cross-entropy is computed in float64. The CNN's
 * convolutions and pools are the engine kernels' own JS references (float64 loops), each layer's output stored in
 * the parameters' type: in float32 this is the `js` engine's arithmetic step for step.
 */
import { invalidArgument } from '../core/errors.js';
import type { Random } from '../util/random.js';
import { gemm, type Floats } from '../numeric/linalg.js';
import { sgdMomentumStep, softmaxCrossEntropy, type SgdOptions } from '../numeric/training.js';
import { conv2dShape, type Conv2dShape } from '../engine/kernels/conv2d/contract.js';
import { conv2dBackward64, conv2dForward64 } from '../engine/kernels/conv2d/reference.js';
import { maxPoolShape, type MaxPoolShape } from '../engine/kernels/max-pool/contract.js';
import { maxPoolBackward64, maxPoolForward64 } from '../engine/kernels/max-pool/reference.js';
import type { CnnNetwork } from '../engine/kernels/cnn/contract.js';

export { sgdMomentumStep, softmaxCrossEntropy, type SgdOptions };

export type ModelKind = 'softmax' | 'mlp' | 'cnn';

export interface ModelSpec {
  kind: ModelKind;
  /** input features (784 for Fashion-MNIST); for the CNN a square image's pixels (side ≥ 4) */
  inputs: number;
  /** classes (10) */
  classes: number;
  /** hidden units, MLP only (refused for the others) */
  hidden?: number;
}

/** A model's shape and its reference forward/backward. Stateless: parameters are passed in. */
export interface Model {
  readonly kind: ModelKind;
  readonly inputs: number;
  readonly classes: number;
  /** hidden units (0 for softmax regression and the CNN) */
  readonly hidden: number;
  readonly parameterCount: number;
  /** Fresh parameters: softmax regression starts at zero; the MLP and the CNN at He-normal weights, zero biases. */
  init(rng: Random): Float32Array;
  /** Logits (batch × classes) of the rows of x (batch × inputs), in the parameters' float type. */
  logits<T extends Floats>(params: T, x: Floats, batch: number): T;
  /**
   * Mean softmax cross-entropy over the batch, and its gradient with respect to the parameters written to `grad`
   * (same layout and type as `params`).
   */
  lossAndGradient<T extends Floats>(params: T, x: Floats, y: ArrayLike<number>, batch: number, grad: T): number;
}

/** A zeroed array of the same float type as `like`. */
function alloc<T extends Floats>(like: T, n: number): T {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as T;
}

/** out[i, j] += bias[j] for a rows×cols matrix. */
function addBias(out: Floats, bias: Floats, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j]! += bias[j]!;
}

/** out[j] = Σ_i m[i, j] (float64 accumulation). */
function columnSums(m: Floats, rows: number, cols: number, out: Floats): void {
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) acc[j]! += m[i * cols + j]!;
  out.set(acc);
}

function checkBatch(model: Model, params: Floats, x: Floats, batch: number): void {
  if (params.length !== model.parameterCount)
    throw invalidArgument('params', `${model.parameterCount} parameters`, params);
  if (!(Number.isInteger(batch) && batch >= 0)) throw invalidArgument('batch', 'an integer ≥ 0', batch);
  if (x.length !== batch * model.inputs)
    throw invalidArgument('x', `${batch * model.inputs} elements (${batch}×${model.inputs})`, x);
}

class SoftmaxRegression implements Model {
  readonly kind = 'softmax';
  readonly hidden = 0;
  readonly parameterCount: number;

  constructor(
    readonly inputs: number,
    readonly classes: number,
  ) {
    this.parameterCount = inputs * classes + classes;
  }

  init(): Float32Array {
    return new Float32Array(this.parameterCount);
  }

  logits<T extends Floats>(params: T, x: Floats, batch: number): T {
    checkBatch(this, params, x, batch);
    const { inputs: d, classes: c } = this;
    const z = alloc(params, batch * c);
    gemm(batch, c, d, x, params.subarray(0, d * c), z);
    addBias(z, params.subarray(d * c), batch, c);
    return z;
  }

  lossAndGradient<T extends Floats>(params: T, x: Floats, y: ArrayLike<number>, batch: number, grad: T): number {
    if (grad.length !== this.parameterCount) throw invalidArgument('grad', `${this.parameterCount} elements`, grad);
    const { inputs: d, classes: c } = this;
    const z = this.logits(params, x, batch);
    const dz = alloc(params, batch * c);
    const loss = softmaxCrossEntropy(z, y, batch, c, dz);
    gemm(d, c, batch, x, dz, grad.subarray(0, d * c), { transA: true }); // dW = Xᵀ·dZ
    columnSums(dz, batch, c, grad.subarray(d * c)); // db = Σ_i dZ_i
    return loss;
  }
}

class Mlp implements Model {
  readonly kind = 'mlp';
  readonly parameterCount: number;
  /** offsets of W1, b1, W2, b2 in the flat parameters */
  readonly #at: { w1: number; b1: number; w2: number; b2: number; end: number };

  constructor(
    readonly inputs: number,
    readonly hidden: number,
    readonly classes: number,
  ) {
    const w1 = 0;
    const b1 = w1 + inputs * hidden;
    const w2 = b1 + hidden;
    const b2 = w2 + hidden * classes;
    const end = b2 + classes;
    this.#at = { w1, b1, w2, b2, end };
    this.parameterCount = end;
  }

  #views<T extends Floats>(p: T): { w1: T; b1: T; w2: T; b2: T } {
    const a = this.#at;
    return {
      w1: p.subarray(a.w1, a.b1) as T,
      b1: p.subarray(a.b1, a.w2) as T,
      w2: p.subarray(a.w2, a.b2) as T,
      b2: p.subarray(a.b2, a.end) as T,
    };
  }

  init(rng: Random): Float32Array {
    const p = new Float32Array(this.parameterCount);
    const { w1, w2 } = this.#views(p);
    rng.fillNormal(w1, 0, Math.sqrt(2 / this.inputs));
    rng.fillNormal(w2, 0, Math.sqrt(1 / this.hidden));
    return p;
  }

  /** Hidden activations relu(X·W1 + b1), batch × hidden. */
  #hiddenLayer<T extends Floats>(params: T, x: Floats, batch: number): T {
    const { w1, b1 } = this.#views(params);
    const h = alloc(params, batch * this.hidden);
    gemm(batch, this.hidden, this.inputs, x, w1, h);
    addBias(h, b1, batch, this.hidden);
    for (let i = 0; i < h.length; i++) if (!(h[i]! > 0)) h[i] = 0;
    return h;
  }

  logits<T extends Floats>(params: T, x: Floats, batch: number): T {
    checkBatch(this, params, x, batch);
    const h = this.#hiddenLayer(params, x, batch);
    const { w2, b2 } = this.#views(params);
    const z = alloc(params, batch * this.classes);
    gemm(batch, this.classes, this.hidden, h, w2, z);
    addBias(z, b2, batch, this.classes);
    return z;
  }

  lossAndGradient<T extends Floats>(params: T, x: Floats, y: ArrayLike<number>, batch: number, grad: T): number {
    checkBatch(this, params, x, batch);
    if (grad.length !== this.parameterCount) throw invalidArgument('grad', `${this.parameterCount} elements`, grad);
    const { inputs: d, hidden: hd, classes: c } = this;
    const p = this.#views(params);
    const g = this.#views(grad);
    const h = this.#hiddenLayer(params, x, batch);
    const z = alloc(params, batch * c);
    gemm(batch, c, hd, h, p.w2, z);
    addBias(z, p.b2, batch, c);
    const dz = alloc(params, batch * c);
    const loss = softmaxCrossEntropy(z, y, batch, c, dz);
    gemm(hd, c, batch, h, dz, g.w2, { transA: true }); // dW2 = Hᵀ·dZ
    columnSums(dz, batch, c, g.b2);
    const dh = alloc(params, batch * hd);
    gemm(batch, hd, c, dz, p.w2, dh, { transB: true }); // dH = dZ·W2ᵀ
    for (let i = 0; i < dh.length; i++) if (!(h[i]! > 0)) dh[i] = 0; // ReLU'(pre) = [pre > 0] = [h > 0]
    gemm(d, hd, batch, x, dh, g.w1, { transA: true }); // dW1 = Xᵀ·dH
    columnSums(dh, batch, hd, g.b1);
    return loss;
  }
}

/** The CNN's layer shapes for one batch size (the sizes the engine's conv and pool kernels take). */
export interface CnnShapes {
  /** image side (inputs = side²) */
  side: number;
  conv1: Conv2dShape;
  pool1: MaxPoolShape;
  conv2: Conv2dShape;
  pool2: MaxPoolShape;
  /** the dense layer's inputs (32·q·q) */
  flat: number;
}

/** Offsets of the CNN's parameters in the flat vector (W1 | b1 | W2 | b2 | W3 | b3). */
export interface CnnLayout {
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  w3: number;
  b3: number;
  end: number;
}

const CNN = { c1: 16, c2: 32, kernel: 5, padding: 2, pool: 2 } as const;

/** The CNN's layer shapes at `batch` rows of a side×side image (side ≥ 4: two 2×2 pools). */
export function cnnShapes(side: number, batch: number): CnnShapes {
  const conv = (channels: number, outChannels: number, size: number) =>
    conv2dShape({
      batch,
      channels,
      height: size,
      width: size,
      outChannels,
      kernelHeight: CNN.kernel,
      kernelWidth: CNN.kernel,
      padding: CNN.padding,
    });
  const pool = (channels: number, size: number) =>
    maxPoolShape({ batch, channels, height: size, width: size, kernel: CNN.pool });
  const conv1 = conv(1, CNN.c1, side);
  const pool1 = pool(CNN.c1, conv1.outHeight);
  const conv2 = conv(CNN.c1, CNN.c2, pool1.outHeight);
  const pool2 = pool(CNN.c2, conv2.outHeight);
  return { side, conv1, pool1, conv2, pool2, flat: CNN.c2 * pool2.outHeight * pool2.outWidth };
}

/** One array of `like`'s float type holding `v` (rounded once when float32). */
function stored<T extends Floats>(like: T, v: ArrayLike<number>): T {
  const out = alloc(like, v.length);
  out.set(v);
  return out;
}

class Cnn implements Model {
  readonly kind = 'cnn';
  readonly hidden = 0;
  readonly parameterCount: number;
  readonly side: number;
  readonly layout: CnnLayout;

  constructor(
    readonly inputs: number,
    readonly classes: number,
  ) {
    this.side = Math.sqrt(inputs);
    const { flat } = cnnShapes(this.side, 1);
    const w1 = 0;
    const b1 = w1 + CNN.c1 * CNN.kernel * CNN.kernel;
    const w2 = b1 + CNN.c1;
    const b2 = w2 + CNN.c2 * CNN.c1 * CNN.kernel * CNN.kernel;
    const w3 = b2 + CNN.c2;
    const b3 = w3 + flat * classes;
    const end = b3 + classes;
    this.layout = { w1, b1, w2, b2, w3, b3, end };
    this.parameterCount = end;
  }

  #views<T extends Floats>(p: T): { w1: T; b1: T; w2: T; b2: T; w3: T; b3: T } {
    const a = this.layout;
    const v = (from: number, to: number) => p.subarray(from, to) as T;
    return {
      w1: v(a.w1, a.b1),
      b1: v(a.b1, a.w2),
      w2: v(a.w2, a.b2),
      b2: v(a.b2, a.w3),
      w3: v(a.w3, a.b3),
      b3: v(a.b3, a.end),
    };
  }

  init(rng: Random): Float32Array {
    const p = new Float32Array(this.parameterCount);
    const { w1, w2, w3 } = this.#views(p);
    const k2 = CNN.kernel * CNN.kernel;
    // He-normal: variance 2 / fan-in (the last layer, without a ReLU after it, 1 / fan-in as the MLP's).
    rng.fillNormal(w1, 0, Math.sqrt(2 / k2));
    rng.fillNormal(w2, 0, Math.sqrt(2 / (CNN.c1 * k2)));
    rng.fillNormal(w3, 0, Math.sqrt(1 / cnnShapes(this.side, 1).flat));
    return p;
  }

  /** Every layer's output of a forward pass (in the parameters' type), the pools' argmaxes and the logits. */
  #forward<T extends Floats>(params: T, x: Floats, batch: number) {
    const s = cnnShapes(this.side, batch);
    const p = this.#views(params);
    const a1 = stored(params, conv2dForward64(s.conv1, x, p.w1, p.b1, true));
    const m1 = maxPoolForward64(s.pool1, a1);
    const h1 = stored(params, m1.y);
    const a2 = stored(params, conv2dForward64(s.conv2, h1, p.w2, p.b2, true));
    const m2 = maxPoolForward64(s.pool2, a2);
    const h2 = stored(params, m2.y);
    const z = alloc(params, batch * this.classes);
    gemm(batch, this.classes, s.flat, h2, p.w3, z);
    addBias(z, p.b3, batch, this.classes);
    return { s, a1, i1: m1.indices, h1, a2, i2: m2.indices, h2, z };
  }

  logits<T extends Floats>(params: T, x: Floats, batch: number): T {
    checkBatch(this, params, x, batch);
    if (batch === 0) return alloc(params, 0);
    return this.#forward(params, x, batch).z;
  }

  lossAndGradient<T extends Floats>(params: T, x: Floats, y: ArrayLike<number>, batch: number, grad: T): number {
    checkBatch(this, params, x, batch);
    if (grad.length !== this.parameterCount) throw invalidArgument('grad', `${this.parameterCount} elements`, grad);
    const c = this.classes;
    const p = this.#views(params);
    const g = this.#views(grad);
    const f = this.#forward(params, x, batch);
    const dz = alloc(params, batch * c);
    const loss = softmaxCrossEntropy(f.z, y, batch, c, dz);
    gemm(f.s.flat, c, batch, f.h2, dz, g.w3, { transA: true }); // dW3 = H2ᵀ·dZ
    columnSums(dz, batch, c, g.b3);
    const dh2 = alloc(params, batch * f.s.flat);
    gemm(batch, f.s.flat, c, dz, p.w3, dh2, { transB: true }); // dH2 = dZ·W3ᵀ
    const da2 = stored(params, maxPoolBackward64(f.s.pool2, dh2, f.i2));
    const b2 = conv2dBackward64(f.s.conv2, f.h1, p.w2, da2, f.a2, true, true);
    g.w2.set(b2.dw);
    g.b2.set(b2.db);
    const dh1 = stored(params, b2.dx!);
    const da1 = stored(params, maxPoolBackward64(f.s.pool1, dh1, f.i1));
    const b1 = conv2dBackward64(f.s.conv1, x, p.w1, da1, f.a1, true, false);
    g.w1.set(b1.dw);
    g.b1.set(b1.db);
    return loss;
  }
}

/**
 * A model from its spec.
 *
 * @example
 * const model = createModel({ kind: 'mlp', inputs: 784, hidden: 64, classes: 10 });
 * const params = model.init(new Random(1)); // Float32Array(50890)
 */
export function createModel(spec: ModelSpec): Model {
  if (spec === null || typeof spec !== 'object')
    throw invalidArgument('spec', "an object such as { kind: 'softmax', inputs: 784, classes: 10 }", spec);
  const positive = (name: string, v: unknown) => {
    if (!(Number.isInteger(v) && (v as number) >= 1)) throw invalidArgument(name, 'an integer ≥ 1', v);
  };
  positive('spec.inputs', spec.inputs);
  positive('spec.classes', spec.classes);
  if (spec.kind !== 'mlp' && spec.hidden !== undefined)
    throw invalidArgument(
      'spec.hidden',
      `undefined for the ${String(spec.kind)} model (hidden units are the mlp's)`,
      spec.hidden,
    );
  if (spec.classes < 2) throw invalidArgument('spec.classes', 'an integer ≥ 2', spec.classes);
  switch (spec.kind) {
    case 'softmax':
      return new SoftmaxRegression(spec.inputs, spec.classes);
    case 'mlp':
      positive('spec.hidden', spec.hidden);
      return new Mlp(spec.inputs, spec.hidden!, spec.classes);
    case 'cnn': {
      const side = Math.sqrt(spec.inputs);
      if (!(Number.isInteger(side) && side >= 4))
        throw invalidArgument('spec.inputs', 'a square image of side ≥ 4 for the cnn (side², e.g. 784)', spec.inputs);
      return new Cnn(spec.inputs, spec.classes);
    }
    default:
      throw invalidArgument('spec.kind', "'softmax', 'mlp' or 'cnn'", spec.kind);
  }
}

/**
 * The CNN's image side, parameter offsets and its network as engine.trainCnn takes it (src/fl/cnn-training.ts).
 */
export function cnnGeometry(model: Model): { side: number; layout: CnnLayout; network: CnnNetwork } {
  if (!(model instanceof Cnn)) throw invalidArgument('model', "a cnn Model (createModel({ kind: 'cnn', … }))", model);
  const network: CnnNetwork = {
    side: model.side,
    channels: [CNN.c1, CNN.c2],
    kernel: CNN.kernel,
    padding: CNN.padding,
    pool: CNN.pool,
    classes: model.classes,
  };
  return { side: model.side, layout: model.layout, network };
}
