/**
 * What every compute backend implements. The engine validates all arguments before calling a backend, so a
 * backend may assume: at least one update, all of the same length P ≥ 1, every update a Float32Array, and
 * `weights` finite, non-negative, of the same count, already normalized to sum 1 (computed in float64).
 */
import type { CoalitionValuesInput, CoalitionValuesOutput } from './kernels/coalition-values/contract.js';
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
import type { L1DistancesInput, L1DistancesOutput } from './kernels/l1-distances/contract.js';
import type { LabelHistogramsInput, LabelHistogramsOutput } from './kernels/label-histograms/contract.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './kernels/payoff-matrix/contract.js';

export type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput };
export type { CoalitionValuesInput, CoalitionValuesOutput };

export type BackendName = 'webgpu' | 'native' | 'js';

export interface BackendInfo {
  name: BackendName;
  /** Human-readable device: CPU model, or GPU adapter description. */
  device: string;
  /** Anything else worth showing in `cocogen info` (limits, threads, SIMD…). */
  details: Record<string, unknown>;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * out[i] = Σ_k weights[k] · updates[k][i], accumulated in (at least emulated) float64 and rounded once to
   * float32, into `out` (length P). Non-finite inputs propagate IEEE-style. Resolves to whether `out` now holds a
   * non-finite value (NaN, ±Infinity: a non-finite input, or a sum beyond the float32 range), found where each
   * value is produced (the native kernel's stores, a status word set by the WebGPU kernel, the reference loop), so
   * that the engine reads the result again, to name the cause, only when this is true.
   */
  fedAvg(updates: readonly Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean>;
  /**
   * Robust rules (contracts: src/engine/kernels/robust-rules/contract.ts). Coordinate-wise median into `out`, bit-exact on
   * every backend; `scales` (one per update, from clipping) replaces each value u by f32(scale·u). Resolves to whether
   * any input was non-finite (NaN, ±Infinity); a NaN among a coordinate's values makes the result NaN there.
   */
  coordinateMedian(
    updates: readonly Float32Array[],
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean>;
  /** Trimmed mean into `out`: drop `trimCount` values from each end, mean of the rest (float64-grade). As median. */
  trimmedMean(
    updates: readonly Float32Array[],
    trimCount: number,
    scales: Float32Array | undefined,
    out: Float32Array,
  ): Promise<boolean>;
  /**
   * ‖u_k‖² per update as float64, what norm clipping uses: accumulated in float64 on js and native; on WebGPU exact
   * squares summed in emulated float64 (double-f32) per workgroup after an exact power-of-two scaling, the partials
   * added in float64 (kernels/squared-norms.wgsl), so within ~2e-13 relative of the exact sum for any finite data,
   * 1e±30 and subnormals included. On every backend an update holding a NaN gives NaN, else one holding ±Infinity
   * gives +Infinity, as Σu² in float64 does.
   */
  squaredNorms(updates: readonly Float32Array[]): Promise<Float64Array>;
  /**
   * The K×K Gram matrix u_i·u_j (row-major float64, symmetric) for Krum's pairwise distances, computed as a GEMM:
   * float64 on js; float32 GEMM per column block with float64 accumulation of the blocks on native and WebGPU.
   */
  gram(updates: readonly Float32Array[]): Promise<Float64Array>;
  /**
   * The payoff-matrix kernel (src/engine/kernels/payoff-matrix/contract.ts states the contract): for every row and grid
   * fraction, the gain Δ of moving the row's amount from x to X·t_j, and each row's argmax. float64 on js and
   * native; float32 on WebGPU (gains computed relative to the current amount, without cancellation). The caller
   * has checked the preconditions stated on PayoffMatrixInput.
   */
  payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput>;
  /**
   * Dense row sums out[(b·K + v)·N + i] = Σ_j G_b[i][j]·V_bv[j]: the O(N²) part of a dense competition matrix.
   * float64 on js and native; float32 products with float32 sums on WebGPU.
   */
  denseRowSums(input: DenseRowSumsInput): Promise<Float64Array>;
  /**
   * The coalition-value kernel (src/engine/kernels/coalition-values/contract.ts states the contract): v(S) for a list of
   * masks or a range of masks, NaN where the coalition's objective is not concave. float64 to the input's KKT
   * tolerance on js and native; float32 on WebGPU (accuracy stated in kernels/coalition-values.wgsl). The caller has
   * checked the preconditions stated on CoalitionValuesInput.
   */
  coalitionValues(input: CoalitionValuesInput): Promise<CoalitionValuesOutput>;
  /**
   * SGEMM (src/engine/kernels/gemm/contract.ts states the contracts of this and the four kernels below): float64
   * accumulation on js; float32 with FMA on native (tiled, packed, multithreaded) and WebGPU (shared-memory tiles).
   */
  gemm(input: GemmInput): Promise<Float32Array>;
  /** Dense layer forward: x·w + bias, optional ReLU. */
  denseForward(input: DenseForwardInput): Promise<Float32Array>;
  /** Dense layer backward: dw, db and (optionally ReLU-masked) dx. */
  denseBackward(input: DenseBackwardInput): Promise<DenseGradients>;
  /** Mean softmax cross-entropy and its gradient with respect to the logits. */
  softmaxCrossEntropy(input: SoftmaxCrossEntropyInput): Promise<SoftmaxCrossEntropyOutput>;
  /** One SGD-with-momentum update, in place. */
  sgdMomentum(input: SgdMomentumInput): Promise<void>;
  /** Minibatch SGD steps of a dense network (in one native call on native); one mean loss per step. */
  denseTrainSteps(input: DenseTrainInput): Promise<Float64Array>;
  /**
   * The label-histogram kernel (contract: src/engine/kernels/label-histograms/contract.ts): groups × classes counts, exact on
   * every backend, plus the first index of a bad label and of a bad owner (−1: none; the engine throws for them).
   */
  labelHistograms(input: LabelHistogramsInput): Promise<LabelHistogramsOutput>;
  /**
   * The L1-distance kernel (contract: src/engine/kernels/l1-distances/contract.ts): δ_n = Σ_c |x_nc/T_n − p*_c| per row,
   * NaN for a row of total 0, plus the first index of a negative or non-finite count (−1: none). float64 on js and
   * native (initialSkew's arithmetic); float32 on WebGPU (accuracy stated in kernels/l1-distances.wgsl).
   */
  l1Distances(input: L1DistancesInput): Promise<L1DistancesOutput>;
  info(): BackendInfo;
  /** Idempotent. Releases native memory / GPU resources held by the backend. */
  dispose(): void;
}
