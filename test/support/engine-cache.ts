import type { Engine, EngineOptions } from '../../src/engine/engine.js';

export type ExtraEngineOptions = Omit<EngineOptions, 'backend'>;

/**
 * One engine per set of extra options for a shared table (cases that force e.g. a tiny WebGPU chunk get their own),
 * created on first use and disposed together at the end.
 */
export function engineCache(open: (extra: ExtraEngineOptions) => Promise<Engine>): {
  get(extra?: ExtraEngineOptions): Promise<Engine>;
  disposeAll(): Promise<void>;
} {
  const engines = new Map<string, Promise<Engine>>();
  return {
    get(extra = {}) {
      const key = JSON.stringify(extra);
      if (!engines.has(key)) engines.set(key, open(extra));
      return engines.get(key)!;
    },
    async disposeAll() {
      for (const e of engines.values()) (await e).dispose();
    },
  };
}
