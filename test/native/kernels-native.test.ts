/**
 * Every shared table (test/cases/tables.ts) of the native tier: the native backend, and the js runs that need the
 * addon (memory-mapped tensor files). Skipped, saying why, when the addon is not built.
 */
import { describe, it } from 'vitest';
import { runTier } from '../cases/tables.js';
import { addon, addonMissingReason } from './native-addon.js';

if (addon) {
  runTier('native');
} else {
  describe.skip(`shared tables on native (addon not built: ${addonMissingReason})`, () => {
    it('skipped', () => {});
  });
}
