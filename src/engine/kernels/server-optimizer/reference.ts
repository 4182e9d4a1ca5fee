/** The plain-TS reference of the server-optimizer step (contract.ts states it). */
import type { ServerOptimizerKind, ServerOptimizerParams } from './contract.js';

/** The plain-TS reference of one step, in float32 arithmetic order as the native kernel (Math.fround per op). */
export function serverOptimizerStepReference(
  kind: ServerOptimizerKind,
  x: Float32Array,
  delta: Float32Array,
  m: Float32Array,
  v: Float32Array | null,
  params: ServerOptimizerParams,
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
