/**
 * What the native tier's tests share: the loaded addon (the tests skip, saying why, when it is not built), a seeded
 * generator, and a runner for scripts that need a fresh process (--expose-gc, or COCOGEN_NATIVE_ISA).
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { loadAddon, type CocogenAddon } from '../../src/core/addon.js';
import { CocogenError } from '../../src/core/errors.js';

const load = loadAddon();
if (!load.ok) console.warn(`native tests skipped: ${load.reason}`);

/** The addon, or undefined when it is not built (suites use `describe.skipIf(!addon)`). */
export const addon: CocogenAddon | undefined = load.ok ? load.addon : undefined;
export const addonPath: string | undefined = load.ok ? load.path : undefined;
/** Why the addon is missing (undefined when it loaded), for the skip messages. */
export const addonMissingReason: string | undefined = load.ok ? undefined : load.reason;

/** The addon inside a suite that is skipped when it is missing. */
export function native(): CocogenAddon {
  if (!addon) throw new Error('unreachable: suite should have been skipped');
  return addon;
}

/** Deterministic uniform test data (test/support/xorshift.ts), shared with the other tiers. */
export { seeded } from '../support/xorshift.js';

/** Asserts that `fn` throws (or rejects with) a CocogenError with `code` whose message matches `message`. */
export async function expectCocogenError(fn: () => unknown, code: string, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a CocogenError').toBeInstanceOf(CocogenError);
  expect((caught as CocogenError).code).toBe(code);
  if (message) expect((caught as CocogenError).message).toMatch(message);
}

/**
 * Runs an ES module in a fresh node with --expose-gc. The script sees `addon` (loaded from the same file as the tests,
 * error class set) and `CocogenError`; it reports by printing one JSON line, which is returned parsed.
 */
export function runInChild(body: string, env: Record<string, string> = {}): unknown {
  const source = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    class CocogenError extends Error {
      constructor(code, message) { super(message); this.name = 'CocogenError'; this.code = code; }
    }
    const addon = require(process.env.COCOGEN_TEST_ADDON);
    addon.setErrorClass(CocogenError);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    ${body}
  `;
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', source], {
    env: { ...process.env, ...env, COCOGEN_TEST_ADDON: addonPath ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`child exited with ${run.status}: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}
