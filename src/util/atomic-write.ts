import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CocogenError } from '../core/errors.js';
import { ensureDirectory } from './directories.js';

/**
 * Write a file so that readers see either the old contents or the new, never a half-written file: write a
 * temporary sibling, then rename over the target (atomic on one filesystem). On failure nothing is left behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    ensureDirectory(dirname(path));
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temporary could not even be created (e.g. its folder is a file): nothing to clean
    }
    throw new CocogenError('IO_ERROR', `Could not write ${path}: ${(e as Error).message}`, { path });
  }
}

/** RFC 4180 CSV: a header row and rows of numbers or strings (quoted when needed). */
export function toCsv(
  headers: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  const cell = (v: string | number | boolean | null) => {
    if (v === null) return '';
    const s =
      typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan') : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
