import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { CocogenError } from '../core/errors.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './kernels/coalition-values/contract.js';
import { coalitionValuesReference } from './kernels/coalition-values/reference.js';
import { fedAvgReference } from './kernels/fed-avg/reference.js';
import type {
  DenseBackwardInput,
  DenseForwardInput,
  DenseGradients,
  DenseTrainInput,
  GemmInput,
  SgdMomentumInput,
  SoftmaxCrossEntropyInput,
  SoftmaxCrossEntropyOutput,
} from './kernels/gemm/contract.js';
import {
  denseBackwardJs,
  denseForwardJs,
  denseTrainStepsWith,
  gemmJs,
  sgdMomentumJs,
  softmaxCrossEntropyJs,
} from './kernels/gemm/reference.js';
import { gramReference } from './kernels/gram/reference.js';
import type { L1DistancesInput, L1DistancesOutput } from './kernels/l1-distances/contract.js';
import { l1DistancesReference } from './kernels/l1-distances/reference.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './kernels/label-histograms/contract.js';
import { labelHistogramsReference } from './kernels/label-histograms/reference.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './kernels/payoff-matrix/contract.js';
import { denseRowSumsReference, payoffMatrixReference } from './kernels/payoff-matrix/reference.js';
import { medianReference, trimmedMeanReference } from './kernels/robust-rules/reference.js';
import { squaredNormsReference } from './kernels/squared-norms/reference.js';

/**
 * The `js` backend: the plain-TypeScript reference kernels (kernels/<kernel>/reference.ts), on the main thread. Needs
 * nothing but Node. Each method guards dispose and calls its kernel's reference.
 */
export class JsBackend implements Backend {
  readonly name = 'js' as const;
  #disposed = false;

  get disposed(): boolean {
    return this.#disposed;
  }

  async fedAvg(updates: readonly Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean> {
    this.#guard();
    return fedAvgReference(updates, weights, out);
  }

  async coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.#guard();
    return medianReference(updates, scales, out);
  }

  async trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    this.#guard();
    return trimmedMeanReference(updates, trimCount, scales, out);
  }

  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard();
    return squaredNormsReference(updates);
  }

  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    this.#guard();
    return gramReference(updates);
  }

  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    this.#guard();
    return payoffMatrixReference(input);
  }

  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    this.#guard();
    return denseRowSumsReference(input);
  }

  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    this.#guard();
    return coalitionValuesReference(input);
  }

  async gemm(input: GemmInput): Promise<Float32Array> {
    this.#guard();
    return gemmJs(input);
  }

  async denseForward(input: DenseForwardInput): Promise<Float32Array> {
    this.#guard();
    return denseForwardJs(input);
  }

  async denseBackward(input: DenseBackwardInput): Promise<DenseGradients> {
    this.#guard();
    return denseBackwardJs(input);
  }

  async softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput> {
    this.#guard();
    return softmaxCrossEntropyJs(input);
  }

  async sgdMomentum(input: SgdMomentumInput): Promise<void> {
    this.#guard();
    sgdMomentumJs(input);
  }

  async denseTrainSteps(input: DenseTrainInput): Promise<Float64Array> {
    this.#guard();
    return denseTrainStepsWith(this, input);
  }

  async labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput> {
    this.#guard();
    return labelHistogramsReference(input);
  }

  async l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput> {
    this.#guard();
    return l1DistancesReference(input);
  }

  info(): BackendInfo {
    return {
      name: 'js',
      device: os.cpus()[0]?.model ?? 'unknown CPU',
      details: { threads: 1, accumulation: 'float64' },
    };
  }

  dispose(): void {
    this.#disposed = true;
  }

  #guard(): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This js backend was disposed; create a new engine');
  }
}
