/** readSum: the read-bandwidth probe, Σ x[i] over float32 (exact for small integers). */
import { describe, expect, it } from 'vitest';
import { addon, expectCocogenError, native } from './native-addon.js';

describe.skipIf(!addon)('native readSum', () => {
  // Lengths around every vector width and unroll (16-lane AVX-512 × 4, 8-lane AVX2 × 4) and their tails.
  for (const n of [0, 1, 15, 17, 63, 65, 1037, 100_003]) {
    it(`sums n = ${n} small integers exactly`, async () => {
      const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3 + (i % 2));
      let expected = 0;
      for (const v of x) expected += v;
      await expect(native().readSum(x)).resolves.toBe(expected);
    });
  }

  it('reads an unaligned view and its whole length only', async () => {
    const buffer = new Float32Array(1003).fill(1000);
    const view = new Float32Array(buffer.buffer, 4, 1001);
    view.fill(1);
    buffer[0] = 5e6;
    buffer[1002] = 5e6;
    await expect(native().readSum(view)).resolves.toBe(1001);
  });

  it('gives the same integer sum on 1 and 2 threads', async () => {
    const x = Float32Array.from({ length: 200_001 }, (_, i) => i % 5);
    const threads = native().buildInfo().threads;
    native().setThreads(1);
    const one = await native().readSum(x);
    native().setThreads(2);
    const two = await native().readSum(x);
    native().setThreads(threads);
    expect(one).toBe(400_000);
    expect(two).toBe(one);
  });

  it('checks its argument', async () => {
    await expectCocogenError(
      () => native().readSum([1, 2] as never),
      'INVALID_ARGUMENT',
      /^Expected a Float32Array for x but received an array of length 2$/,
    );
    await expectCocogenError(
      () => native().readSum(new Float64Array(2) as never),
      'INVALID_ARGUMENT',
      /for x but received a Float64Array of length 2$/,
    );
  });
});
