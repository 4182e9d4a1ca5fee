import { readFileSync } from 'node:fs';
import { CocogenError } from '../core/errors.js';
import { parseScenario, type Scenario } from '../game/index.js';

/**
 * Errors that mean "the path the user gave is not a readable file": bad input (exit 2), not a failure of the
 * machine. Anything else (EIO, EMFILE…) is an IO_ERROR, a run-time failure (exit 1).
 */
const BAD_PATH_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG']);

/**
 * Reads and validates a scenario file (docs/design.md §3.1) for a CLI command. Every error names the file:
 * - a path that is not a readable file → INVALID_ARGUMENT naming `flag` (exit 2);
 * - text that is not JSON, or JSON that breaks a rule of the format → INVALID_SCENARIO (exit 2);
 * - any other read failure → IO_ERROR (exit 1).
 *
 * @example const scenario = readScenarioFile('examples/hospitals-uniform.json', 'FILE');
 */
export function readScenarioFile(path: string, flag: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a directory' : err.message;
    if (err.code !== undefined && BAD_PATH_CODES.has(err.code)) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected a readable scenario file for ${flag} but received ${JSON.stringify(path)} (${reason})`,
        { argument: flag, path },
      );
    }
    throw new CocogenError('IO_ERROR', `Could not read scenario file ${JSON.stringify(path)}: ${err.message}`, {
      path,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CocogenError(
      'INVALID_SCENARIO',
      `Expected JSON text in scenario file ${JSON.stringify(path)} but received text that does not parse (${(e as Error).message})`,
      { path },
    );
  }
  try {
    return parseScenario(json);
  } catch (e) {
    if (e instanceof CocogenError) {
      throw new CocogenError(e.code, `${e.message} (in scenario file ${JSON.stringify(path)})`, {
        ...e.details,
        file: path,
      });
    }
    throw e;
  }
}
