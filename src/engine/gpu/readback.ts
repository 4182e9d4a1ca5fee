/**
 * Reading results back from MAP_READ buffers: map, copy out, unmap — the unmap also on failure, so a pooled buffer
 * never returns to the pool mapped.
 */
import { GPU_MAP_MODE } from '../../../bindings/dawn.js';

/** Maps the first `mapped` bytes of `buffer` (default `bytes`), copies the first `bytes` out, unmaps. */
export async function readBytes(buffer: GPUBuffer, bytes: number, mapped = bytes): Promise<ArrayBuffer> {
  await buffer.mapAsync(GPU_MAP_MODE.READ, 0, mapped);
  try {
    return buffer.getMappedRange(0, mapped).slice(0, bytes);
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

/**
 * Maps `buffer`, copies its first `count` float32 into `dest` at `start` and returns the u32 stored right after them
 * (a kernel's status word, copied behind the last chunk of results so that it comes back in the same mapping), unmaps.
 */
export async function readFloat32AndStatusInto(
  buffer: GPUBuffer,
  count: number,
  dest: Float32Array,
  start = 0,
): Promise<number> {
  const bytes = (count + 1) * 4;
  await buffer.mapAsync(GPU_MAP_MODE.READ, 0, bytes);
  try {
    const range = buffer.getMappedRange(0, bytes);
    dest.set(new Float32Array(range, 0, count), start);
    return new Uint32Array(range, count * 4, 1)[0]!;
  } finally {
    buffer.unmap();
  }
}
