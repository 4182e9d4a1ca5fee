/**
 * The one error type the engine throws. Every failure a caller can cause or meet carries a stable string `code`
 * so that programs branch on codes, not on messages; the message names the argument and the rule it broke,
 * following one template: `Expected <rule> for <name> but received <value>`.
 *
 * The native addon is handed this class at load time (better-sqlite3's pattern), so errors raised in C++ are
 * real `CocogenError`s with a JS stack.
 *
 * @example
 * try { await engine.aggregate([], { rule: 'fedavg', weights: [] }); }
 * catch (e) { if (e instanceof CocogenError && e.code === 'INVALID_ARGUMENT') console.error(e.message); }
 */
export type CocogenErrorCode =
  /** An argument broke a documented rule (type, length, range, finiteness). */
  | 'INVALID_ARGUMENT'
  /** A scenario file or object broke a rule of DESIGN §3.1. */
  | 'INVALID_SCENARIO'
  /** The requested backend cannot run here (no addon build, no adapter); the message says why. */
  | 'BACKEND_UNAVAILABLE'
  /** A method was called on an object after `dispose()`. */
  | 'DISPOSED'
  /** The GPU device reported a validation, out-of-memory or internal error, or was lost. */
  | 'GPU_ERROR'
  /** The native addon failed (allocation, I/O inside native code). */
  | 'NATIVE_ERROR'
  /** A file could not be read or written, or its contents are corrupt. */
  | 'IO_ERROR'
  /** A numeric method did not reach its tolerance. */
  | 'NOT_CONVERGED'
  /** A result came out NaN or ±Infinity from finite inputs (the message names the field). */
  | 'NON_FINITE'
  /** A study job's process died while it ran (a crash or a kill); the job can be run again. */
  | 'WORKER_LOST'
  /** The job queue's Redis server cannot be reached, or is set to evict keys; the message names the URL. */
  | 'QUEUE_UNAVAILABLE'
  /** Not a CocogenError: a bug in cocogen (the CLI says so and asks for a report). */
  | 'INTERNAL';

export class CocogenError extends Error {
  readonly code: CocogenErrorCode;
  /** Structured context (argument name, index, file…) for programs; the message already says it in words. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: CocogenErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CocogenError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: CocogenErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** A short, bounded description of any value for error messages: its type, and its value where that is short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `${value}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'string')
    return value.length > 40 ? `a string of length ${value.length}` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    return 'length' in value ? `a ${name} of length ${(value as unknown as { length: number }).length}` : `a ${name}`;
  }
  if (typeof value === 'function') return 'a function';
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** `Expected <expected> for <name> but received <value>` as an INVALID_ARGUMENT error. */
export function invalidArgument(name: string, expected: string, received: unknown): CocogenError {
  return new CocogenError(
    'INVALID_ARGUMENT',
    `Expected ${expected} for ${name} but received ${describeValue(received)}`,
    // `expected` and `received` let a caller restate the rule under its own name (the CLI names the flag).
    { argument: name, expected, received: describeValue(received) },
  );
}

/** Same template with a received value described by the caller (e.g. "NaN at index 17"). */
export function invalidArgumentText(name: string, expected: string, receivedText: string): CocogenError {
  return new CocogenError('INVALID_ARGUMENT', `Expected ${expected} for ${name} but received ${receivedText}`, {
    argument: name,
    expected,
    received: receivedText,
  });
}
