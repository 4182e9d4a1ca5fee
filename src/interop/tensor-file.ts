/**
 * Tensor files (safetensors and `.npy`) read through memory maps: float32 data is viewed in place, F16/BF16 widened and
 * F64 narrowed to float32 on load. Writes go to a temporary sibling that is renamed over the target once complete, so
 * a failure never leaves a partial file.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { CocogenError, describeValue, invalidArgument } from '../core/errors.js';
import { ensureDirectory } from '../util/directories.js';
import { optionsRecord } from '../util/options.js';
import { trackTemporary } from '../util/temporaries.js';
import { MappedFile } from './mapped-file.js';
import { NPY_TENSOR_NAME, npyHeader, readNpyLayout } from './npy.js';
import { readSafetensorsLayout, safetensorsHeader } from './safetensors.js';
import { checkPath } from './file-bytes.js';
import { ioError } from './tensor-file-error.js';
import {
  DTYPE_BYTES,
  type TensorFileFormat,
  type TensorFileLayout,
  type TensorInfo,
  type TensorSpec,
} from './tensor-layout.js';
import { widenToFloat32 } from './widen.js';

export {
  DTYPE_BYTES,
  type TensorDtype,
  type TensorFileFormat,
  type TensorFileLayout,
  type TensorInfo,
  type TensorSpec,
} from './tensor-layout.js';

/** The format of a path, from its extension; INVALID_ARGUMENT for any other extension. */
export function tensorFileFormat(path: string): TensorFileFormat {
  checkPath(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.npy') return 'npy';
  const what = /[/\\]$/.test(path)
    ? 'a folder'
    : ext
      ? `whose extension is ${JSON.stringify(ext)}`
      : 'which has no extension';
  throw new CocogenError(
    'INVALID_ARGUMENT',
    `Expected a file name ending in .safetensors or .npy but received ${JSON.stringify(path)}, ${what}`,
    { path },
  );
}

/** Reads and checks the header of a safetensors or `.npy` file (by extension) without mapping its data. */
export function readTensorFileLayout(path: string): TensorFileLayout {
  return tensorFileFormat(path) === 'safetensors' ? readSafetensorsLayout(path) : readNpyLayout(path);
}

/** A block of a tensor as float32, and how to let it go (unmap, for blocks viewed in place). */
export interface TensorBlock {
  data: Float32Array;
  release(): void;
}

/**
 * An open safetensors or `.npy` file. `tensor(name)` returns a tensor's float32 values and `block(name, start,
 * count)` only a slice (out-of-core streaming). By default both read with pread into memory of their own, so that a
 * file that shrinks or changes gives IO_ERROR (reason `changed`) naming it, never a SIGBUS from a memory map, and
 * what they returned stays valid whatever happens to the file. Every read first checks that the file still has the
 * size and identity it had when opened. With `{ read: 'map' }` F32 data comes as zero-copy views of a memory map
 * instead: faster, for files nothing changes while they are held (a truncation under a held view faults as any
 * mmap does), and read as length 0 after `dispose()`, which unmaps and closes everything.
 *
 * @example
 * const file = TensorFile.open('update.safetensors');
 * for (const t of file.layout.tensors) console.log(t.name, t.shape, file.tensor(t.name)[0]);
 * file.dispose();
 */
export class TensorFile {
  readonly layout: TensorFileLayout;
  #maps: MappedFile[] = [];
  #whole: MappedFile | undefined;
  #byName: Map<string, TensorInfo>;
  #disposed = false;
  /** The file as opened: reads go through this descriptor and check it against the stat at open. */
  readonly #fd: number;
  readonly #opened: { dev: number; ino: number; size: number; mtimeMs: number };
  /** Memory of released blocks, reused by the next reads. */
  #spare: ArrayBuffer[] = [];

  private constructor(
    layout: TensorFileLayout,
    fd: number,
    readonly read: 'pread' | 'map',
  ) {
    this.layout = layout;
    this.#byName = new Map(layout.tensors.map((t) => [t.name, t]));
    this.#fd = fd;
    const st = fstatSync(fd);
    this.#opened = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    if (st.size !== layout.size) {
      closeSync(fd);
      throw this.#changed(`its size went from ${layout.size} to ${st.size} bytes`);
    }
  }

  /**
   * Opens and checks a file; IO_ERROR naming the file (and tensor) when it is missing, corrupt or unsupported.
   * `options.read` picks how `tensor()` and `block()` read: `'pread'` (default) copies the bytes with pread, so a
   * file that shrinks gives IO_ERROR; `'map'` maps them, zero-copy and faster from the page cache (about 1.7× in
   * bench out-of-core), for files nothing changes while they are read: a truncation under a mapped view is a SIGBUS.
   */
  static open(path: string, options: { read?: 'pread' | 'map' } = {}): TensorFile {
    const { read = 'pread' } = optionsRecord(options, ['read'], 'options');
    if (read !== 'pread' && read !== 'map') throw invalidArgument('options.read', "'pread' or 'map'", read);
    const layout = readTensorFileLayout(path);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw ioError(path, `Could not open ${JSON.stringify(path)}: ${(e as Error).message}`, 'os');
    }
    return new TensorFile(layout, fd, read as 'pread' | 'map');
  }

  get path(): string {
    return this.layout.path;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The tensor's description; IO_ERROR (reason 'mismatch') when the file has no tensor of that name. */
  info(name: string): TensorInfo {
    const t = this.#byName.get(name);
    if (!t) {
      throw ioError(this.path, `No tensor "${name}" in ${JSON.stringify(this.path)}`, 'mismatch', name);
    }
    return t;
  }

  /**
   * All values of a tensor as float32: a copy of its own (default), or under `read: 'map'` a zero-copy view of F32
   * data, valid until `dispose()`.
   */
  tensor(name: string): Float32Array {
    this.#guard();
    const t = this.info(name);
    this.#checkUnchanged();
    if (t.dtype === 'F32' && this.read === 'map') {
      if (t.byteOffset % 4 === 0) {
        this.#whole ??= this.#map(0, this.layout.size);
        return this.#whole.float32(t.byteOffset, t.length);
      }
      return this.#map(t.byteOffset, t.byteLength).float32(0, t.length); // a map of its own starts where it does
    }
    // Not released: the caller keeps the memory (a released block's buffer would be reused by the next read).
    return this.block(name, 0, t.length).data;
  }

  /** Elements [start, start + count) of a tensor as float32, mapping only their bytes. Call `release()` when done. */
  block(name: string, start: number, count: number): TensorBlock {
    this.#guard();
    const t = this.info(name);
    if (!(
      Number.isSafeInteger(start) &&
      Number.isSafeInteger(count) &&
      start >= 0 &&
      count >= 0 &&
      start + count <= t.length
    )) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected a block within [0, ${t.length}) of tensor "${name}" but received [${start}, ${start + count})`,
      );
    }
    const size = DTYPE_BYTES[t.dtype];
    if (this.read === 'map') {
      this.#checkUnchanged();
      const map = MappedFile.open(this.path, { offset: t.byteOffset + start * size, length: count * size });
      if (t.dtype === 'F32') return { data: map.float32(0, count), release: () => map.dispose() };
      try {
        return { data: widenToFloat32(map.bytes(), t.dtype), release: () => {} };
      } finally {
        map.dispose();
      }
    }
    const bytes = this.#read(t.byteOffset + start * size, count * size, name);
    const recycle = () => {
      if (!this.#disposed && this.#spare.length < 4) this.#spare.push(bytes.buffer as ArrayBuffer);
    };
    if (t.dtype !== 'F32') {
      const data = widenToFloat32(bytes, t.dtype);
      recycle();
      return { data, release: () => {} };
    }
    let released = false;
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, count);
    return {
      data,
      release: () => {
        if (released) return;
        released = true;
        recycle();
      },
    };
  }

  /** `length` bytes at `position`, read with pread; IO_ERROR (changed) when the file no longer holds them. */
  #read(position: number, length: number, tensor: string): Uint8Array {
    this.#checkUnchanged();
    // 4-byte aligned memory, so that F32 data is viewed without a copy; a released block's memory is reused (a fresh
    // buffer per block costs its zero-filling, which halved the streaming rate).
    const want = Math.ceil(length / 4) * 4;
    const at = this.#spare.findIndex((b) => b.byteLength >= want && b.byteLength <= 2 * want);
    const buffer = at >= 0 ? this.#spare.splice(at, 1)[0]! : new ArrayBuffer(want);
    const bytes = new Uint8Array(buffer, 0, length);
    let done = 0;
    try {
      while (done < length) {
        const got = readSync(this.#fd, bytes, done, length - done, position + done);
        if (got === 0) break;
        done += got;
      }
    } catch (e) {
      throw ioError(this.path, `Could not read ${JSON.stringify(this.path)}: ${(e as Error).message}`, 'os', tensor);
    }
    if (done < length) throw this.#changed(`it ended ${length - done} bytes before tensor "${tensor}" did`, tensor);
    return bytes;
  }

  /** IO_ERROR (changed) unless the file still has the identity and size it had when opened. */
  #checkUnchanged(): void {
    let st: { dev: number; ino: number; size: number; mtimeMs: number };
    try {
      st = statSync(this.path);
    } catch (e) {
      throw this.#changed(`it can no longer be read (${(e as Error).message})`);
    }
    const o = this.#opened;
    if (st.dev !== o.dev || st.ino !== o.ino) throw this.#changed('it was replaced by another file');
    if (st.size !== o.size) throw this.#changed(`its size went from ${o.size} to ${st.size} bytes`);
    if (st.mtimeMs !== o.mtimeMs) throw this.#changed('it was written to');
  }

  #changed(what: string, tensor?: string): CocogenError {
    return ioError(this.path, `${JSON.stringify(this.path)} changed while it was read: ${what}`, 'changed', tensor);
  }

  /** Unmaps every mapping of this file and closes it. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    closeSync(this.#fd);
    this.#spare = [];
    for (const m of this.#maps) m.dispose();
    this.#maps = [];
    this.#whole = undefined;
  }

  #map(offset: number, length: number): MappedFile {
    this.#checkUnchanged();
    const m = MappedFile.open(this.path, { offset, length });
    this.#maps.push(m);
    return m;
  }

  #guard(): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', `Cannot read ${this.path} after dispose()`);
  }
}

/**
 * Writes a safetensors or `.npy` file (by extension) of float32 tensors, streamed: the header first, then each
 * tensor's data in spec order through `write`, then `commit()` renames the temporary file over `path`. `abort()` (or a
 * failed commit) removes the temporary; the target is never left half-written.
 */
export class TensorFileWriter {
  readonly path: string;
  readonly specs: readonly TensorSpec[];
  #tmp: string;
  #untrack: () => void = () => {};
  #fd: number | undefined;
  #expected: number;
  #written = 0;

  constructor(path: string, specs: readonly TensorSpec[], metadata?: Record<string, string>) {
    const format = tensorFileFormat(path);
    if (format === 'npy' && specs.length !== 1) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected exactly one tensor for the .npy output ${JSON.stringify(path)} but received ${specs.length} (${specs
          .slice(0, 5)
          .map((s) => `"${s.name}"`)
          .join(', ')}${specs.length > 5 ? ', …' : ''}); write a .safetensors file instead`,
        { path },
      );
    }
    checkSpecs(specs, metadata);
    this.path = path;
    this.specs = specs;
    this.#expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
    this.#tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
    const header = format === 'npy' ? npyHeader(specs[0]!) : safetensorsHeader(specs, metadata);
    ensureDirectory(dirname(path));
    this.#untrack = trackTemporary(this.#tmp);
    try {
      this.#fd = openSync(this.#tmp, 'w');
      this.#writeAll(header);
    } catch (e) {
      this.abort();
      throw ioError(path, `Could not write ${JSON.stringify(path)}: ${(e as Error).message}`, 'os');
    }
  }

  /** Appends float32 values (the next elements of the tensors, in spec order). */
  write(values: Float32Array): void {
    if (this.#fd === undefined)
      throw new CocogenError('DISPOSED', `Cannot write ${this.path} after commit() or abort()`);
    if (this.#written + values.byteLength > this.#expected) {
      this.abort();
      throw new CocogenError('INVALID_ARGUMENT', `Expected at most ${this.#expected} data bytes for ${this.path}`);
    }
    try {
      this.#writeAll(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    } catch (e) {
      this.abort();
      throw ioError(this.path, `Could not write ${JSON.stringify(this.path)}: ${(e as Error).message}`, 'os');
    }
    this.#written += values.byteLength;
  }

  /** Flushes, closes and renames over the target. Every tensor's data must have been written. */
  commit(): void {
    if (this.#fd === undefined) throw new CocogenError('DISPOSED', `Cannot commit ${this.path} twice`);
    if (this.#written !== this.#expected) {
      this.abort();
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected ${this.#expected} data bytes for ${this.path} but received ${this.#written}`,
      );
    }
    try {
      fsyncSync(this.#fd);
      closeSync(this.#fd);
      this.#fd = undefined;
      renameSync(this.#tmp, this.path);
      this.#untrack();
    } catch (e) {
      this.abort();
      throw ioError(this.path, `Could not write ${JSON.stringify(this.path)}: ${(e as Error).message}`, 'os');
    }
  }

  /** Closes and removes the temporary file. Idempotent. */
  abort(): void {
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // already failing: the removal below is what matters
      }
      this.#fd = undefined;
    }
    rmSync(this.#tmp, { force: true });
    this.#untrack();
  }

  #writeAll(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.#fd!, bytes, done, bytes.length - done);
  }
}

/**
 * What every writer checks before a byte is written, so that what is written reads back as it was given: names are
 * strings, unique, and not the format's `__metadata__` key; shapes are lists of safe non-negative integers; metadata
 * maps strings to strings.
 */
function checkSpecs(specs: readonly TensorSpec[], metadata: Record<string, string> | undefined): void {
  if (!Array.isArray(specs)) throw invalidArgument('tensors', 'an array of { name, shape }', specs);
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    const name: unknown = spec?.name;
    if (typeof name !== 'string') throw invalidArgument(`tensors[${i}].name`, 'a string', name);
    if (name === '__metadata__')
      throw invalidArgument(
        `tensors[${i}].name`,
        'a name other than "__metadata__" (the header key of metadata)',
        name,
      );
    if (names.has(name)) throw invalidArgument(`tensors[${i}].name`, 'a name no other tensor has', name);
    names.add(name);
    const shape: unknown = spec.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw invalidArgument(`tensors[${i}].shape`, 'an array of integers ≥ 0', shape);
  });
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw invalidArgument('metadata', 'an object of strings', metadata);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw invalidArgument(`metadata.${key}`, 'a string', value);
  }
}

/** Writes float32 tensors to a safetensors or `.npy` file (by extension), atomically. */
export function writeTensorFile(
  path: string,
  tensors: readonly (TensorSpec & { data: Float32Array })[],
  metadata?: Record<string, string>,
): void {
  checkSpecs(tensors, metadata);
  for (const t of tensors) {
    const length = t.shape.reduce((a, b) => a * b, 1);
    if (!(t.data instanceof Float32Array) || t.data.length !== length) {
      const received = t.data instanceof Float32Array ? `one of length ${t.data.length}` : describeValue(t.data);
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected a Float32Array of length ${length} (shape [${t.shape.join(', ')}]) for tensor "${t.name}" but received ${received}`,
        { tensor: t.name },
      );
    }
  }
  const writer = new TensorFileWriter(path, tensors, metadata);
  for (const t of tensors) writer.write(t.data);
  writer.commit();
}

/**
 * Checks that every file holds the same tensor names with the same shapes as the first (IO_ERROR reason 'mismatch'
 * naming the file and tensor otherwise) and returns the first file's tensors in order.
 */
export function matchTensorLayouts(layouts: readonly TensorFileLayout[]): TensorInfo[] {
  const first = layouts[0]!;
  const names = new Map(first.tensors.map((t) => [t.name, t]));
  for (const layout of layouts.slice(1)) {
    const file = JSON.stringify(layout.path);
    for (const t of layout.tensors) {
      const ref = names.get(t.name);
      if (!ref) {
        throw ioError(
          layout.path,
          `Tensor "${t.name}" of ${file} is not in ${JSON.stringify(first.path)}: inputs must hold the same tensor names`,
          'mismatch',
          t.name,
        );
      }
      if (ref.shape.length !== t.shape.length || ref.shape.some((d, i) => d !== t.shape[i])) {
        throw ioError(
          layout.path,
          `Tensor "${t.name}" has shape [${t.shape.join(', ')}] in ${file} but [${ref.shape.join(', ')}] in ${JSON.stringify(first.path)}`,
          'mismatch',
          t.name,
        );
      }
    }
    const own = new Set(layout.tensors.map((t) => t.name));
    for (const t of first.tensors) {
      if (!own.has(t.name)) {
        throw ioError(
          layout.path,
          `Tensor "${t.name}" of ${JSON.stringify(first.path)} is missing from ${file}: inputs must hold the same tensor names`,
          'mismatch',
          t.name,
        );
      }
    }
  }
  return first.tensors;
}

export { NPY_TENSOR_NAME };
