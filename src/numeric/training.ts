/**
 * The numeric steps of training that the models (src/fl) and the engine's GEMM-family reference kernels share: the
 * mean softmax cross-entropy with its gradient, and one SGD-with-momentum step.
 */
import { invalidArgument } from '../core/errors.js';
import type { Floats } from './linalg.js';

/**
 * Numerically stable softmax cross-entropy, float64 inside: returns the mean over the batch of
 * −log softmax(z_i)[y_i] = logsumexp(z_i) − z_i[y_i]; when `dLogits` is given, writes
 * (softmax(z_i) − onehot(y_i)) / batch into it (the gradient of the mean).
 */
export function softmaxCrossEntropy(
  logits: Floats,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  dLogits?: Floats,
): number {
  if (logits.length !== batch * classes)
    throw invalidArgument('logits', `${batch * classes} elements (${batch}×${classes})`, logits);
  if (labels.length < batch) throw invalidArgument('labels', `at least ${batch} labels`, labels);
  if (dLogits && dLogits.length !== logits.length)
    throw invalidArgument('dLogits', `${logits.length} elements`, dLogits);
  const p = new Float64Array(classes);
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const y = labels[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < classes))
      throw invalidArgument(`labels[${i}]`, `a class in [0, ${classes})`, y);
    const row = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(logits[row + c]! - max);
    total += Math.log(sum) + max - logits[row + y]!;
    if (dLogits) {
      for (let c = 0; c < classes; c++) dLogits[row + c] = (p[c]! / sum - (c === y ? 1 : 0)) / batch;
    }
  }
  return batch > 0 ? total / batch : 0;
}

export interface SgdOptions {
  learningRate: number;
  /** heavy-ball momentum μ in [0, 1) (default 0) */
  momentum?: number;
  /** L2 coefficient λ added to the gradient (default 0) */
  weightDecay?: number;
}

/**
 * One SGD-with-momentum step in place (PyTorch's convention): g ← grad + λ·p; v ← μ·v + g; p ← p − η·v.
 * `velocity` carries the momentum between steps (start it at zero).
 */
export function sgdMomentumStep(params: Floats, grad: Floats, velocity: Floats, options: SgdOptions): void {
  const lr = options.learningRate;
  const mu = options.momentum ?? 0;
  const wd = options.weightDecay ?? 0;
  if (!(Number.isFinite(lr) && lr > 0)) throw invalidArgument('options.learningRate', 'a finite number > 0', lr);
  if (!(Number.isFinite(mu) && mu >= 0 && mu < 1)) throw invalidArgument('options.momentum', 'a number in [0, 1)', mu);
  if (!(Number.isFinite(wd) && wd >= 0)) throw invalidArgument('options.weightDecay', 'a finite number ≥ 0', wd);
  if (grad.length !== params.length) throw invalidArgument('grad', `${params.length} elements`, grad);
  if (velocity.length !== params.length) throw invalidArgument('velocity', `${params.length} elements`, velocity);
  for (let i = 0; i < params.length; i++) {
    const g = grad[i]! + wd * params[i]!;
    velocity[i] = mu * velocity[i]! + g;
    params[i]! -= lr * velocity[i]!; // the stored (rounded) velocity, as a float32 kernel sees it
  }
}
