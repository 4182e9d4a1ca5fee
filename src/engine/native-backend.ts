import os from 'node:os';
import type { Backend, BackendInfo } from './backend.js';
import { requireAddon, type CocogenAddon } from '../../bindings/addon.js';
import { CocogenError } from '../errors.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './reference/payoff-matrix.js';

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

  async payoffMatrix(input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
    this.#guard();
    const count = input.batch * input.rowsPerItem;
    const gains = input.writeGains ? new Float64Array(count * input.grid.length) : null;
    const bestIndex = new Int32Array(count);
    const bestGain = new Float64Array(count);
    // The levels current + gain come out of the same pass as the gains (no second pass over the matrix on the host).
    const current = gains && input.current ? input.current : null;
    const utilities = current ? new Float64Array(count * input.grid.length) : null;
    await this.#addon.payoffMatrix(
      input.rows,
      input.scenarios,
      input.grid,
      input.rowsPerItem,
      gains,
      bestIndex,
      bestGain,
      current,
      utilities,
    );
    return utilities ? { gains, bestIndex, bestGain, utilities } : { gains, bestIndex, bestGain };
  }

  async denseRowSums(input: DenseRowSumsInput): Promise<Float64Array> {
    this.#guard();
    const out = new Float64Array(input.vectors.length);
    await this.#addon.denseRowSums(input.matrix, input.vectors, input.n, input.batch, out);
    return out;
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

  #guard(): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', 'This native backend was disposed; create a new engine');
  }
}
