/**
 * The Gram kernel's contract: the K×K matrix G[i·K + j] = u_i·u_j (row-major float64, symmetric) from which Krum's
 * squared distances G_ii + G_jj − 2·G_ij come (../robust-rules/selection.ts). The updates are checked by
 * `validateUpdates` (../updates.ts); the engine answers P = 0 itself (all zeros) without calling a backend.
 *
 * Computed as a GEMM: float64 on js; float32 GEMM per column block with float64 accumulation of the blocks on native
 * and WebGPU.
 */

/** The output a backend fills: K×K float64. */
export function gramOutput(updates: readonly Float32Array[]): Float64Array {
  return new Float64Array(updates.length * updates.length);
}
