/**
 * ServerOptimizerProgram: kernels/server-optimizer.wgsl declared as data — FedAvgM / FedAdam / FedYogi in one
 * pipeline (the kind travels in the uniforms), the chunk width that keeps every binding within the device limit,
 * and the per-dispatch uniforms.
 */
import { WGSL } from '../../../bindings/wgsl.generated.js';
import { dispatch1d, packUniforms, type DispatchSize } from './dispatch.js';
import type { GpuProgram } from './program.js';

export const DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE = 256;

/** 0 FedAvgM, 1 FedAdam, 2 FedYogi (as native/optimizer.h). */
export type ServerOptimizerKind = 0 | 1 | 2;

export interface ServerOptimizerParams {
  beta1: number;
  beta2: number;
  eta: number;
  tau: number;
}

export class ServerOptimizerProgram implements GpuProgram {
  readonly name = 'server-optimizer';
  readonly cacheKey: string;
  readonly shaderSource = WGSL['server-optimizer'];
  readonly entryPoint = 'main';
  readonly constants: Readonly<Record<string, number>>;
  readonly workgroupSize: number;

  constructor(options: { workgroupSize?: number } = {}) {
    this.workgroupSize = options.workgroupSize ?? DEFAULT_SERVER_OPTIMIZER_WORKGROUP_SIZE;
    this.constants = { WORKGROUP_SIZE: this.workgroupSize };
    this.cacheKey = `${this.name};builtin;wg=${this.workgroupSize}`;
  }

  dispatch(count: number, maxPerDimension: number): DispatchSize {
    return dispatch1d(count, this.workgroupSize, maxPerDimension);
  }

  /** Params { count, kind, β1, β2, η, τ, f32(1 − β1), f32(1 − β2) } for one dispatch (32 bytes). */
  uniforms(count: number, kind: ServerOptimizerKind, p: ServerOptimizerParams): ArrayBuffer {
    const f = Math.fround;
    return packUniforms([
      { name: 'count', type: 'u32', value: count },
      { name: 'kind', type: 'u32', value: kind },
      { name: 'beta1', type: 'f32', value: p.beta1 },
      { name: 'beta2', type: 'f32', value: p.beta2 },
      { name: 'eta', type: 'f32', value: p.eta },
      { name: 'tau', type: 'f32', value: p.tau },
      { name: 'oneMinusBeta1', type: 'f32', value: f(1 - f(p.beta1)) },
      { name: 'oneMinusBeta2', type: 'f32', value: f(1 - f(p.beta2)) },
    ]);
  }
}

/**
 * Elements per chunk: every binding (Δ, x, m, v) holds chunk·4 bytes ≤ limitBytes, and one dispatch covers the chunk
 * within maxPerDimension² workgroups.
 */
export function planServerOptimizerChunk(
  p: number,
  limitBytes: number,
  maxPerDimension: number,
  workgroupSize: number,
): number {
  return Math.max(1, Math.min(p, Math.floor(limitBytes / 4), maxPerDimension * maxPerDimension * workgroupSize));
}
