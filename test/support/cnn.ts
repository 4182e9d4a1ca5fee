/** Small CNN training problems shared by the unit (js, native) and WebGPU tiers. */
import type { LabeledSamples } from '../../src/fl/samples.js';
import { Random } from '../../src/util/random.js';

/**
 * n seeded 8×8 images in 3 classes: class k lights the k-th third of the rows, plus noise.
 */
export function cnnBlobs(n: number, seed: number): LabeledSamples {
  const rng = new Random(seed);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 3);
  const x = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 64; p++) {
      const row = Math.floor(p / 8);
      x[i * 64 + p] = (Math.floor(row / 3) === y[i]! ? 1 : 0) + 0.3 * rng.normal();
    }
  }
  return { x, y };
}

/**
 * A few float32 SGD steps on native or WebGPU against the float64-accumulating reference: each kernel is within its
 * contract's bound (≈ L·2^-24 relative with L ≤ 800 products), and six momentum steps carry those differences
 * forward; 1e-4 relative plus 1e-5 absolute is well above that and far below any change a wrong kernel makes.
 */
export const CNN_TOLERANCE = { rtol: 1e-4, atol: 1e-5 } as const;
