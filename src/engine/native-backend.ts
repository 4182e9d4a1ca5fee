import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { requireAddon, type CocogenAddon } from '../core/addon.js';
import { CocogenError } from '../core/errors.js';
import type { Kernel } from './kernels/kernel.js';

/**
 * The `native` backend: C++ kernels in the addon, multithreaded and vectorized, run off the main thread. Each kernel's
 * glue (kernels/<kernel>/native.ts) gets the addon.
 */
export class NativeBackend implements Backend {
  readonly name = 'native' as const;
  readonly #addon: CocogenAddon;
  #disposed = false;

  /**
   * Throws BACKEND_UNAVAILABLE, saying what was tried, when the addon is not built, or when `gemm: 'blas'` is asked
   * of an addon built without a BLAS.
   */
  constructor(options: { threads?: number; gemm?: 'auto' | 'own' | 'blas' } = {}) {
    this.#addon = requireAddon();
    if (options.threads !== undefined) this.#addon.setThreads(options.threads);
    if (options.gemm !== undefined) {
      const linked = this.#addon.buildInfo().gemm.blas !== null;
      if (options.gemm === 'blas' && !linked) {
        throw new CocogenError(
          'BACKEND_UNAVAILABLE',
          "Expected an addon built with OpenBLAS for options.gemm 'blas' but this one was built without a BLAS " +
            '(install libopenblas-dev and rebuild: npm run build:native)',
        );
      }
      this.#addon.setGemm(options.gemm === 'auto' ? (linked ? 'blas' : 'own') : options.gemm);
    }
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async run<I, O>(kernel: Kernel<I, O>, input: I): Promise<O> {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This native backend was disposed; create a new engine');
    return kernel.native(this.#addon, input);
  }

  info(): BackendInfo {
    const build = this.#addon.buildInfo();
    return {
      name: 'native',
      device: os.cpus()[0]?.model ?? 'unknown CPU',
      details: { ...build, accumulation: 'float64' },
    };
  }

  dispose(): void {
    this.#disposed = true;
  }
}
