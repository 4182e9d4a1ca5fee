/**
 * Creating output folders without Node's recursive mkdir, which spins at 100 % CPU on a path under /proc or /sys
 * (the kernel answers ENOENT for a parent that stat reports as present). The path is walked up to its first existing
 * ancestor, which must be a folder, and the missing folders are made one by one, so an impossible destination fails
 * at once with IO_ERROR naming it.
 */
import { mkdirSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CocogenError } from '../core/errors.js';

function ioError(path: string, why: string): CocogenError {
  return new CocogenError('IO_ERROR', `Cannot create the folder ${JSON.stringify(path)}: ${why}`, { path });
}

/** The folders of `dir` that do not exist yet (outermost first) and its first existing ancestor, a folder. */
function missingFolders(dir: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw ioError(dir, `${at}: ${(e as Error).message}`);
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) throw ioError(dir, 'no existing ancestor');
      at = up;
      continue;
    }
    if (!isDirectory) throw ioError(dir, `${at} is not a folder`);
    return { existing: at, missing };
  }
}

/** Makes `dir` and any missing parents; IO_ERROR naming `dir` when one cannot be made. */
export function ensureDirectory(dir: string): void {
  for (const folder of missingFolders(dir).missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(folder).isDirectory()) continue; // made meanwhile by another writer
      throw ioError(dir, (e as Error).message);
    }
  }
}

/**
 * Checks, creating nothing that stays, that `dir` exists as a writable folder or can be created: its first existing
 * ancestor is a folder in which a folder can be made (probed with a temporary one, removed at once). So a command
 * refuses an impossible --out before its work rather than after.
 */
export function checkCreatableDirectory(dir: string): void {
  const { existing } = missingFolders(dir);
  let probe: string;
  try {
    probe = mkdtempSync(join(existing, '.cocogen-probe-'));
  } catch (e) {
    throw ioError(dir, `${existing} is not writable (${(e as Error).message})`);
  }
  rmdirSync(probe);
}
