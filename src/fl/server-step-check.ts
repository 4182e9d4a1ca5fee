/**
 * The FedAvg server step as a check of a backend (docs/aggregation.md): organizations send noisy updates around a
 * common direction, as clients of one model do, weighted by the data they trained on; a backend's weighted mean is
 * timed and compared with the exact one in float64. What `cocogen demo` runs on every backend.
 */
import type { Engine } from '../engine/engine.js';
import type { BackendName } from '../engine/backend.js';
import { invalidArgument } from '../core/errors.js';
import { Random } from '../util/random.js';

/** The inputs of the check and its exact answer. */
export interface ServerStepCase {
  updates: Float32Array[];
  /** FedAvg weights (samples per organization). */
  weights: number[];
  /** The exact weighted mean, in float64. */
  reference: Float64Array;
  /** Per element Σ_k |w_k u_k|: the scale that cancellation in the mean is measured against. */
  magnitude: Float64Array;
}

export interface ServerStepCheck {
  backend: BackendName;
  /** One timed aggregate, after a warm-up one. */
  milliseconds: number;
  /** The updates read and the result written, per second. */
  gbPerSecond: number;
  /** max_i |result_i − exact_i| / max(|exact_i|, 1e-3·magnitude_i). */
  maxRelativeError: number;
}

/**
 * Updates of `parameters` floats for organizations weighted by `weights`: a common N(0, 0.01²) direction plus
 * N(0, 0.005²) noise each, drawn from `seed`.
 *
 * @example const c = serverStepCase([1200, 800, 400], 203_530, 1);
 */
export function serverStepCase(weights: readonly number[], parameters: number, seed: number): ServerStepCase {
  if (!(Array.isArray(weights) && weights.length > 0 && weights.every((w) => Number.isFinite(w) && w >= 0)))
    throw invalidArgument('weights', 'a non-empty array of finite numbers ≥ 0', weights);
  if (!(Number.isSafeInteger(parameters) && parameters >= 1))
    throw invalidArgument('parameters', 'an integer ≥ 1', parameters);
  const rng = new Random(seed);
  const common = rng.fillNormal(new Float32Array(parameters), 0, 0.01);
  const updates = weights.map(() => {
    const u = rng.fillNormal(new Float32Array(parameters), 0, 0.005);
    for (let i = 0; i < u.length; i++) u[i]! += common[i]!;
    return u;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const reference = new Float64Array(parameters);
  const magnitude = new Float64Array(parameters);
  updates.forEach((u, k) => {
    const w = weights[k]! / total;
    for (let i = 0; i < u.length; i++) {
      reference[i]! += w * u[i]!;
      magnitude[i]! += Math.abs(w * u[i]!);
    }
  });
  return { updates, weights: weights.slice(), reference, magnitude };
}

/**
 * Times `engine`'s FedAvg of the case (a warm-up run first: pipelines, pages) and measures its error against the
 * exact mean, relative to max(|exact|, 1e-3·Σ_k |w_k u_k|) so that cancellation does not inflate it.
 *
 * @example const { maxRelativeError } = await checkServerStep(engine, serverStepCase(weights, 1000, 1));
 */
export async function checkServerStep(engine: Engine, c: ServerStepCase): Promise<ServerStepCheck> {
  await engine.aggregate(c.updates, { rule: 'fedavg', weights: c.weights });
  const t0 = performance.now();
  const result = await engine.aggregate(c.updates, { rule: 'fedavg', weights: c.weights });
  const ms = performance.now() - t0;
  let maxRel = 0;
  for (let i = 0; i < result.length; i++) {
    const e =
      Math.abs(result[i]! - c.reference[i]!) / Math.max(Math.abs(c.reference[i]!), 1e-3 * c.magnitude[i]!, 1e-30);
    if (e > maxRel) maxRel = e;
  }
  return {
    backend: engine.backend,
    milliseconds: ms,
    gbPerSecond: ((c.updates.length + 1) * c.reference.length * 4) / (ms * 1e6),
    maxRelativeError: maxRel,
  };
}
