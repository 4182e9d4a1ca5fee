/**
 * Plain reads of a file's size and of a byte range, with the folder's IO_ERROR wording: what the format readers need
 * before (or instead of) mapping a file.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { invalidArgument } from '../core/errors.js';
import { ioError } from './tensor-file-error.js';

/** Size of a file in bytes; IO_ERROR (reason 'not-found' for a path that is not a readable file) otherwise. */
export function fileSize(path: string): number {
  checkPath(path);
  try {
    const st = statSync(path);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    return st.size;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'not a regular file' : err.message;
    throw ioError(
      path,
      `Could not read ${JSON.stringify(path)}: ${reason}`,
      BAD_PATH.has(err.code ?? '') ? 'not-found' : 'os',
    );
  }
}

const BAD_PATH = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG']);

/** `length` bytes at `position`; IO_ERROR naming the file when it is shorter or unreadable. */
export function readBytes(path: string, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    if (done < length) throw new Error(`end of file after ${position + done} bytes`);
  } catch (e) {
    throw ioError(path, `Could not read ${JSON.stringify(path)}: ${(e as Error).message}`, 'os');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return out;
}

/**
 * Throws INVALID_ARGUMENT naming `name` unless `path` is a non-empty string without NUL bytes: what every function
 * taking a path checks first, so that `undefined` or a number is a typed error rather than a TypeError from node:fs.
 */
export function checkPath(path: unknown, name = 'path'): asserts path is string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0'))
    throw invalidArgument(name, 'a file path (a non-empty string without NUL bytes)', path);
}

/**
 * Throws INVALID_ARGUMENT naming `name` when `output` is the same file as one of `inputs` however it is named: a
 * relative or absolute path, through a symlink, or a hard link (compared by device and inode, as stat resolves
 * them). An output that does not exist yet is none of them.
 */
export function checkOutputIsNoInput(output: string, inputs: readonly string[], name = 'output'): void {
  let out: { dev: number; ino: number };
  try {
    out = statSync(output);
  } catch {
    return;
  }
  inputs.forEach((input, k) => {
    let st: { dev: number; ino: number } | undefined;
    try {
      st = statSync(input);
    } catch {
      return; // reported by the reader, with its own message
    }
    if (st.dev === out.dev && st.ino === out.ino)
      throw invalidArgument(
        name,
        `a file that is none of the inputs (it is input ${k}, ${JSON.stringify(input)})`,
        output,
      );
  });
}
