import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { requireAddon, type CocogenAddon } from '../core/addon.js';
import { CocogenError } from '../core/errors.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './kernels/coalition-values/contract.js';
import { coalitionValuesNative } from './kernels/coalition-values/native.js';
import { fedAvgNative } from './kernels/fed-avg/native.js';
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
  denseBackwardNative,
  denseForwardNative,
  denseTrainStepsNative,
  gemmNative,
  sgdMomentumNative,
  softmaxCrossEntropyNative,
} from './kernels/gemm/native.js';
import { gramNative } from './kernels/gram/native.js';
import type { L1DistancesInput, L1DistancesOutput } from './kernels/l1-distances/contract.js';
import { l1DistancesNative } from './kernels/l1-distances/native.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './kernels/label-histograms/contract.js';
import { labelHistogramsNative } from './kernels/label-histograms/native.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './kernels/payoff-matrix/contract.js';
import { denseRowSumsNative, payoffMatrixNative } from './kernels/payoff-matrix/native.js';
import { coordinateMedianNative, trimmedMeanNative } from './kernels/robust-rules/native.js';
import { squaredNormsNative } from './kernels/squared-norms/native.js';

/**
 * The `native` backend: C++ kernels in the addon, multithreaded and vectorized, run off the main thread. Each method
 * guards dispose and hands the addon to its kernel's glue (kernels/<kernel>/native.ts).
 */
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
    return fedAvgNative(this.#use(), updates, weights, out);
  }

  async coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    return coordinateMedianNative(this.#use(), updates, scales, out);
  }

  async trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean> {
    return trimmedMeanNative(this.#use(), updates, trimCount, scales, out);
  }

  async squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array> {
    return squaredNormsNative(this.#use(), updates);
  }

  async gram(updates: readonly Float32Array[]): Promise<Float64Array> {
    return gramNative(this.#use(), updates);
  }

  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    return payoffMatrixNative(this.#use(), input);
  }

  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    return denseRowSumsNative(this.#use(), input);
  }

  async coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput> {
    return coalitionValuesNative(this.#use(), input);
  }

  async gemm(input: GemmInput): Promise<Float32Array> {
    return gemmNative(this.#use(), input);
  }

  async denseForward(input: DenseForwardInput): Promise<Float32Array> {
    return denseForwardNative(this.#use(), input);
  }

  async denseBackward(input: DenseBackwardInput): Promise<DenseGradients> {
    return denseBackwardNative(this.#use(), input);
  }

  async softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput> {
    return softmaxCrossEntropyNative(this.#use(), input);
  }

  async sgdMomentum(input: SgdMomentumInput): Promise<void> {
    return sgdMomentumNative(this.#use(), input);
  }

  async denseTrainSteps(input: DenseTrainInput): Promise<Float64Array> {
    return denseTrainStepsNative(this.#use(), input);
  }

  async labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput> {
    return labelHistogramsNative(this.#use(), input);
  }

  async l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput> {
    return l1DistancesNative(this.#use(), input);
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

  /** The addon, after the dispose guard. */
  #use(): CocogenAddon {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This native backend was disposed; create a new engine');
    return this.#addon;
  }
}
