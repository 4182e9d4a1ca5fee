/**
 * Reading results back from MAP_READ buffers: map, copy out, unmap — the unmap also on failure, so a pooled buffer
 * never returns to the pool mapped.
 */
import { GPU_MAP_MODE } from '../../../bindings/dawn.js';

/** Maps `buffer`, copies its first `bytes` out, unmaps. */
export async function readBytes(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  await buffer.mapAsync(GPU_MAP_MODE.READ, 0, bytes);
  try {
    return buffer.getMappedRange(0, bytes).slice(0);
  } finally {
    buffer.unmap();
  }
}

/** Maps `buffer` and copies its first `count` float32 into `dest` at `start` (no intermediate copy), unmaps. */
export async function readFloat32Into(buffer: GPUBuffer, count: number, dest: Float32Array, start = 0): Promise<void> {
  await buffer.mapAsync(GPU_MAP_MODE.READ, 0, count * 4);
  try {
    dest.set(new Float32Array(buffer.getMappedRange(0, count * 4)), start);
  } finally {
    buffer.unmap();
  }
}
