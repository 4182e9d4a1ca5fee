/**
 * The check every options object of the library goes through: an object (or undefined), with no key outside the ones
 * the function knows, so that a misspelt option is an error instead of a silently ignored default.
 */
import { invalidArgument, invalidArgumentText } from '../errors.js';

/**
 * Throws INVALID_ARGUMENT naming `name` when `options` is not a plain object, or naming the key (`name.key`) when it
 * holds a key outside `known`. Undefined passes (every option at its default).
 */
export function checkOptions(options: unknown, known: readonly string[], name: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(name, `an options object with keys among ${known.join(', ')}`, options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw invalidArgumentText(`${name}.${key}`, `one of the options ${known.join(', ')}`, 'an unknown option');
    }
  }
}
