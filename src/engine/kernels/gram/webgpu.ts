/**
 * Krum's Gram matrix on WebGPU, as GEMMs (kernels/gemm.wgsl through the gemm kernel): column blocks of the updates
 * packed into a K×B matrix, C_block = X_b·X_bᵀ in float32, the blocks added in float64 on the host.
 */
import type { GemmInput } from '../gemm/contract.js';

/**
 * G = X·Xᵀ (K×K, float64) for the K updates, in column blocks whose K×B float32 operand fits `bindingBytes`
 * (at most 65536 columns each), through `gemm` (the device's GEMM kernel, so each block is guarded and error-scoped).
 */
export async function gramOnGpu(
  gemm: (input: GemmInput) => Promise<Float32Array>,
  updates: readonly Float32Array[],
  bindingBytes: number,
): Promise<Float64Array> {
  const k = updates.length;
  const p = updates[0]!.length;
  const width = Math.max(1, Math.min(p, Math.floor(bindingBytes / 4 / k), 1 << 16));
  const packed = new Float32Array(k * width);
  const g = new Float64Array(k * k);
  for (let start = 0; start < p; start += width) {
    const w = Math.min(width, p - start);
    const a = w === width ? packed : new Float32Array(k * w);
    for (let j = 0; j < k; j++) a.set(updates[j]!.subarray(start, start + w), j * w);
    const c = await gemm({ m: k, n: k, k: w, a, b: a, transA: false, transB: true, alpha: 1, beta: 0 });
    for (let e = 0; e < k * k; e++) g[e]! += c[e]!;
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) g[j * k + i] = g[i * k + j]!;
  return g;
}
