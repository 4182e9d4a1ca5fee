import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { fedAvgReference } from './reference/fed-avg.js';
import {
  gramReference,
  medianReference,
  squaredNormsReference,
  trimmedMeanReference,
} from './reference/robust-rules.js';
import {
  denseBackwardJs,
  denseForwardJs,
  denseTrainStepsWith,
  gemmJs,
  sgdMomentumJs,
  softmaxCrossEntropyJs,
  type DenseBackwardInput,
  type DenseForwardInput,
  type DenseGradients,
  type DenseTrainInput,
  type GemmInput,
  type SgdMomentumInput,
  type SoftmaxCrossEntropyInput,
  type SoftmaxCrossEntropyOutput,
} from './programs/gemm-contract.js';
import {
  denseRowSumsReference,
  payoffMatrixReference,
  type DenseRowSumsInput,
  type PayoffMatrixInput,
  type PayoffMatrixOutput,
} from './reference/payoff-matrix.js';
import { CocogenError } from '../errors.js';
import {
  coalitionValuesReference,
  type CoalitionValuesInput,
  type CoalitionValuesOutput,
} from './reference/coalition-values.js';
import {
  labelHistogramsReference,
  type LabelHistogramsInput,
  type LabelHistogramsOutput,
} from './reference/label-histograms.js';
import { l1DistancesReference, type L1DistancesInput, type L1DistancesOutput } from './reference/l1-distances.js';

/** The `js` backend: the plain-TypeScript reference kernels, on the main thread. Needs nothing but Node. */
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
