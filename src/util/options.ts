/**
 * The check every options object of the library goes through: an object (or undefined), with no key outside the ones
 * the function knows, so that a misspelt option is an error instead of a silently ignored default.
 */
import { invalidArgument, invalidArgumentText } from '../core/errors.js';

/** Whether `v` can be an options object: an object that is not null, an array or a typed array. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * `options` as a record (`{}` when undefined), after checking that it is a plain object whose every key is in
 * `allowed`. The error names the offending key as `<name>.<key>`.
 *
 * @example const o = optionsRecord(options, ['seed', 'onPoint'], 'options'); // throws on { sede: 1 }
 */
export function optionsRecord(options: unknown, allowed: readonly string[], name: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isOptionsObject(options)) throw invalidArgument(name, 'an options object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw invalidArgumentText(`${name}.${key}`, `one of the options ${allowed.join(', ')}`, 'an unknown option');
  }
  return options as Record<string, unknown>;
}

/**
 * `options[key]` when it is a number that passes `ok`, `fallback` when it is undefined; INVALID_ARGUMENT naming
 * `name.key` and `rule` otherwise (null, a string, NaN included). A `fallback` of undefined makes the option required:
 * undefined is then refused too. Call after {@link optionsRecord}.
 */
export function numberOption<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: number | undefined,
  ok: (v: number) => boolean,
  rule: string,
  name = 'options',
): number {
  const v = (options as Record<string, unknown>)[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !ok(v)) throw invalidArgument(`${name}.${key}`, rule, v);
  return v;
}

/** An integer option in [min, max] (as {@link numberOption}). */
export function integerOption<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: number | undefined,
  min: number,
  max: number,
  name = 'options',
): number {
  const rule = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  return numberOption(options, key, fallback, (v) => Number.isSafeInteger(v) && v >= min && v <= max, rule, name);
}

/** A boolean option (as {@link numberOption}). */
export function booleanOption<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: boolean,
  name = 'options',
): boolean {
  const v = (options as Record<string, unknown>)[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(`${name}.${key}`, 'true or false', v);
  return v;
}

/** KKT tolerances: what every solver accepts. */
export const isTolerance = (v: number): boolean => v > 0 && v < 1;
export const TOLERANCE_RULE = 'a tolerance in (0, 1)';

/** A seed option: any safe integer (as {@link numberOption}). */
export function seedOption<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: number | undefined,
  name = 'options',
): number {
  return numberOption(options, key, fallback, Number.isSafeInteger, 'a safe integer', name);
}

/**
 * INVALID_ARGUMENT naming the first bad entry (`name[i]`) unless `v` is an array or typed array of finite numbers
 * ≥ `min` (default: any).
 */
export function checkFiniteNumbers(v: unknown, name: string, min = -Infinity): asserts v is ArrayLike<number> {
  const rule = min === -Infinity ? 'finite numbers' : `finite numbers ≥ ${min}`;
  checkArrayLike(v, name, `an array of ${rule}`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min)
      throw invalidArgument(`${name}[${i}]`, min === -Infinity ? 'a finite number' : `a finite number ≥ ${min}`, x);
  }
}

/** INVALID_ARGUMENT naming `name` and `rule` unless `v` is an array or a typed array (of any element type). */
export function checkArrayLike(v: unknown, name: string, rule: string): asserts v is ArrayLike<number> {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) throw invalidArgument(name, rule, v);
}
