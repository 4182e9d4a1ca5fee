/**
 * Typed reading of command-line flag values (parseArgs hands over strings). Every rule broken is an
 * INVALID_ARGUMENT naming the flag and the rule, in the project's one template.
 */
import { invalidArgument, invalidArgumentText } from '../errors.js';

/** A seed: a non-negative safe integer; `fallback` when the flag is absent. */
export function seedFlag(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const seed = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seed)) throw invalidArgument(flag, 'a non-negative integer (a seed)', value);
  return seed;
}

/** An integer in [min, max]; `fallback` when the flag is absent. */
export function integerFlag(value: unknown, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const v = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(v) && v >= min && v <= max))
    throw invalidArgument(flag, `an integer in [${min}, ${max}]`, value);
  return v;
}

/**
 * A comma-separated list of finite numbers, each passing `ok` (the rule stated as `rule`), without repeats;
 * `fallback` when the flag is absent.
 *
 * @example numberListFlag('0,0.5,1', '--g', (v) => v >= 0, 'a number ≥ 0', [0]) // [0, 0.5, 1]
 */
export function numberListFlag(
  value: unknown,
  flag: string,
  ok: (v: number) => boolean,
  rule: string,
  fallback: readonly number[],
): number[] {
  if (value === undefined) return fallback.slice();
  const text = String(value);
  const parts = text.split(',').map((p) => p.trim());
  const expected = `a comma-separated list of numbers, each ${rule}`;
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw invalidArgumentText(flag, expected, `${JSON.stringify(text)} (an empty entry)`);
  }
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v) || !ok(v))
      throw invalidArgumentText(flag, expected, `${JSON.stringify(text)} (entry ${JSON.stringify(p)})`);
    if (out.includes(v))
      throw invalidArgumentText(flag, `${expected}, without repeats`, `${JSON.stringify(text)} (${p} twice)`);
    out.push(v);
  }
  return out;
}
