import { CocogenError } from '../core/errors.js';
import { counted, formatColumn, formatMilliseconds, formatNumber, formatSeconds } from '../util/format-number.js';

// Re-exported: the commands format numbers through this module, the figures through src/util.
export { counted, formatMilliseconds, formatNumber, formatSeconds };

/** Where a command writes: stdout for results, stderr for diagnostics. Injected so tests can capture them. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Exit codes: 0 ok, 1 failure at run time, 2 bad input (usage, invalid argument or scenario). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CocogenError) {
    return error.code === 'INVALID_ARGUMENT' || error.code === 'INVALID_SCENARIO' ? 2 : 1;
  }
  return 1;
}

/** What the CLI says of an error that is no CocogenError: every expected failure is typed, so this one is a bug. */
export const INTERNAL_ERROR_NOTE =
  'This is a bug in cocogen, not a problem with your input: please report it with the command that caused it.';

/**
 * Report an error on stderr, as `{ "error": { code, message } }` under --json. An error that is not a CocogenError
 * is reported as INTERNAL, with its message and a line saying it is a bug (exit 1).
 */
export function reportError(io: Io, error: unknown, json: boolean): number {
  const e =
    error instanceof CocogenError
      ? error
      : new CocogenError(
          'INTERNAL',
          `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}. ${INTERNAL_ERROR_NOTE}`,
        );
  if (json) io.err(JSON.stringify({ error: { code: e.code, message: e.message } }));
  else io.err(`cocogen: ${e.message} [${e.code}]`);
  return exitCodeFor(error);
}

/**
 * How a table column prints its numbers: `auto` rounds the column as one ({@link formatColumn}); `decimals` fixes
 * them (a quantity whose noise is known); `significant` rounds each cell alone (a column of unlike quantities).
 */
export type ColumnFormat = 'auto' | { decimals: number } | { significant: number };

/** A plain text table with aligned columns; numbers right-aligned and rounded per column (`formats`, default auto). */
export function table(headers: string[], rows: (string | number)[][], formats: ColumnFormat[] = []): string {
  const columns = headers.map((_, j) => {
    const numbers = rows.map((r) => r[j]).filter((c): c is number => typeof c === 'number');
    const f = formats[j] ?? 'auto';
    const texts =
      f === 'auto'
        ? formatColumn(numbers)
        : 'decimals' in f
          ? numbers.map((v) => (v === 0 || !Number.isFinite(v) ? String(v) : v.toFixed(f.decimals)))
          : numbers.map((v) => formatNumber(v, f.significant));
    let k = 0;
    return rows.map((r) => (typeof r[j] === 'number' ? texts[k++]! : String(r[j] ?? '')));
  });
  const cells = rows.map((_, i) => headers.map((_, j) => columns[j]![i]!));
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j]!.length)));
  const line = (r: string[], raw?: (string | number)[]) =>
    r
      .map((c, j) => (typeof raw?.[j] === 'number' ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((r, i) => line(r, rows[i]))].join(
    '\n',
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
