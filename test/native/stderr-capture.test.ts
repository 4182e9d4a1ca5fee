/**
 * captureStderr (native/kernels/stderr_capture.h): what a call writes to file descriptor 2 is returned instead of
 * printed, and fd 2 is the terminal's again afterwards, also when the call throws. Run in a child process, whose
 * stderr the test reads.
 */
import { describe, expect, it } from 'vitest';
import { runModule } from '../support/cli.js';
import { addon } from './native-addon.js';

describe.skipIf(!addon)('captureStderr', () => {
  it('returns what the call wrote to fd 2, prints none of it, and restores fd 2 after a throw', () => {
    const r = runModule(`
      import { writeSync } from 'node:fs';
      import { loadAddon } from './dist/bindings/addon.js';
      const { addon } = loadAddon();
      const got = addon.captureStderr(() => { writeSync(2, 'from the call\\n'); return 42; });
      writeSync(1, JSON.stringify(got) + '\\n');
      try {
        addon.captureStderr(() => { writeSync(2, 'before the throw\\n'); throw new Error('thrown'); });
      } catch (e) {
        writeSync(1, 'caught ' + e.message + '\\n');
      }
      writeSync(2, 'after\\n');
    `);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(JSON.stringify({ result: 42, text: 'from the call\n' }));
    expect(r.stdout).toContain('caught thrown');
    expect(r.stderr).toBe('after\n');
  });
});
