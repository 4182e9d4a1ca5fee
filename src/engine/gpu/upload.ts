/**
 * Uploading rows gathered from many host arrays (the K updates of an aggregation) into one storage buffer: wide slices
 * go up one writeBuffer per row; narrow ones are packed into a host batch first, one writeBuffer per batch.
 */

/** Updates slices narrower than this are packed into one host array per batch of rows before writeBuffer. */
const DIRECT_WRITE_MIN_BYTES = 64 * 1024;
/** Batch size of that packing. */
const PACK_BATCH_FLOATS = 1 << 20;

/** Write updates[k0 .. k0+kCount)[start .. start+count) into `buffer` as kCount rows of `count` floats. */
export function writeRows(
  queue: GPUQueue,
  buffer: GPUBuffer,
  updates: readonly Float32Array[],
  k0: number,
  kCount: number,
  start: number,
  count: number,
): void {
  if (count * 4 >= DIRECT_WRITE_MIN_BYTES) {
    for (let j = 0; j < kCount; j++) queue.writeBuffer(buffer, j * count * 4, updates[k0 + j]!, start, count);
    return;
  }
  // Narrow slices: one writeBuffer per batch of rows instead of one per update.
  const rowsPerBatch = Math.max(1, Math.floor(PACK_BATCH_FLOATS / count));
  const scratch = new Float32Array(Math.min(kCount, rowsPerBatch) * count);
  for (let j0 = 0; j0 < kCount; j0 += rowsPerBatch) {
    const rows = Math.min(rowsPerBatch, kCount - j0);
    for (let j = 0; j < rows; j++) scratch.set(updates[k0 + j0 + j]!.subarray(start, start + count), j * count);
    queue.writeBuffer(buffer, j0 * count * 4, scratch, 0, rows * count);
  }
}

/** `writeRows` as a kernel-runner write (`{ to, put }`). */
export function rowsOf(
  updates: readonly Float32Array[],
  k0: number,
  kCount: number,
  start: number,
  count: number,
): (queue: GPUQueue, buffer: GPUBuffer) => void {
  return (queue, buffer) => writeRows(queue, buffer, updates, k0, kCount, start, count);
}
