import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { requireAddon, type CocogenAddon } from '../../bindings/addon.js';
import { CocogenError } from '../errors.js';

/** The `native` backend: C++ kernels in the addon, multithreaded and vectorized, run off the main thread. */
export class NativeBackend implements Backend {
  readonly name = 'native' as const;
  readonly #addon: CocogenAddon;
  #disposed = false;

  /** Throws BACKEND_UNAVAILABLE, saying what was tried, when the addon is not built. */
  constructor(options: { threads?: number } = {}) {
    this.#addon = requireAddon();
    if (options.threads !== undefined) this.#addon.setThreads(options.threads);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async fedAvg(updates: readonly Float32Array[], weights: Float64Array, out?: Float32Array): Promise<Float32Array> {
    this.#guard();
    const result = out ?? new Float32Array(updates[0]!.length);
    await this.#addon.fedAvg(updates as Float32Array[], weights, result);
    return result;
  }

  info(): BackendInfo {
    const build = this.#addon.buildInfo();
    return { name: 'native', device: os.cpus()[0]?.model ?? 'unknown CPU', details: { ...build, accumulation: 'float64' } };
  }

  dispose(): void {
    this.#disposed = true;
  }

  #guard(): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This native backend was disposed; create a new engine');
  }
}
