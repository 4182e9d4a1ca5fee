/**
 * The two models of DESIGN §5.4 as reference kernels: softmax regression (d→C) and a one-hidden-layer MLP (d→h→C,
 * ReLU). Parameters live in ONE flat Float32Array per model, so that FedAvg aggregates them as they are; the
 * layout is fixed and documented because the native and WGSL kernels will read the same buffer:
 *
 * - softmax: `W (d×C, row-major: input-major) | b (C)`
 * - mlp:     `W1 (d×h) | b1 (h) | W2 (h×C) | b2 (C)`
 *
 * Storage follows the parameters' type (float32 in training; float64 copies for finite-difference checks); dot
 * products go through {@link gemm} (float64 accumulation), softmax cross-entropy is computed in float64.
 */
import { invalidArgument } from '../core/errors.js';
import type { Random } from '../util/random.js';
import { gemm, type Floats } from '../numeric/linalg.js';
import { sgdMomentumStep, softmaxCrossEntropy, type SgdOptions } from '../numeric/training.js';

export { sgdMomentumStep, softmaxCrossEntropy, type SgdOptions };

export type ModelKind = 'softmax' | 'mlp';

export interface ModelSpec {
  kind: ModelKind;
  /** input features (784 for Fashion-MNIST) */
  inputs: number;
  /** classes (10) */
  classes: number;
  /** hidden units, MLP only */
  hidden?: number;
}

/** A model's shape and its reference forward/backward. Stateless: parameters are passed in. */
export interface Model {
  readonly kind: ModelKind;
  readonly inputs: number;
  readonly classes: number;
  /** hidden units (0 for softmax regression) */
  readonly hidden: number;
  readonly parameterCount: number;
  /** Fresh parameters: softmax regression starts at zero; the MLP at He-normal weights and zero biases. */
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
  if (spec.classes < 2) throw invalidArgument('spec.classes', 'an integer ≥ 2', spec.classes);
  switch (spec.kind) {
    case 'softmax':
      return new SoftmaxRegression(spec.inputs, spec.classes);
    case 'mlp':
      positive('spec.hidden', spec.hidden);
      return new Mlp(spec.inputs, spec.hidden!, spec.classes);
    default:
      throw invalidArgument('spec.kind', "'softmax' or 'mlp'", spec.kind);
  }
}
