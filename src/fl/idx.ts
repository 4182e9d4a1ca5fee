/**
 * The IDX file format of (Fashion-)MNIST (LeCun et al.), optionally gzipped, unsigned-byte payloads only.
 *
 * Layout: a 4-byte magic `00 00 <type> <ndim>` (type 0x08 = unsigned byte), then `ndim` big-endian uint32
 * dimensions, then the payload, row-major, exactly Π dims bytes. Every way a file can be wrong (missing,
 * unreadable, bad gzip, wrong magic, wrong rank, a payload that is short or too long) throws
 * `CocogenError('IO_ERROR')` naming the file and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CocogenError, invalidArgument } from '../core/errors.js';

/** An IDX tensor of unsigned bytes. */
export interface IdxTensor {
  /** dimensions, outermost first (e.g. [60000, 28, 28]) */
  dims: number[];
  /** row-major payload, Π dims bytes */
  data: Uint8Array;
}

const UBYTE = 0x08;

function ioError(path: string, what: string): CocogenError {
  return new CocogenError('IO_ERROR', `Could not read IDX file ${path}: ${what}`, { path });
}

/**
 * Parse IDX bytes (already decompressed). `ndim`, when given, is the rank the caller expects.
 * `path` only names the file in error messages.
 */
export function parseIdx(bytes: Uint8Array, path: string, ndim?: number): IdxTensor {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('bytes', 'a Uint8Array (the file contents)', bytes);
  if (typeof path !== 'string') throw invalidArgument('path', 'a string (the file name, for messages)', path);
  if (ndim !== undefined && !(Number.isInteger(ndim) && ndim >= 1 && ndim <= 255))
    throw invalidArgument('ndim', 'an integer in [1, 255]', ndim);
  if (bytes.length < 4) throw ioError(path, `${bytes.length} bytes is shorter than the 4-byte IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw ioError(path, `bad magic number 0x${hex(bytes, 0, 4)} (expected 0x0000 then type and rank)`);
  }
  if (bytes[2] !== UBYTE) throw ioError(path, `element type 0x${hex(bytes, 2, 1)} is not unsigned byte (0x08)`);
  const rank = bytes[3]!;
  if (rank === 0) throw ioError(path, 'rank 0 in the magic number');
  if (ndim !== undefined && rank !== ndim) throw ioError(path, `rank ${rank} where ${ndim} was expected`);
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw ioError(path, `${bytes.length} bytes is shorter than its ${header}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const payload = bytes.length - header;
  if (payload !== size) {
    const shape = dims.join('×');
    throw ioError(
      path,
      `payload of ${payload} bytes where its header (${shape}) says ${size}${payload < size ? ' (truncated)' : ''}`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/** Read an IDX file, gunzipping it when it starts with the gzip magic (1f 8b). */
export function readIdx(path: string, ndim?: number): IdxTensor {
  if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a file path', path);
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw ioError(path, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  let bytes = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw ioError(path, `corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, path, ndim);
}

/** Encode an unsigned-byte tensor as IDX bytes, gzipped unless `gzip` is false (deterministic: no timestamp). */
export function encodeIdx(dims: readonly number[], data: Uint8Array, gzip = true): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new CocogenError('INVALID_ARGUMENT', `Expected ${size} bytes for data but received ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return gzip ? gzipSync(out, { level: 9 }) : out;
}

function hex(bytes: Uint8Array, from: number, n: number): string {
  return Array.from(bytes.subarray(from, from + n), (b) => b.toString(16).padStart(2, '0')).join('');
}
