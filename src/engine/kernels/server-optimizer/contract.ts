/**
 * The server-optimizer kernel's contract (Reddi et al. 2021; ../../server-optimizer.ts holds the optimizer classes
 * that keep its state): one step updates, in place and in float32,
 *   m ← β1·m + (1 − β1)·Δ   (FedAvgM: m ← β1·m + Δ)
 *   Adam: v ← β2·v + (1 − β2)·Δ²      Yogi: v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   x ← x + η·m / (√v + τ)   (FedAvgM: x ← x + η·m)
 * and the checks of its hyperparameters, step arguments and state (one message template, before any backend).
 */
import { invalidArgument, invalidArgumentText } from '../../../core/errors.js';
import { MAX_TENSOR_LENGTH } from '../../tensor.js';

/** 0: FedAvgM, 1: FedAdam, 2: FedYogi (the index the native and WebGPU kernels take). */
export type ServerOptimizerKind = 0 | 1 | 2;

export const SERVER_OPTIMIZER_NAMES = ['FedAvgM', 'FedAdam', 'FedYogi'] as const;

/** The step's hyperparameters (each rounded to float32 by the kernels). */
export interface ServerOptimizerParams {
  beta1: number;
  beta2: number;
  eta: number;
  tau: number;
}

/** What the constructor options give, checked: `length` and the hyperparameters with their defaults filled. */
export function validateServerOptimizerParams(
  options: { length: number; eta?: number; beta1?: number; beta2?: number; tau?: number },
  defaultEta: number,
): ServerOptimizerParams & { length: number } {
  const { length } = options;
  if (!(Number.isInteger(length) && length >= 0 && length <= MAX_TENSOR_LENGTH)) {
    throw invalidArgument('options.length', `an integer from 0 to ${MAX_TENSOR_LENGTH}`, length);
  }
  const num = (name: string, value: number | undefined, fallback: number, ok: (v: number) => boolean, rule: string) => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw invalidArgument(`options.${name}`, rule, v);
    return v;
  };
  return {
    length,
    eta: num('eta', options.eta, defaultEta, (v) => v > 0, 'a finite number > 0'),
    beta1: num('beta1', options.beta1, 0.9, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    beta2: num('beta2', options.beta2, 0.99, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    tau: num('tau', options.tau, 1e-3, (v) => v > 0, 'a finite number > 0'),
  };
}

/** A step's x (`global`) and Δ (`delta`): Float32Arrays of the optimizer's length. */
export function validateServerOptimizerStep(length: number, global: unknown, delta: unknown): void {
  for (const [name, a] of [
    ['global', global],
    ['delta', delta],
  ] as const) {
    if (!(a instanceof Float32Array) || a.length !== length) {
      throw invalidArgument(name, `a Float32Array of length ${length}`, a);
    }
  }
}

/** A state for writeState(): m of `length`; v of `length` with entries ≥ 0 for FedAdam / FedYogi, none for FedAvgM. */
export function validateServerOptimizerState(
  kind: ServerOptimizerKind,
  length: number,
  state: { m?: unknown; v?: unknown; steps?: unknown },
): { m: Float32Array; v: Float32Array | undefined; steps?: number } {
  if (state === null || typeof state !== 'object') throw invalidArgument('state', 'an object', state);
  const { m, v, steps } = state;
  const array = `a Float32Array of length ${length}`;
  if (!(m instanceof Float32Array) || m.length !== length) throw invalidArgument('state.m', array, m);
  if (kind === 0) {
    if (v !== undefined) throw invalidArgument('state.v', 'undefined (FedAvgM keeps no second moment)', v);
  } else {
    if (!(v instanceof Float32Array) || v.length !== length) {
      throw invalidArgument('state.v', `${array} (${SERVER_OPTIMIZER_NAMES[kind]} needs its second moment)`, v);
    }
    for (let i = 0; i < v.length; i++) {
      // v ≥ 0 always holds for Adam and Yogi; a negative (or NaN) entry would make √v NaN.
      if (!(v[i]! >= 0)) throw invalidArgumentText('state.v', 'entries ≥ 0', `${v[i]} at index ${i}`);
    }
  }
  if (steps !== undefined && !(Number.isSafeInteger(steps) && (steps as number) >= 0)) {
    throw invalidArgument('state.steps', 'undefined or an integer ≥ 0', steps);
  }
  return {
    m,
    v: kind === 0 ? undefined : (v as Float32Array),
    ...(steps !== undefined ? { steps: steps as number } : {}),
  };
}
