/**
 * What every compute backend implements: running a kernel (src/engine/kernels/kernel.ts) with its own implementation
 * of it, describing itself, and releasing what it holds. The engine validates every input against the kernel's contract
 * before a backend runs it, so a backend may assume it.
 */
import type { Kernel } from './kernels/kernel.js';
import type { CoalitionValuesInput, CoalitionValuesOutput } from './kernels/coalition-values/contract.js';
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
   * Runs `kernel` with this backend's implementation of it (src/engine/kernels/<kernel>/kernel.ts names the three).
   * The engine has validated `input` against the kernel's contract. Throws DISPOSED after dispose() (and GPU_ERROR
   * naming the kernel once a device has faulted).
   */
  run<I, O>(kernel: Kernel<I, O>, input: I): Promise<O>;
  info(): BackendInfo;
  /** Idempotent. Releases native memory / GPU resources held by the backend. */
  dispose(): void;
}
