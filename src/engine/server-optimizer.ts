/**
 * Server optimizers of Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR 2021): FedAvgM, FedAdam, FedYogi.
 * Each round the server forms the pseudo-gradient Δ = aggregate − global and moves the global model with momentum m
 * (and, for Adam / Yogi, a second moment v):
 *   m ← β1·m + (1 − β1)·Δ   (FedAvgM: m ← β1·m + Δ)
 *   Adam: v ← β2·v + (1 − β2)·Δ²      Yogi: v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   x ← x + η·m / (√v + τ)   (FedAvgM: x ← x + η·m)
 * The state tensors live in native memory ({@link NativeTensor}) and one fused native kernel does the whole update in
 * a single pass; without the addon (or with `backend: 'js'`) the plain-TS reference below runs on JS arrays.
 */
import { loadAddon } from '../../bindings/addon.js';
import { CocogenError, invalidArgument } from '../errors.js';
import { createTensor, MAX_TENSOR_LENGTH, type NativeTensor } from './tensor.js';
import type { WebGpuBackend } from './webgpu-backend.js';

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
   * `'native'` (default when the addon is built), `'js'`, or `'webgpu'` (kernels/server-optimizer.wgsl; the state
   * stays on the host and is uploaded and read back each step; x agrees with the float32 reference to ~1e-6 of the
   * step, because WGSL's f32 sqrt and division are not correctly rounded).
   */
  backend?: 'native' | 'js' | 'webgpu';
  /**
   * The device for `backend: 'webgpu'`, shared and not disposed by the optimizer. Without it the optimizer creates
   * its own on the first step and disposes it in dispose().
   */
  gpu?: WebGpuBackend;
}

type Kind = 0 | 1 | 2;

/** The plain-TS reference of one step, in float32 arithmetic order as the native kernel (Math.fround per op). */
export function serverOptimizerStepReference(
  kind: Kind,
  x: Float32Array,
  delta: Float32Array,
  m: Float32Array,
  v: Float32Array | null,
  params: { beta1: number; beta2: number; eta: number; tau: number },
): void {
  const f = Math.fround;
  const beta1 = f(params.beta1);
  const beta2 = f(params.beta2);
  const eta = f(params.eta);
  const tau = f(params.tau);
  const n = x.length;
  if (kind === 0) {
    for (let i = 0; i < n; i++) {
      const mi = f(f(beta1 * m[i]!) + delta[i]!);
      m[i] = mi;
      x[i] = x[i]! + f(eta * mi);
    }
    return;
  }
  const b1 = f(1 - beta1);
  const b2 = f(1 - beta2);
  const vv = v!;
  for (let i = 0; i < n; i++) {
    const d = delta[i]!;
    const mi = f(f(beta1 * m[i]!) + f(b1 * d));
    const d2 = f(d * d);
    let vi: number;
    if (kind === 1) vi = f(f(beta2 * vv[i]!) + f(b2 * d2));
    else {
      const diff = f(vv[i]! - d2);
      vi = f(vv[i]! - f(f(b2 * d2) * Math.sign(diff || 0)));
    }
    m[i] = mi;
    vv[i] = vi;
    x[i] = x[i]! + f(f(eta * mi) / f(f(Math.sqrt(vi)) + tau));
  }
}

abstract class ServerOptimizerBase {
  readonly length: number;
  readonly eta: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly tau: number;
  readonly backend: 'native' | 'js' | 'webgpu';
  readonly #kind: Kind;
  #gpu: WebGpuBackend | Promise<WebGpuBackend> | undefined;
  readonly #ownsGpu: boolean;
  #m: NativeTensor | Float32Array | undefined;
  #v: NativeTensor | Float32Array | undefined;
  #busy = false;

  protected constructor(kind: Kind, options: ServerOptimizerOptions, defaultEta: number) {
    if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object', options);
    const { length } = options;
    if (!(Number.isInteger(length) && length >= 0 && length <= MAX_TENSOR_LENGTH)) {
      throw invalidArgument('options.length', `an integer from 0 to ${MAX_TENSOR_LENGTH}`, length);
    }
    const num = (
      name: string,
      value: number | undefined,
      fallback: number,
      ok: (v: number) => boolean,
      rule: string,
    ) => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw invalidArgument(`options.${name}`, rule, v);
      return v;
    };
    this.#kind = kind;
    this.length = length;
    this.eta = num('eta', options.eta, defaultEta, (v) => v > 0, 'a finite number > 0');
    this.beta1 = num('beta1', options.beta1, 0.9, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    this.beta2 = num('beta2', options.beta2, 0.99, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    this.tau = num('tau', options.tau, 1e-3, (v) => v > 0, 'a finite number > 0');
    const backend = options.backend ?? (loadAddon().ok ? 'native' : 'js');
    if (backend !== 'native' && backend !== 'js' && backend !== 'webgpu') {
      throw invalidArgument('options.backend', "'native', 'js' or 'webgpu'", backend);
    }
    this.backend = backend;
    this.#gpu = backend === 'webgpu' ? options.gpu : undefined;
    this.#ownsGpu = backend === 'webgpu' && options.gpu === undefined;
    const alloc = () => (backend === 'native' ? createTensor(length) : new Float32Array(length));
    this.#m = alloc();
    this.#v = kind === 0 ? undefined : alloc();
  }

  get disposed(): boolean {
    return this.#m === undefined;
  }

  /** The first moment m (zero-copy view of the state). */
  get momentum(): Float32Array {
    return view(this.#state(this.#m));
  }

  /**
   * One server step in place: `global` ← global + η·m/(√v + τ) after updating the state with `delta` (Δ = aggregate −
   * global). `global` and `delta` are Float32Arrays of `length` that share no memory with each other or the state.
   */
  async step(global: Float32Array, delta: Float32Array): Promise<void> {
    const m = view(this.#state(this.#m));
    const v = this.#v === undefined ? null : view(this.#v);
    for (const [name, a] of [
      ['global', global],
      ['delta', delta],
    ] as const) {
      if (!(a instanceof Float32Array) || a.length !== this.length) {
        throw invalidArgument(name, `a Float32Array of length ${this.length}`, a);
      }
    }
    if (this.#busy)
      throw new CocogenError(
        'INVALID_ARGUMENT',
        'Expected one step() at a time but received a second before the first settled',
      );
    const params = { beta1: this.beta1, beta2: this.beta2, eta: this.eta, tau: this.tau };
    if (this.backend === 'js') {
      serverOptimizerStepReference(this.#kind, global, delta, m, v, params);
      return;
    }
    this.#busy = true;
    try {
      if (this.backend === 'webgpu') {
        const gpu = await this.#device();
        await gpu.serverOptimizerStep(this.#kind, global, delta, m, v, params);
        return;
      }
      await loadAddonOrThrow().serverOptimizerStep(
        this.#kind,
        global,
        delta,
        m,
        v,
        params.beta1,
        params.beta2,
        params.eta,
        params.tau,
      );
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

  /** Frees the state tensors. Idempotent; step() throws DISPOSED afterwards. */
  dispose(): void {
    if (this.#m === undefined) return;
    if (!(this.#m instanceof Float32Array)) this.#m.dispose();
    if (this.#v !== undefined && !(this.#v instanceof Float32Array)) this.#v.dispose();
    this.#m = undefined;
    this.#v = undefined;
    const gpu = this.#gpu;
    this.#gpu = undefined;
    if (this.#ownsGpu && gpu !== undefined) {
      void Promise.resolve(gpu).then(
        (g) => g.dispose(),
        () => {},
      );
    }
  }

  /** The WebGPU device: the one passed in options, else one created here on first use (and owned). */
  #device(): Promise<WebGpuBackend> {
    this.#gpu ??= import('./webgpu-backend.js').then(({ WebGpuBackend }) => WebGpuBackend.create());
    const gpu = this.#gpu;
    if (gpu instanceof Promise) gpu.catch(() => (this.#gpu === gpu ? (this.#gpu = undefined) : undefined));
    return Promise.resolve(gpu);
  }

  #state(s: NativeTensor | Float32Array | undefined): NativeTensor | Float32Array {
    if (s === undefined) throw new CocogenError('DISPOSED', `Cannot use ${this.constructor.name} after dispose()`);
    return s;
  }
}

function view(s: NativeTensor | Float32Array): Float32Array {
  return s instanceof Float32Array ? s : s.data;
}

function loadAddonOrThrow() {
  const load = loadAddon();
  if (!load.ok) throw new CocogenError('BACKEND_UNAVAILABLE', load.reason);
  return load.addon;
}

/**
 * FedAvgM: server momentum, m ← β1·m + Δ; x ← x + η·m.
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
 * FedAdam: m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; x ← x + η·m/(√v + τ).
 *
 * @example
 * const opt = new FedAdam({ length: global.length, eta: 0.01, tau: 1e-3 });
 * await opt.step(global, delta);
 * opt.dispose();
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
