import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { requireAddon, type CocogenAddon } from '../addon.js';
import { CocogenError } from '../errors.js';
import {
  denseTrainStepCount,
  type DenseBackwardInput,
  type DenseForwardInput,
  type DenseGradients,
  type DenseTrainInput,
  type GemmInput,
  type SgdMomentumInput,
  type SoftmaxCrossEntropyInput,
  type SoftmaxCrossEntropyOutput,
} from './programs/gemm-contract.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './reference/payoff-matrix.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './reference/coalition-values.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './reference/label-histograms.js';
import type { L1DistancesInput, L1DistancesOutput } from './reference/l1-distances.js';

/** The `native` backend: C++ kernels in the addon, multithreaded and vectorized, run off the main thread. */
export class NativeBackend implements Backend {
  readonly name = 'native' as const;
  readonly #addon: CocogenAddon;
  #disposed = false;

  /** Throws BACKEND_UNAVAILABLE, saying what was tried, when the addon is not built. */
  constructor(options: { threads?: number } = {}) {
    this.#addon = requireAddon();
    if (options.threads !== undefined) this.#addon.setThreads(options.threads);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async fedAvg(updates: readonly Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean> {
    this.#guard();
    return this.#addon.fedAvg(updates as Float32Array[], weights, out);
  }

  async coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.#guard();
    return (await this.#addon.coordinateMedian(updates as Float32Array[], scales ?? null, out)) !== 0;
  }

  async trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.#guard();
    return (await this.#addon.trimmedMean(updates as Float32Array[], trimCount, scales ?? null, out)) !== 0;
  }

  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard();
    const out = new Float64Array(updates.length);
    await this.#addon.squaredNorms(updates as Float32Array[], out);
    return out;
  }

  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard();
    const out = new Float64Array(updates.length * updates.length);
    await this.#addon.gram(updates as Float32Array[], out);
    return out;
  }

  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    this.#guard();
    const count = input.batch * input.rowsPerItem;
    const gains = input.writeGains ? new Float64Array(count * input.grid.length) : null;
    const bestIndex = new Int32Array(count);
    const bestGain = new Float64Array(count);
    // The levels current + gain come out of the same pass as the gains (no second pass over the matrix on the host).
    const current = gains && input.current ? input.current : null;
    const utilities = current ? new Float64Array(count * input.grid.length) : null;
    await this.#addon.payoffMatrix(
      input.rows,
      input.scenarios,
      input.grid,
      input.rowsPerItem,
      gains,
      bestIndex,
      bestGain,
      current,
      utilities,
    );
    return utilities ? { gains, bestIndex, bestGain, utilities } : { gains, bestIndex, bestGain };
  }

  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    this.#guard();
    const out = new Float64Array(input.vectors.length);
    await this.#addon.denseRowSums(input.matrix, input.vectors, input.n, input.batch, out);
    return out;
  }

  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    this.#guard();
    const { curve } = input;
    const values = new Float64Array(input.count);
    const stats = new Float64Array(5);
    await this.#addon.coalitionValues(
      input.members,
      input.pairWeights,
      Float64Array.of(curve.base, curve.scale, curve.exponent, curve.heterogeneity),
      input.tolerance,
      input.masks,
      input.first,
      values,
      stats,
    );
    const [solves, passes, notConverged, nonConcave, worstKkt] = stats;
    return { values, stats: { solves, passes, notConverged, nonConcave, worstKkt } };
  }

  async gemm(input: GemmInput): Promise<Float32Array> {
    this.#guard();
    const { m, n, k } = input;
    const c = input.c ?? new Float32Array(m * n);
    await this.#addon.gemm(m, n, k, input.a, input.b, c, input.transA, input.transB, input.alpha, input.beta);
    return c;
  }

  async denseForward(input: DenseForwardInput): Promise<Float32Array> {
    this.#guard();
    const { x, w, bias, batch, inputs, outputs, relu } = input;
    const y = new Float32Array(batch * outputs);
    await this.#addon.denseForward(x, w, bias, batch, inputs, outputs, relu, y);
    return y;
  }

  async denseBackward(input: DenseBackwardInput): Promise<DenseGradients> {
    this.#guard();
    const { x, w, dy, batch, inputs, outputs, reluMask, needDx } = input;
    const dw = new Float32Array(inputs * outputs);
    const db = new Float32Array(outputs);
    const dx = needDx ? new Float32Array(batch * inputs) : null;
    await this.#addon.denseBackward(x, w, dy, batch, inputs, outputs, reluMask, dw, db, dx);
    return { dw, db, dx };
  }

  async softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput> {
    this.#guard();
    const { logits, labels, batch, classes } = input;
    const dLogits = new Float32Array(batch * classes);
    const loss = await this.#addon.softmaxCrossEntropy(logits, labels, batch, classes, dLogits);
    return { loss, dLogits };
  }

  async sgdMomentum(input: SgdMomentumInput): Promise<void> {
    this.#guard();
    const { params, grad, velocity, learningRate, momentum, weightDecay } = input;
    await this.#addon.sgdMomentum(params, grad, velocity, learningRate, momentum, weightDecay);
  }

  async denseTrainSteps(input: DenseTrainInput): Promise<Float64Array> {
    this.#guard();
    const losses = new Float64Array(denseTrainStepCount(input.order.length, input.epochRows, input.batchSize));
    await this.#addon.denseTrainSteps(
      Int32Array.from(input.dims),
      input.params,
      input.velocity,
      input.x,
      input.labels,
      input.order,
      input.epochRows,
      input.batchSize,
      input.learningRate,
      input.momentum,
      input.weightDecay,
      losses,
    );
    return losses;
  }

  async labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput> {
    this.#guard();
    const counts = new Uint32Array(input.groups * input.classes);
    const bad = new Float64Array(2);
    await this.#addon.labelHistograms(
      input.labels,
      input.owners,
      input.offsets,
      input.groups,
      input.classes,
      counts,
      bad,
    );
    return { counts, badLabel: bad[0]!, badOwner: bad[1]! };
  }

  async l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput> {
    this.#guard();
    const distances = new Float64Array(input.groups);
    const bad = new Float64Array(1);
    await this.#addon.l1Distances(input.counts, input.target, input.totals, distances, bad);
    return { distances, badCount: bad[0]! };
  }

  info(): BackendInfo {
    const build = this.#addon.buildInfo();
    return {
      name: 'native',
      device: os.cpus()[0]?.model ?? 'unknown CPU',
      details: { ...build, accumulation: 'float64' },
    };
  }

  dispose(): void {
    this.#disposed = true;
  }

  #guard(): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This native backend was disposed; create a new engine');
  }
}
