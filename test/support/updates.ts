/** Seeded model updates and the bit-exact comparison that the robust-rule and squared-norm tables share. */
import { expect } from 'vitest';
import { Random } from '../../src/util/random.js';

/** K updates of P normal values (mean, sd), from one seed. */
export function randomUpdates(seed: number, k: number, p: number, mean = 0, sd = 1): Float32Array[] {
  const rng = new Random(seed);
  return Array.from({ length: k }, () => rng.fillNormal(new Float32Array(p), mean, sd));
}

/** Equal bit patterns (any NaN equals any NaN), naming the first element that differs and telling −0 from +0. */
export function expectBitExact(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      throw new Error(
        `element ${i}: expected ${Object.is(expected[i], -0) ? '-0' : expected[i]} but received ${
          Object.is(actual[i], -0) ? '-0' : actual[i]
        }`,
      );
    }
  }
}
