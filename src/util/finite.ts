/**
 * The last check on a result before it leaves a command: a NaN or ±Infinity anywhere in it (numbers, arrays, typed
 * arrays, nested objects) is an error naming where, instead of a `NaN` printed or a `null` in JSON with exit 0.
 */
import { CocogenError } from '../core/errors.js';

/** The path of the first non-finite number in `value` (e.g. `equilibrium.potential`, `x[3]`), or null. */
export function firstNonFinite(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '(the value)';
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === 'number' && !Number.isFinite(v)) return `${path}[${i}]`;
    }
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    const found = firstNonFinite(v, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

/**
 * Throws NON_FINITE naming the first non-finite number in `value` and what produced it (`what`, e.g. "the solve of
 * s.json"), saying the inputs are finite and in range so the magnitudes are what broke it. `find` locates it, for
 * results where some non-finite entries mean something (NaN for "not a member").
 */
export function requireFinite<T>(value: T, what: string, find: (value: T) => string | null = firstNonFinite): void {
  const at = find(value);
  if (at === null) return;
  throw new CocogenError(
    'NON_FINITE',
    `${what} produced a non-finite ${at}; every input was finite and within its documented range, so this is a ` +
      'limit of float64 at these magnitudes: rescale the inputs (e.g. market values and costs in larger units)',
    { path: at },
  );
}
