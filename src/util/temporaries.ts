/**
 * Temporary files that must not outlive the process: a writer registers its temporary while it is open, and on
 * SIGINT or SIGTERM every registered temporary is removed before the process dies of that signal (the handler then
 * re-raises it, so the exit status is the signal's). Synchronous writers (writeFileAtomic) need none of this: a
 * signal's handler runs only between event-loop turns, after their cleanup.
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of live) rmSync(path, { force: true });
  live.clear();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}

/** Registers `path` for removal on SIGINT / SIGTERM; the returned function unregisters it (after commit or abort). */
export function trackTemporary(path: string): () => void {
  if (!installed) {
    installed = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  live.add(path);
  return () => {
    live.delete(path);
  };
}
