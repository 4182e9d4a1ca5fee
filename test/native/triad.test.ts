/** triad: the STREAM bandwidth probe, a[i] = b[i] + scalar·c[i] over float32. */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../support/expect-close.js';
import { addon, expectCocogenError, native, seeded } from './native-addon.js';

function triadReference(b: Float32Array, c: Float32Array, scalar: number): Float64Array {
  const s = Math.fround(scalar);
  return Float64Array.from(b, (v, i) => v + s * c[i]!);
}

describe.skipIf(!addon)('native triad', () => {
  for (const n of [0, 1, 15, 17, 1037, 100_003]) {
    it(`computes b + scalar·c for n = ${n}`, async () => {
      const b = seeded(n + 1, n);
      const c = seeded(n + 2, n);
      const a = new Float32Array(n);
      await expect(native().triad(a, b, c, 3)).resolves.toBeUndefined();
      // The vector kernels fuse the multiply-add (one rounding), so compare with the exact value, not fround steps.
      expectClose(a, triadReference(b, c, 3), { rtol: 1e-6, atol: 1e-7 });
    });
  }

  it('handles unaligned views and in-place use (a === b)', async () => {
    const n = 1001;
    const b = new Float32Array(new ArrayBuffer(4 * (n + 1)), 4, n);
    b.set(seeded(3, n));
    const c = seeded(4, n);
    const expected = triadReference(b, c, -0.5);
    await native().triad(b, b, c, -0.5);
    expectClose(b, expected, { rtol: 1e-6, atol: 1e-7 });
  });

  it('gives the same bits with 1 and with 2 threads', async () => {
    const n = 50_001;
    const b = seeded(5, n);
    const c = seeded(6, n);
    const threads = native().buildInfo().threads;
    const one = new Float32Array(n);
    const two = new Float32Array(n);
    native().setThreads(1);
    await native().triad(one, b, c, 1.25);
    native().setThreads(2);
    await native().triad(two, b, c, 1.25);
    native().setThreads(threads);
    expect(Buffer.from(one.buffer).equals(Buffer.from(two.buffer))).toBe(true);
  });

  it('checks its arguments', async () => {
    const f = (n: number) => new Float32Array(n);
    await expectCocogenError(
      () => native().triad([] as never, f(2), f(2), 1),
      'INVALID_ARGUMENT',
      /^Expected a Float32Array for a but received an array of length 0$/,
    );
    await expectCocogenError(
      () => native().triad(f(2), f(2), new Uint8Array(2) as never, 1),
      'INVALID_ARGUMENT',
      /for c but received a Uint8Array of length 2$/,
    );
    await expectCocogenError(
      () => native().triad(f(2), f(3), f(2), 1),
      'INVALID_ARGUMENT',
      /^Expected a Float32Array of length 2 \(the length of a\) for b but received a Float32Array of length 3$/,
    );
    await expectCocogenError(
      () => native().triad(f(2), f(2), f(2), '1' as never),
      'INVALID_ARGUMENT',
      /^Expected a number for scalar but received "1"$/,
    );
  });
});
