import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { requireAddon, type MappedFileHandle } from '../core/addon.js';
import { CocogenError } from '../core/errors.js';
import { booleanOption, optionsRecord } from '../util/options.js';
import { fileSize } from './file-bytes.js';
import { ioError } from './tensor-file-error.js';

export interface MapOptions {
  /** First byte mapped (default 0). */
  offset?: number;
  /** Bytes mapped (default: to the end of the file). */
  length?: number;
  /** Map read-write (MAP_SHARED: writes reach the file). Default false. */
  writable?: boolean;
}

/**
 * A byte range of a file mapped into memory by the native addon, shown as a zero-copy `ArrayBuffer`. Pages are read
 * from the file on first touch and may be dropped again by the kernel, so a mapping can be far larger than RAM.
 * `dispose()` unmaps now and detaches every view (length 0); a GC finalizer unmaps otherwise, as a safety net only.
 * Await every async kernel running over a view before `dispose()`.
 *
 * @example
 * const file = MappedFile.open('update.bin');
 * const values = file.float32(0, file.length / 4);
 * file.dispose();
 */
export class MappedFile {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly writable: boolean;
  #handle: MappedFileHandle | undefined;
  #buffer: ArrayBuffer;

  private constructor(path: string, offset: number, length: number, writable: boolean) {
    const addon = requireAddon();
    this.path = path;
    this.offset = offset;
    this.length = length;
    this.writable = writable;
    try {
      this.#handle = addon.mapFile(path, offset, length, writable);
    } catch (e) {
      throw ioError(path, `Could not map ${JSON.stringify(path)}: ${(e as Error).message}`, 'os');
    }
    this.#buffer = addon.mappedBuffer(this.#handle);
  }

  /** Map `[offset, offset + length)` of an existing file. Throws IO_ERROR naming the file when it cannot. */
  static open(path: string, options: MapOptions = {}): MappedFile {
    optionsRecord(options, ['offset', 'length', 'writable'], 'options');
    booleanOption(options, 'writable', false);
    const size = fileSize(path);
    const offset = options.offset ?? 0;
    const length = options.length ?? Math.max(0, size - offset);
    if (!(Number.isSafeInteger(offset) && offset >= 0 && Number.isSafeInteger(length) && length >= 0)) {
      throw new CocogenError('INVALID_ARGUMENT', `Expected a non-negative integer offset and length for ${path}`);
    }
    if (offset + length > size) {
      throw ioError(
        path,
        `Could not map bytes [${offset}, ${offset + length}) of ${JSON.stringify(path)}: the file holds ${size} bytes`,
        'corrupt',
      );
    }
    return new MappedFile(path, offset, length, options.writable ?? false);
  }

  /** Create (or truncate) `path` to `bytes` zero bytes and map it read-write; `sync()` flushes it to disk. */
  static create(path: string, bytes: number): MappedFile {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w+');
      ftruncateSync(fd, bytes);
    } catch (e) {
      throw ioError(path, `Could not create ${JSON.stringify(path)}: ${(e as Error).message}`, 'os');
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return new MappedFile(path, 0, bytes, true);
  }

  get disposed(): boolean {
    return this.#handle === undefined;
  }

  /** The zero-copy view of the whole range. Throws DISPOSED after `dispose()`. */
  get buffer(): ArrayBuffer {
    if (this.#handle === undefined) throw new CocogenError('DISPOSED', `Cannot read ${this.path} after dispose()`);
    return this.#buffer;
  }

  /** Bytes `[byteOffset, byteOffset + length)` of the range, zero-copy. */
  bytes(byteOffset = 0, length = this.length - byteOffset): Uint8Array {
    return new Uint8Array(this.buffer, byteOffset, length);
  }

  /** `length` float32 from `byteOffset` (a multiple of 4) of the range, zero-copy. */
  float32(byteOffset: number, length: number): Float32Array {
    return new Float32Array(this.buffer, byteOffset, length);
  }

  /** msync: the writes so far are on disk when this returns. */
  sync(): void {
    if (this.#handle === undefined) throw new CocogenError('DISPOSED', `Cannot sync ${this.path} after dispose()`);
    try {
      requireAddon().syncMappedFile(this.#handle);
    } catch (e) {
      throw ioError(this.path, `Could not sync ${JSON.stringify(this.path)}: ${(e as Error).message}`, 'os');
    }
  }

  /** Unmap now. Idempotent. */
  dispose(): void {
    if (this.#handle === undefined) return;
    requireAddon().unmapFile(this.#handle);
    this.#handle = undefined;
  }
}
