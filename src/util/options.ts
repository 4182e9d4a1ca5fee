/**
 * Options objects of the library functions: a misspelt key is refused, never silently read as "use the default".
 */
import { invalidArgument, invalidArgumentText } from '../errors.js';

/**
 * `options` as a record (`{}` when undefined), after checking that it is a plain object whose every key is in
 * `allowed`. The error names the offending key as `<name>.<key>`.
 *
 * @example const o = optionsRecord(options, ['seed', 'onPoint'], 'options'); // throws on { sede: 1 }
 */
export function optionsRecord(options: unknown, allowed: readonly string[], name: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || ArrayBuffer.isView(options))
    throw invalidArgument(name, 'an options object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw invalidArgumentText(`${name}.${key}`, `one of the options ${allowed.join(', ')}`, 'an unknown option');
  }
  return options as Record<string, unknown>;
}
