/**
 * The contracts of the GEMM and dense-training kernels (every backend implements them; the engine validates first),
 * and their argument checks (sharp's pattern: one message template, `Expected X for name but received Y`, then one
 * backend call). Each check returns the backend input with defaults filled.
 *
 * Layout: row-major everywhere; a dense layer's weights are inputs×outputs (input-major) followed by its bias; a
 * network's parameters are W_0 | b_0 | W_1 | b_1 | … in one flat Float32Array (src/fl/models.ts' layout).
 */
import { invalidArgument } from '../../../core/errors.js';
import { sharesMemory } from '../../../util/views.js';

/** c ← alpha·op(a)·op(b) + beta·c; op(a) is m×k (a stored k×m when transA), op(b) k×n (b stored n×k when transB). */
export interface GemmInput {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  /** m×n; written in place when given (read only when beta ≠ 0), else a new array */
  c?: Float32Array;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
}

/** y = x·w + bias, then ReLU (y > 0 ? y : 0, so NaN → 0) when relu. x batch×inputs, w inputs×outputs. */
export interface DenseForwardInput {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array;
  batch: number;
  inputs: number;
  outputs: number;
  relu: boolean;
}

/**
 * Backward of y = x·w + bias given dy: dw = xᵀ·dy, db = Σ_rows dy (float64 sums), and when needDx, dx = dy·wᵀ,
 * zeroed where x ≤ 0 when reluMask (x being the previous layer's ReLU output).
 */
export interface DenseBackwardInput {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  batch: number;
  inputs: number;
  outputs: number;
  reluMask: boolean;
  needDx: boolean;
}

export interface DenseGradients {
  dw: Float32Array;
  db: Float32Array;
  dx: Float32Array | null;
}

/** Mean over the batch of logsumexp(z_i) − z_i[y_i] (stable), and dLogits = (softmax(z_i) − onehot(y_i))/batch. */
export interface SoftmaxCrossEntropyInput {
  logits: Float32Array;
  /** classes in [0, classes) */
  labels: Int32Array;
  batch: number;
  classes: number;
}

export interface SoftmaxCrossEntropyOutput {
  loss: number;
  dLogits: Float32Array;
}

/** In place (PyTorch's convention): g = grad + weightDecay·params; velocity ← momentum·velocity + g; params −= lr·velocity. */
export interface SgdMomentumInput {
  params: Float32Array;
  grad: Float32Array;
  velocity: Float32Array;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/**
 * Minibatch SGD steps of a dense network: layer widths dims (d_0 inputs … d_L classes, ReLU between layers,
 * softmax cross-entropy at the end). The rows of `order` (sample indices) are cut into epochs of epochRows rows
 * and each epoch into batches of batchSize (the last one shorter). params and velocity are updated in place.
 */
export interface DenseTrainInput {
  dims: readonly number[];
  params: Float32Array;
  velocity: Float32Array;
  /** samples × d_0 */
  x: Float32Array;
  labels: Int32Array;
  order: Int32Array;
  epochRows: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** Parameters of a dense network with these widths. */
export function denseParameterCount(dims: readonly number[]): number {
  let count = 0;
  for (let l = 0; l + 1 < dims.length; l++) count += dims[l]! * dims[l + 1]! + dims[l + 1]!;
  return count;
}

/** SGD steps taken by a DenseTrainInput (one loss each). */
export function denseTrainStepCount(rows: number, epochRows: number, batchSize: number): number {
  let steps = 0;
  for (let s = 0; s < rows; s += epochRows) steps += Math.ceil(Math.min(epochRows, rows - s) / batchSize);
  return steps;
}

export interface GemmOptions {
  /** A is stored k×m and used transposed (default false) */
  transA?: boolean;
  /** B is stored n×k and used transposed (default false) */
  transB?: boolean;
  /** default 1 */
  alpha?: number;
  /** default 0 (C is then never read); needs `c` when not 0 */
  beta?: number;
  /** m×n output, written in place; a new array when omitted */
  c?: Float32Array;
}

const MAX_DIM = 2 ** 31;

function dim(name: string, v: unknown, min = 0): number {
  if (!(Number.isInteger(v) && (v as number) >= min && (v as number) < MAX_DIM)) {
    throw invalidArgument(name, `an integer in [${min}, 2^31)`, v);
  }
  return v as number;
}

function floats(name: string, v: unknown, length: number, shape: string): Float32Array {
  if (!(v instanceof Float32Array) || v.length !== length) {
    throw invalidArgument(name, `a Float32Array of length ${length} (${shape})`, v);
  }
  return v;
}

function flag(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(name, 'a boolean', v);
  return v;
}

function finite(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(name, 'a finite number', v);
  return v;
}

/** An Int32Array of sample indices in [0, samples): the order a local training walks (dense and CNN alike). */
export function sampleOrderOf(name: string, v: unknown, samples: number): Int32Array {
  if (!(v instanceof Int32Array)) throw invalidArgument(name, 'an Int32Array of sample indices', v);
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0 || v[i]! >= samples) throw invalidArgument(`${name}[${i}]`, `an index in [0, ${samples})`, v[i]);
  }
  return v;
}

export function labelsOf(name: string, v: unknown, length: number, classes: number): Int32Array {
  if (!(v instanceof Int32Array || v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array)) {
    throw invalidArgument(name, 'an Int32Array (or Uint8/16/32Array) of class labels', v);
  }
  if (v.length !== length) throw invalidArgument(name, `${length} labels`, v);
  for (let i = 0; i < v.length; i++) {
    if (v[i]! >= classes || v[i]! < 0) throw invalidArgument(`${name}[${i}]`, `a class in [0, ${classes})`, v[i]);
  }
  return v instanceof Int32Array ? v : Int32Array.from(v);
}

export function validateGemm(
  m: unknown,
  n: unknown,
  k: unknown,
  a: unknown,
  b: unknown,
  options: GemmOptions = {},
): GemmInput {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
  const M = dim('m', m);
  const N = dim('n', n);
  const K = dim('k', k);
  const transA = flag('options.transA', options.transA, false);
  const transB = flag('options.transB', options.transB, false);
  const alpha = finite('options.alpha', options.alpha, 1);
  const beta = finite('options.beta', options.beta, 0);
  const A = floats('a', a, M * K, transA ? `${K}×${M}` : `${M}×${K}`);
  const B = floats('b', b, K * N, transB ? `${N}×${K}` : `${K}×${N}`);
  let c: Float32Array | undefined;
  if (options.c !== undefined) {
    c = floats('options.c', options.c, M * N, `${M}×${N}`);
    if (sharesMemory(c, A) || sharesMemory(c, B)) {
      throw invalidArgument('options.c', 'a Float32Array that shares no memory with a or b', c);
    }
  } else if (beta !== 0) {
    throw invalidArgument('options.c', `a Float32Array of length ${M * N} when beta ≠ 0`, undefined);
  }
  return { m: M, n: N, k: K, a: A, b: B, ...(c ? { c } : {}), transA, transB, alpha, beta };
}

export function validateDenseForward(input: Partial<DenseForwardInput>): DenseForwardInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  const batch = dim('input.batch', input.batch);
  const inputs = dim('input.inputs', input.inputs, 1);
  const outputs = dim('input.outputs', input.outputs, 1);
  return {
    x: floats('input.x', input.x, batch * inputs, `${batch}×${inputs}`),
    w: floats('input.w', input.w, inputs * outputs, `${inputs}×${outputs}`),
    bias: floats('input.bias', input.bias, outputs, `${outputs}`),
    batch,
    inputs,
    outputs,
    relu: flag('input.relu', input.relu, false),
  };
}

export function validateDenseBackward(input: Partial<DenseBackwardInput>): DenseBackwardInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  const batch = dim('input.batch', input.batch);
  const inputs = dim('input.inputs', input.inputs, 1);
  const outputs = dim('input.outputs', input.outputs, 1);
  return {
    x: floats('input.x', input.x, batch * inputs, `${batch}×${inputs}`),
    w: floats('input.w', input.w, inputs * outputs, `${inputs}×${outputs}`),
    dy: floats('input.dy', input.dy, batch * outputs, `${batch}×${outputs}`),
    batch,
    inputs,
    outputs,
    reluMask: flag('input.reluMask', input.reluMask, false),
    needDx: flag('input.needDx', input.needDx, true),
  };
}

export function validateSoftmaxCrossEntropy(input: {
  logits?: unknown;
  labels?: unknown;
  batch?: unknown;
  classes?: unknown;
}): SoftmaxCrossEntropyInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  const batch = dim('input.batch', input.batch);
  const classes = dim('input.classes', input.classes, 1);
  return {
    logits: floats('input.logits', input.logits, batch * classes, `${batch}×${classes}`),
    labels: labelsOf('input.labels', input.labels, batch, classes),
    batch,
    classes,
  };
}

export function sgdScalars(o: { learningRate?: unknown; momentum?: unknown; weightDecay?: unknown }, prefix: string) {
  const learningRate = o.learningRate;
  if (!(typeof learningRate === 'number' && Number.isFinite(learningRate) && learningRate > 0)) {
    throw invalidArgument(`${prefix}.learningRate`, 'a finite number > 0', learningRate);
  }
  const momentum = finite(`${prefix}.momentum`, o.momentum, 0);
  if (!(momentum >= 0 && momentum < 1)) throw invalidArgument(`${prefix}.momentum`, 'a number in [0, 1)', momentum);
  const weightDecay = finite(`${prefix}.weightDecay`, o.weightDecay, 0);
  if (!(weightDecay >= 0)) throw invalidArgument(`${prefix}.weightDecay`, 'a finite number ≥ 0', weightDecay);
  return { learningRate, momentum, weightDecay };
}

export function validateSgdMomentum(input: Partial<SgdMomentumInput>): SgdMomentumInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  if (!(input.params instanceof Float32Array)) throw invalidArgument('input.params', 'a Float32Array', input.params);
  const n = input.params.length;
  return {
    params: input.params,
    grad: floats('input.grad', input.grad, n, 'one per parameter'),
    velocity: floats('input.velocity', input.velocity, n, 'one per parameter'),
    ...sgdScalars(input, 'input'),
  };
}

/** Engine input of trainDense: velocity defaults to zeros, epochRows to the whole order (one epoch). */
export interface TrainDenseOptions {
  dims: readonly number[];
  params: Float32Array;
  velocity?: Float32Array;
  x: Float32Array;
  labels: Int32Array | Uint8Array | Uint16Array | Uint32Array;
  order: Int32Array;
  epochRows?: number;
  batchSize: number;
  learningRate: number;
  momentum?: number;
  weightDecay?: number;
}

export function validateTrainDense(input: TrainDenseOptions): DenseTrainInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('input', 'an object', input);
  const { dims } = input;
  if (!Array.isArray(dims) || dims.length < 2)
    throw invalidArgument('input.dims', 'an array of ≥ 2 layer widths', dims);
  dims.forEach((d, l) => dim(`input.dims[${l}]`, d, 1));
  const count = denseParameterCount(dims);
  const params = floats('input.params', input.params, count, 'the network’s parameters');
  const velocity =
    input.velocity === undefined
      ? new Float32Array(count)
      : floats('input.velocity', input.velocity, count, 'one per parameter');
  const d0 = dims[0]!;
  if (!(input.x instanceof Float32Array) || input.x.length % d0 !== 0) {
    throw invalidArgument('input.x', `a Float32Array of rows of ${d0} features`, input.x);
  }
  const samples = input.x.length / d0;
  const labels = labelsOf('input.labels', input.labels, samples, dims[dims.length - 1]!);
  const order = sampleOrderOf('input.order', input.order, samples);
  const batchSize = dim('input.batchSize', input.batchSize, 1);
  const epochRows =
    input.epochRows === undefined ? Math.max(1, order.length) : dim('input.epochRows', input.epochRows, 1);
  if (sharesMemory(params, velocity)) throw invalidArgument('input.velocity', 'an array apart from params', velocity);
  return {
    dims: [...dims],
    params,
    velocity,
    x: input.x,
    labels,
    order,
    epochRows,
    batchSize,
    ...sgdScalars(input, 'input'),
  };
}
