/**
 * What every compute backend implements. The engine validates all arguments before calling a backend, so a
 * backend may assume: at least one update, all of the same length P ≥ 1, every update a Float32Array, and
 * `weights` finite, non-negative, of the same count, already normalized to sum 1 (computed in float64).
 */
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
   * float32. Writes into `out` when given (length P), else allocates. Non-finite inputs propagate IEEE-style;
   * the engine decides what to do with them.
   */
  fedAvg(updates: readonly Float32Array[], weights: Float64Array, out?: Float32Array): Promise<Float32Array>;
  info(): BackendInfo;
  /** Idempotent. Releases native memory / GPU resources held by the backend. */
  dispose(): void;
}
