/**
 * The squared-norms kernel's contract: ‖u_k‖² per update as float64, what norm clipping uses. The updates are checked
 * by `validateUpdates` (../updates.ts); the engine answers P = 0 itself (all zeros) without calling a backend.
 *
 * Accumulated in float64 on js and native; on WebGPU exact squares summed in emulated float64 (double-f32) per
 * workgroup after an exact power-of-two scaling, the partials added in float64 (kernels/squared-norms.wgsl), so within
 * ~2e-13 relative of the exact sum for any finite data, 1e±30 and subnormals included. On every backend an update
 * holding a NaN gives NaN, else one holding ±Infinity gives +Infinity, as Σu² in float64 does.
 */

/** The output a backend fills: one float64 per update. */
export function squaredNormsOutput(updates: readonly Float32Array[]): Float64Array {
  return new Float64Array(updates.length);
}
