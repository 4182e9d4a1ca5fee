/**
 * A progress bar for long runs (docs/design.md §7): drawn on stderr, and only when stderr is a terminal, so that piped or
 * captured output (and --json) stays clean. Redraws at most ten times a second.
 */
import type { Io } from './output.js';

export interface Progress {
  /** Advance to `done` of `total` steps, with a short note of what is running. */
  update(done: number, note?: string): void;
  /** Erase the bar. */
  done(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * `label [#########.........] 12/40 30% eta 8 s note` on stderr when it is a terminal (and stdout too, per `io`);
 * a no-op otherwise.
 *
 * @example
 * const bar = createProgress(io, 'simulate', rounds * strategies.length);
 * bar.update(3, 'round 1 · equilibrium'); … bar.done();
 */
export function createProgress(
  io: Pick<Io, 'isTTY'>,
  label: string,
  total: number,
  stream: ProgressStream = process.stderr,
): Progress {
  const enabled = io.isTTY && Boolean(stream.isTTY) && total > 0;
  const start = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, note = '') {
      if (!enabled) return;
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      const fraction = Math.min(1, Math.max(0, done / total));
      const width = 24;
      const filled = Math.round(fraction * width);
      const elapsed = (now - start) / 1000;
      const eta = done > 0 && done < total ? ` eta ${Math.ceil((elapsed * (total - done)) / done)} s` : '';
      let line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.round(fraction * 100)}%${eta} ${note}`;
      const columns = stream.columns ?? 100;
      if (line.length > columns - 1) line = line.slice(0, columns - 1);
      stream.write(`\r\x1b[K${line}`);
      drawn = true;
    },
    done() {
      if (enabled && drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
