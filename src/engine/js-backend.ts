import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { CocogenError } from '../core/errors.js';
import type { Kernel } from './kernels/kernel.js';

/**
 * The `js` backend: the plain-TypeScript reference kernels (kernels/<kernel>/reference.ts), on the main thread. Needs
 * nothing but Node.
 */
export class JsBackend implements Backend {
  readonly name = 'js' as const;
  #disposed = false;

  get disposed(): boolean {
    return this.#disposed;
  }

  async run<I, O>(kernel: Kernel<I, O>, input: I): Promise<O> {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This js backend was disposed; create a new engine');
    return kernel.js(input);
  }

  info(): BackendInfo {
    return {
      name: 'js',
      device: os.cpus()[0]?.model ?? 'unknown CPU',
      details: { threads: 1, accumulation: 'float64' },
    };
  }

  dispose(): void {
    this.#disposed = true;
  }
}
