import { requireAddon, type NativeBufferHandle } from '../core/addon.js';
import { CocogenError, invalidArgument } from '../core/errors.js';

/** Most float32 elements one native tensor may hold (2^32 − 1: typed-array lengths and the allocator's bound). */
export const MAX_TENSOR_LENGTH = 2 ** 32 - 1;

/**
 * A float32 tensor in memory owned by the native addon: 64-byte aligned, reported to V8 as external memory,
 * exposed as a zero-copy `Float32Array`. Large model updates live here rather than on the JS heap.
 * `dispose()` frees it now and detaches every view (their length becomes 0, so a stale view can never read
 * freed memory); a GC finalizer frees it otherwise, as a safety net only.
 *
 * @example
 * const t = createTensor(1 << 20);
 * t.data.fill(1);
 * t.dispose();
 */
export class NativeTensor {
  readonly length: number;
  #handle: NativeBufferHandle | undefined;
  #data: Float32Array;

  /** @internal use {@link createTensor} */
  constructor(length: number) {
    const addon = requireAddon();
    this.length = length;
    this.#handle = addon.allocFloat32(length);
    this.#data = addon.viewFloat32(this.#handle);
  }

  get disposed(): boolean {
    return this.#handle === undefined;
  }

  get byteLength(): number {
    return this.length * 4;
  }

  /** The zero-copy view. Throws DISPOSED after `dispose()`. */
  get data(): Float32Array {
    if (this.#handle === undefined) throw new CocogenError('DISPOSED', 'Cannot read tensor.data after dispose()');
    return this.#data;
  }

  /** Free the native memory now. Idempotent. */
  dispose(): void {
    if (this.#handle === undefined) return;
    requireAddon().freeBuffer(this.#handle);
    this.#handle = undefined;
  }
}

/** Allocate a zero-filled native float32 tensor of `length` elements (needs the native addon). */
export function createTensor(length: number): NativeTensor {
  if (!Number.isInteger(length) || length < 0 || length > MAX_TENSOR_LENGTH) {
    throw invalidArgument('length', `an integer from 0 to ${MAX_TENSOR_LENGTH}`, length);
  }
  return new NativeTensor(length);
}
