import { expect } from 'vitest';

export interface Tolerance {
  /** relative tolerance against |expected| */
  rtol?: number;
  /** absolute tolerance: one number, or one per element (e.g. scaled by Σ|terms| where terms cancel) */
  atol?: number | ArrayLike<number>;
}

/**
 * The one comparison every backend's results go through (STYLE.md): |a − e| ≤ atol + rtol·|e| per element,
 * and non-finite values must match exactly in kind (NaN where NaN, +Inf where +Inf). Reports the worst element.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}): void {
  const rtol = tol.rtol ?? 1e-6;
  expect(actual.length, 'length').toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
      throw new Error(`element ${i}: expected ${e} but received ${a}`);
    }
    const atol = tol.atol === undefined ? 0 : typeof tol.atol === 'number' ? tol.atol : tol.atol[i]!;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    const a = actual[worst]!;
    const e = expected[worst]!;
    throw new Error(
      `element ${worst}: expected ${e} but received ${a} (|diff| ${Math.abs(a - e)}, relative ${Math.abs(a - e) / Math.abs(e)}, rtol ${rtol})`,
    );
  }
}
