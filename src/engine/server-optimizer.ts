/**
 * Server optimizers of Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR 2021): FedAvgM, FedAdam, FedYogi.
 * Each round the server forms the pseudo-gradient Δ = aggregate − global and moves the global model with momentum m
 * (and, for Adam / Yogi, a second moment v):
 *   m ← β1·m + (1 − β1)·Δ   (FedAvgM: m ← β1·m + Δ, heavy-ball momentum as Hsu et al. 2019 define it)
 *   Adam: v ← β2·v + (1 − β2)·Δ²      Yogi: v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   x ← x + η·m / (√v + τ)   (FedAvgM: x ← x + η·m)
 * Each optimizer is a stateful object whose state tensors live in the engine that runs it, for its whole life:
 * native memory ({@link NativeTensor}, one fused native kernel per step) on `native`, GPU storage buffers on `webgpu`
 * (a step uploads x and Δ and reads back only x), JS arrays on `js` (the plain-TS reference). `readState()` and
 * `writeState()` copy the state out and in, for checkpoints, and move it between backends. The step itself (contract,
 * reference, native glue) lives in kernels/server-optimizer/, like every kernel.
 */
import { loadAddon } from '../core/addon.js';
import { CocogenError, invalidArgument } from '../core/errors.js';
import { engineBackend, type Engine } from './engine.js';
import {
  SERVER_OPTIMIZER_NAMES,
  validateServerOptimizerParams,
  validateServerOptimizerState,
  validateServerOptimizerStep,
  type ServerOptimizerKind,
} from './kernels/server-optimizer/contract.js';
import { serverOptimizerStepNative } from './kernels/server-optimizer/native.js';
import { serverOptimizerStepReference } from './kernels/server-optimizer/reference.js';
import type { GpuOptimizerState } from './kernels/server-optimizer/webgpu.js';
import { createTensor, type NativeTensor } from './tensor.js';
import type { WebGpuBackend } from './webgpu-backend.js';

export { serverOptimizerStepReference };

export interface ServerOptimizerOptions {
  /** Parameters of the global model. */
  length: number;
  /** Server learning rate η (default 1 for FedAvgM, 0.01 for FedAdam / FedYogi). */
  eta?: number;
  /** Momentum β1 (default 0.9). */
  beta1?: number;
  /** Second-moment decay β2 (FedAdam / FedYogi, default 0.99). */
  beta2?: number;
  /** Adaptivity τ (FedAdam / FedYogi, default 1e-3). */
  tau?: number;
  /**
   * Where the state lives and the step runs: `'native'` (default when the addon is built; m and v in addon memory),
   * `'js'` (JS arrays, the reference), or `'webgpu'` (kernels/server-optimizer.wgsl; m and v in GPU storage buffers
   * for the optimizer's life; x agrees with the float32 reference to ~1e-6 of the step, because WGSL's f32 sqrt and
   * division are not correctly rounded). Without `engine`, `'webgpu'` opens a device of its own on first use and
   * closes it in dispose(). With `engine`, omit it or pass the engine's backend.
   */
  backend?: 'native' | 'js' | 'webgpu';
  /**
   * Run on this engine's backend: native → the addon, js → the reference, webgpu → the engine's device, where the
   * state is allocated and from which dispose() frees it. The engine is shared: the optimizer never disposes it, and
   * every method throws DISPOSED once the engine is disposed.
   */
  engine?: Engine;
}

/** An optimizer's state, as `readState()` returns it and `writeState()` takes it (copies, never views). */
export interface ServerOptimizerState {
  /** First moment m, `length` floats. */
  m: Float32Array;
  /** Second moment v, `length` floats ≥ 0: FedAdam and FedYogi only (FedAvgM has none). */
  v?: Float32Array;
  /** Steps taken. Always in `readState()`; optional in `writeState()`, where it sets the counter. */
  steps?: number;
}

type Kind = ServerOptimizerKind;

const KIND_NAMES = SERVER_OPTIMIZER_NAMES;

abstract class ServerOptimizerBase {
  readonly length: number;
  readonly eta: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly tau: number;
  readonly backend: 'native' | 'js' | 'webgpu';
  readonly #kind: Kind;
  /** The engine it runs on (shared), if any. */
  readonly #engine: Engine | undefined;
  /** native / js: the state tensors. */
  #m: NativeTensor | Float32Array | undefined;
  #v: NativeTensor | Float32Array | undefined;
  /** webgpu: the device state, created on first use (a failed start is forgotten, so the next call retries). */
  #gpu: Promise<GpuOptimizerState> | undefined;
  /** webgpu: the same, once created (dispose() frees it synchronously). */
  #gpuState: GpuOptimizerState | undefined;
  /** webgpu without an engine: the device this optimizer opened and owns. */
  #ownDevice: Promise<WebGpuBackend> | undefined;
  #disposed = false;
  #busy = false;
  #steps = 0;

  protected constructor(kind: Kind, options: ServerOptimizerOptions, defaultEta: number) {
    if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
    const { length, eta, beta1, beta2, tau } = validateServerOptimizerParams(options, defaultEta);
    this.#kind = kind;
    this.length = length;
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
    const { engine } = options;
    let backend = options.backend;
    if (engine !== undefined) {
      const shared = engineBackend(engine);
      if (shared === undefined) throw invalidArgument('options.engine', 'an Engine from createEngine()', engine);
      if (engine.disposed) throw new CocogenError('DISPOSED', `Cannot create ${KIND_NAMES[kind]} on a disposed engine`);
      if (backend !== undefined && backend !== shared.name) {
        throw invalidArgument('options.backend', `undefined or '${shared.name}' (the engine's backend)`, backend);
      }
      backend = shared.name;
    }
    backend ??= loadAddon().ok ? 'native' : 'js';
    if (backend !== 'native' && backend !== 'js' && backend !== 'webgpu') {
      throw invalidArgument('options.backend', "'native', 'js' or 'webgpu'", backend);
    }
    this.backend = backend;
    this.#engine = engine;
    if (backend === 'webgpu') return;
    const alloc = () => (backend === 'native' ? createTensor(length) : new Float32Array(length));
    this.#m = alloc();
    this.#v = kind === 0 ? undefined : alloc();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Steps taken since construction (or the count last given to writeState()). */
  get steps(): number {
    return this.#steps;
  }

  /**
   * The first moment m as a zero-copy view of the state, on `native` and `js`. On `webgpu` m lives in GPU memory and
   * cannot be read synchronously: this throws INVALID_ARGUMENT there; use `await readState()`.
   */
  get momentum(): Float32Array {
    this.#check('momentum');
    if (this.backend === 'webgpu') {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `${this.#name}.momentum is not readable synchronously on backend 'webgpu' (m lives in GPU memory): ` +
          `use await ${this.#name.toLowerCase()}.readState()`,
      );
    }
    return view(this.#m!);
  }

  /**
   * One server step in place: `global` ← global + η·m/(√v + τ) after updating the state with `delta` (Δ = aggregate −
   * global). `global` and `delta` are Float32Arrays of `length` that share no memory with each other or the state.
   */
  async step(global: Float32Array, delta: Float32Array): Promise<void> {
    this.#check('step');
    validateServerOptimizerStep(this.length, global, delta);
    this.#checkIdle('step');
    const params = { beta1: this.beta1, beta2: this.beta2, eta: this.eta, tau: this.tau };
    if (this.backend === 'js') {
      serverOptimizerStepReference(this.#kind, global, delta, view(this.#m!), this.#v ? view(this.#v) : null, params);
      this.#steps++;
      return;
    }
    this.#busy = true;
    try {
      if (this.backend === 'webgpu') {
        const state = await this.#deviceState('step');
        this.#check('step');
        await state.step(global, delta, params);
      } else {
        await serverOptimizerStepNative(
          this.#kind,
          global,
          delta,
          view(this.#m!),
          this.#v ? view(this.#v) : null,
          params,
        );
      }
      this.#steps++;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Convenience: Δ = aggregate − global computed here, then {@link step}. Allocates Δ on the JS heap.
   */
  async apply(global: Float32Array, aggregate: Float32Array): Promise<void> {
    if (!(aggregate instanceof Float32Array) || aggregate.length !== this.length) {
      throw invalidArgument('aggregate', `a Float32Array of length ${this.length}`, aggregate);
    }
    const delta = new Float32Array(this.length);
    for (let i = 0; i < this.length; i++) delta[i] = aggregate[i]! - global[i]!;
    await this.step(global, delta);
  }

  /**
   * A copy of the state (m; v for FedAdam / FedYogi; the step count), for checkpoints. On `webgpu` it is read back
   * from the device.
   *
   * @example
   * const saved = await opt.readState();
   * await other.writeState(saved); // other: the same kind and length, any backend
   */
  async readState(): Promise<ServerOptimizerState & { steps: number }> {
    this.#check('readState');
    this.#checkIdle('readState');
    const steps = this.#steps;
    if (this.backend !== 'webgpu') {
      const m = view(this.#m!).slice();
      return this.#v ? { m, v: view(this.#v).slice(), steps } : { m, steps };
    }
    this.#busy = true;
    try {
      const state = await this.#deviceState('readState');
      this.#check('readState');
      const { m, v } = await state.read();
      return v ? { m, v, steps } : { m, steps };
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Restore a state from `readState()` (of this or another backend): `state.m` a Float32Array of `length`;
   * `state.v` one of `length` with entries ≥ 0 for FedAdam / FedYogi, absent for FedAvgM; `state.steps` optional.
   * The arrays are copied. Bad input rejects with INVALID_ARGUMENT naming the field, and leaves the state as it was.
   */
  async writeState(state: ServerOptimizerState): Promise<void> {
    this.#check('writeState');
    const { m, v, steps } = this.#validateState(state);
    this.#checkIdle('writeState');
    if (this.backend !== 'webgpu') {
      view(this.#m!).set(m);
      if (this.#v && v) view(this.#v).set(v);
    } else {
      this.#busy = true;
      try {
        const gpu = await this.#deviceState('writeState');
        this.#check('writeState');
        await gpu.write(m, v);
      } finally {
        this.#busy = false;
      }
    }
    if (steps !== undefined) this.#steps = steps;
  }

  /**
   * Frees the state (native tensors, GPU buffers) and a device the optimizer opened itself; never the engine's.
   * Idempotent; every other method throws DISPOSED afterwards.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#m !== undefined && !(this.#m instanceof Float32Array)) this.#m.dispose();
    if (this.#v !== undefined && !(this.#v instanceof Float32Array)) this.#v.dispose();
    this.#m = undefined;
    this.#v = undefined;
    if (this.#gpuState) this.#gpuState.dispose();
    else
      void this.#gpu?.then(
        (s) => s.dispose(),
        () => {},
      );
    this.#gpuState = undefined;
    this.#gpu = undefined;
    void this.#ownDevice?.then(
      (d) => d.dispose(),
      () => {},
    );
    this.#ownDevice = undefined;
  }

  get #name(): string {
    return KIND_NAMES[this.#kind];
  }

  #validateState(state: ServerOptimizerState): { m: Float32Array; v: Float32Array | undefined; steps?: number } {
    return validateServerOptimizerState(this.#kind, this.length, state);
  }

  /** The device state (webgpu): created on the engine's device, or on one opened here, on first use. */
  #deviceState(method: string): Promise<GpuOptimizerState> {
    if (this.#gpu === undefined) {
      const pending = (async () => {
        const device = this.#engine ? (engineBackend(this.#engine) as WebGpuBackend) : await this.#openDevice();
        this.#check(method);
        const state = device.serverOptimizerState(this.#kind, this.length);
        this.#gpuState = state;
        return state;
      })();
      this.#gpu = pending;
      pending.catch(() => (this.#gpu === pending ? (this.#gpu = undefined) : undefined));
    }
    return this.#gpu;
  }

  #openDevice(): Promise<WebGpuBackend> {
    if (this.#ownDevice === undefined) {
      const pending = import('./webgpu-backend.js').then(({ WebGpuBackend }) => WebGpuBackend.create());
      this.#ownDevice = pending;
      pending.catch(() => (this.#ownDevice === pending ? (this.#ownDevice = undefined) : undefined));
    }
    return this.#ownDevice;
  }

  /** DISPOSED after dispose() or after the engine's dispose(). */
  #check(method: string): void {
    if (this.#disposed) throw new CocogenError('DISPOSED', `Cannot call ${this.#name}.${method}() after dispose()`);
    if (this.#engine?.disposed) {
      throw new CocogenError('DISPOSED', `Cannot call ${this.#name}.${method}() after its engine was disposed`);
    }
  }

  #checkIdle(method: string): void {
    if (this.#busy) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected one call at a time but received ${method}() before the previous one settled`,
      );
    }
  }
}

function view(s: NativeTensor | Float32Array): Float32Array {
  return s instanceof Float32Array ? s : s.data;
}

/**
 * FedAvgM: server momentum, m ← β1·m + Δ; x ← x + η·m.
 *
 * The momentum is deliberately the undamped heavy-ball form, with no (1 − β1) on Δ: FedAvgM as Hsu, Qi & Brown 2019
 * ("Measuring the Effects of Non-Identical Data Distribution for Federated Visual Classification", arXiv:1909.06335)
 * define it and as Reddi et al. 2021 run it as their momentum baseline. Unlike FedAdam's m it is not an average of
 * the Δ: with a steady Δ, m approaches Δ/(1 − β1) (10·Δ at β1 = 0.9), so η = 1 with β1 = 0.9 moves 10× further
 * than plain FedAvg; scale η by (1 − β1) for the averaged form.
 *
 * @example
 * const opt = new FedAvgM({ length: global.length, eta: 1, beta1: 0.9 });
 * await opt.step(global, delta); // delta = aggregate − global
 * opt.dispose();
 */
export class FedAvgM extends ServerOptimizerBase {
  constructor(options: ServerOptimizerOptions) {
    super(0, options, 1);
  }
}

/**
 * FedAdam: m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; x ← x + η·m/(√v + τ). No bias correction (Reddi et al. 2021).
 *
 * @example
 * const engine = await createEngine({ backend: 'webgpu' });
 * const opt = new FedAdam({ length: global.length, eta: 0.01, tau: 1e-3, engine }); // m, v on the engine's GPU
 * await opt.step(global, delta);
 * const checkpoint = await opt.readState(); // { m, v, steps }
 * opt.dispose();
 * engine.dispose();
 */
export class FedAdam extends ServerOptimizerBase {
  constructor(options: ServerOptimizerOptions) {
    super(1, options, 0.01);
  }
}

/**
 * FedYogi: as FedAdam with v ← v − (1−β2)·Δ²·sign(v − Δ²), which grows v more slowly.
 *
 * @example
 * const opt = new FedYogi({ length: global.length });
 * await opt.step(global, delta);
 * opt.dispose();
 */
export class FedYogi extends ServerOptimizerBase {
  constructor(options: ServerOptimizerOptions) {
    super(2, options, 0.01);
  }
}
