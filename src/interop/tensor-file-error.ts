import { CocogenError } from '../core/errors.js';

/**
 * Why a tensor file could not be used: `not-found` (the path is not a readable file), `corrupt` (its bytes break the
 * format: bad header, truncated data, overlapping offsets), `unsupported` (a valid file this library does not read:
 * dtype, byte order, Fortran order), `mismatch` (inputs disagree on names or shapes), `changed` (the file shrank or
 * was rewritten while it was read), `os` (any other I/O failure). The first four are bad input (the CLI exits 2);
 * `changed` and `os` are run-time failures.
 */
export type TensorFileErrorReason = 'not-found' | 'corrupt' | 'unsupported' | 'mismatch' | 'changed' | 'os';

/** IO_ERROR with `details: { path, reason, tensor? }`; the message names the file (and tensor). */
export function ioError(path: string, message: string, reason: TensorFileErrorReason, tensor?: string): CocogenError {
  return new CocogenError('IO_ERROR', message, { path, reason, ...(tensor !== undefined ? { tensor } : {}) });
}

/** True for a tensor-file error that the user's input caused (see {@link TensorFileErrorReason}). */
export function isBadTensorInput(e: unknown): e is CocogenError {
  return (
    e instanceof CocogenError &&
    e.code === 'IO_ERROR' &&
    ['not-found', 'corrupt', 'unsupported', 'mismatch'].includes(String(e.details?.reason))
  );
}
