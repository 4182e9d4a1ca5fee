/**
 * The one table of robust-rule cases (median, trimmed mean, Krum / multi-Krum, norm clipping; the squared norms that
 * clipping uses have their own table, squared-norms.cases.ts) that every backend runs: the JS reference, the native addon and WebGPU each pass exactly these,
 * against expectations computed here.
 *
 * Tolerances: the median (and Krum's result, one clipped update) bit for bit; the trimmed mean and multi-Krum's
 * average within 1e-6 relative, cancellation measured against the mean of |terms|; Krum's selection exactly; the
 * clip scales f32(c/‖u‖) bit for bit.
 */
import { describe, expect, it } from 'vitest';
import type { Engine, EngineOptions } from '../../src/engine/engine.js';
import type { AggregateOptions } from '../../src/engine/validate-aggregate.js';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import { engineCache } from '../support/engine-cache.js';
import { expectBitExact, randomUpdates } from '../support/updates.js';
import { KRUM_CASES } from './krum.cases.js';
import { expectClose } from '../support/expect-close.js';

export interface RobustInput {
  updates: Float32Array[];
  options: Record<string, unknown> & { rule: string };
}

export interface RobustCase {
  name: string;
  /** Extra engine options (e.g. a tiny WebGPU chunk to force streaming); cases sharing them share an engine. */
  engine?: Omit<EngineOptions, 'backend'>;
  make(): RobustInput;
  /** For Krum cases: indices that must not be selected (planted outliers). */
  outliers?: number[];
  /**
   * Trimmed mean: a tighter bound than the table's 1e-6, as `rtol` of the value plus `atol` × the mean of the kept
   * |values| (the float64-grade claim of every backend, checked where cancellation would expose an f32 sum).
   */
  tolerance?: { rtol: number; atol: number };
  /** Omitted: compare with the expectation. Otherwise: the error code and a regexp over its message. */
  error?: { code: string; message: RegExp };
}

/** Small integers (many ties), with both signs of zero. */
function tiedUpdates(seed: number, k: number, p: number): Float32Array[] {
  const rng = new Random(seed);
  return Array.from({ length: k }, () =>
    Float32Array.from({ length: p }, () => {
      const v = Math.floor(rng.next() * 5) - 2;
      return v === 0 && rng.next() < 0.5 ? -0 : v;
    }),
  );
}

// --- expectations ---------------------------------------------------------------------------------------------------

function expectedScales(updates: Float32Array[], clip: number | undefined): Float32Array | undefined {
  if (clip === undefined) return undefined;
  return Float32Array.from(updates, (u) => {
    let sq = 0;
    for (const v of u) sq += v * v;
    const norm = Math.sqrt(sq);
    return Number.isFinite(norm) && norm > clip ? clip / norm : 1;
  });
}

/** Column i of the (clipped) updates as float32 values: f32(s·u). */
function column(updates: Float32Array[], scales: Float32Array | undefined, i: number): Float32Array {
  return Float32Array.from(updates, (u, k) => (scales ? Math.fround(scales[k]! * u[i]!) : u[i]!));
}

function sortedColumns(updates: Float32Array[], scales: Float32Array | undefined, each: (c: Float32Array) => number) {
  const p = updates[0]!.length;
  return Float64Array.from({ length: p }, (_, i) => {
    const c = column(updates, scales, i);
    return c.some(Number.isNaN) ? NaN : each(c.sort());
  });
}

function expectedMedian(updates: Float32Array[], scales: Float32Array | undefined): Float32Array {
  const k = updates.length;
  return Float32Array.from(
    sortedColumns(updates, scales, (c) => (k % 2 ? c[(k - 1) / 2]! : (c[k / 2 - 1]! + c[k / 2]!) / 2)),
  );
}

function expectedTrimmedMean(updates: Float32Array[], trim: number, scales: Float32Array | undefined) {
  const k = updates.length;
  const t = Math.floor(trim * k);
  const slice = (c: Float32Array) => Array.from(c.subarray(t, k - t));
  return {
    value: sortedColumns(updates, scales, (c) => slice(c).reduce((a, b) => a + b, 0) / (k - 2 * t)),
    scale: sortedColumns(updates, scales, (c) => slice(c).reduce((a, b) => a + Math.abs(b), 0) / (k - 2 * t)),
  };
}

/** Krum scores from direct float64 distances between the clipped updates (independent of the engine's Gram). */
function expectedKrum(updates: Float32Array[], f: number, m: number, scales: Float32Array | undefined): number[] {
  const k = updates.length;
  const x = updates.map((u, j) => Float64Array.from(u, (v) => (scales ? scales[j]! * v : v)));
  const scores = x.map((a, i) => {
    const d = x.filter((_, j) => j !== i).map((b) => a.reduce((s, v, t) => s + (v - b[t]!) ** 2, 0));
    d.sort((p, q) => (Number.isNaN(p) ? 1 : Number.isNaN(q) ? -1 : p - q));
    const s = d.slice(0, k - f - 2).reduce((p, q) => p + q, 0);
    return Number.isFinite(s) ? s : Infinity;
  });
  return scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, m)
    .map(([, i]) => i);
}

function weightedAverage(updates: Float32Array[], idx: number[], w: number[], scales: Float32Array | undefined) {
  const p = updates[0]!.length;
  const total = idx.reduce((s, i) => s + w[i]!, 0);
  const value = new Float64Array(p);
  const scale = new Float64Array(p);
  for (const j of idx) {
    const c = (w[j]! / total) * (scales ? scales[j]! : 1);
    for (let i = 0; i < p; i++) {
      value[i]! += c * updates[j]![i]!;
      scale[i]! += Math.abs(c * updates[j]![i]!);
    }
  }
  return { value, scale };
}

// --- the table ------------------------------------------------------------------------------------------------------

const TINY_CHUNK = { maxChunkBytes: 4096 };
const invalid = (message: RegExp) => ({ code: 'INVALID_ARGUMENT', message });

export const ROBUST_RULE_CASES: RobustCase[] = [
  // median
  { name: 'median: K = 1, P = 1', make: () => ({ updates: [new Float32Array([-2.5])], options: { rule: 'median' } }) },
  {
    name: 'median: K = 2 (mean of the two)',
    make: () => ({ updates: randomUpdates(1, 2, 33), options: { rule: 'median' } }),
  },
  {
    name: 'median: odd K = 5, P = 1037 (not a multiple of the workgroup size)',
    make: () => ({ updates: randomUpdates(2, 5, 1037), options: { rule: 'median' } }),
  },
  {
    name: 'median: even K = 8, P = 1037',
    make: () => ({ updates: randomUpdates(3, 8, 1037), options: { rule: 'median' } }),
  },
  {
    name: 'median: K = 64, P = 515',
    make: () => ({ updates: randomUpdates(4, 64, 515), options: { rule: 'median' } }),
  },
  {
    name: 'median: K = 130, P = 70 (above the native network and WebGPU private-sort limits: the wide kernel)',
    make: () => ({ updates: randomUpdates(12, 130, 70), options: { rule: 'median' } }),
  },
  {
    name: 'trimmed-mean: K = 129, P = 45, trim 0.3 (above both limits: the wide kernel on WebGPU)',
    make: () => ({ updates: randomUpdates(13, 129, 45), options: { rule: 'trimmed-mean', trim: 0.3 } }),
  },
  // K above 128: WebGPU's wide kernels (one workgroup per coordinate) up to 4096, the reference above
  {
    name: 'median: odd K = 257, P = 33',
    make: () => ({ updates: randomUpdates(14, 257, 33), options: { rule: 'median' } }),
  },
  {
    name: 'median: even K = 1000, P = 64, ties and signed zeros',
    make: () => ({ updates: tiedUpdates(15, 1000, 64), options: { rule: 'median' } }),
  },
  {
    name: 'median: even K = 1000, P = 40',
    make: () => ({ updates: randomUpdates(16, 1000, 40), options: { rule: 'median' } }),
  },
  {
    name: 'trimmed-mean: K = 600, P = 50, trim 0.2',
    make: () => ({ updates: randomUpdates(17, 600, 50), options: { rule: 'trimmed-mean', trim: 0.2 } }),
  },
  {
    name: 'median: K = 4096, P = 5 (the largest wide K)',
    make: () => ({ updates: randomUpdates(18, 4096, 5), options: { rule: 'median' } }),
  },
  {
    name: 'trimmed-mean: K = 4096, P = 3, trim 0.1, ties',
    make: () => ({ updates: tiedUpdates(19, 4096, 3), options: { rule: 'trimmed-mean', trim: 0.1 } }),
  },
  {
    name: 'median: K = 4097, P = 4 (the WebGPU reference fallback)',
    make: () => ({ updates: randomUpdates(40, 4097, 4), options: { rule: 'median' } }),
  },
  {
    name: 'median: K = 257 streamed in chunks of 3 coordinates',
    engine: TINY_CHUNK,
    make: () => ({ updates: randomUpdates(41, 257, 20), options: { rule: 'median' } }),
  },
  {
    name: 'median: K = 300, NaN (either sign) propagates at its coordinate, ±Infinity is ordered',
    make: () => {
      const u = randomUpdates(42, 300, 24);
      u[17]![3] = NaN;
      new Uint32Array(u[250]!.buffer)[5] = 0xffc00000;
      u[299]![6] = NaN;
      u[0]![6] = -Infinity;
      for (let j = 0; j < 160; j++) u[j]![7] = Infinity;
      u[5]![9] = -Infinity;
      return { updates: u, options: { rule: 'median', nonFinite: 'propagate' } };
    },
  },
  {
    name: 'trimmed-mean: K = 200, Infinity is an error by default even when trimmed away',
    make: () => {
      const u = randomUpdates(43, 200, 30);
      u[123]![17] = Infinity;
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.1 } };
    },
    error: invalid(/finite values for updates\[123\] but received Infinity at index 17/),
  },
  {
    name: 'median with clipping, K = 301: large updates and a zero update',
    make: () => {
      const u = randomUpdates(44, 301, 40);
      for (const j of [3, 77, 150, 151, 152]) u[j]!.forEach((v, i) => (u[j]![i] = v * 1000));
      u[200]!.fill(0);
      return { updates: u, options: { rule: 'median', clip: 5 } };
    },
  },
  {
    name: 'trimmed-mean with clipping, K = 400, trim 0.25',
    make: () => {
      const u = randomUpdates(45, 400, 30);
      for (let j = 0; j < 400; j += 7) u[j]!.forEach((v, i) => (u[j]![i] = v * 100));
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.25, clip: 3 } };
    },
  },
  {
    name: 'median: K = 33, P = 1 (one coordinate)',
    make: () => ({ updates: randomUpdates(5, 33, 1), options: { rule: 'median' } }),
  },
  {
    name: 'median: ties and signed zeros, K = 7',
    make: () => ({ updates: tiedUpdates(6, 7, 700), options: { rule: 'median' } }),
  },
  {
    name: 'median: ties and signed zeros, K = 8 (−0 + −0 = −0, −0 + +0 = +0)',
    make: () => ({ updates: tiedUpdates(7, 8, 700), options: { rule: 'median' } }),
  },
  {
    name: 'median: even K near the float32 range ((a + b) / 2 must not overflow) and subnormals',
    make: () => ({
      updates: [
        new Float32Array([3.4e38, -3.4e38, 1e-45, 3e-45, -1e-45, 1]),
        new Float32Array([3.3e38, -3.3e38, 0, 1e-45, 1e-45, 1 + 2 ** -23]),
      ],
      options: { rule: 'median' },
    }),
  },
  {
    name: 'median: streamed in many chunks',
    engine: TINY_CHUNK,
    make: () => ({ updates: randomUpdates(8, 6, 10_001), options: { rule: 'median' } }),
  },
  {
    name: 'median: NaN propagates at its coordinate, ±Infinity is ordered',
    make: () => {
      const u = randomUpdates(9, 5, 40);
      u[1]![3] = NaN;
      u[2]![7] = Infinity;
      u[4]![7] = -Infinity;
      u[0]![9] = Infinity;
      return { updates: u, options: { rule: 'median', nonFinite: 'propagate' } };
    },
  },
  {
    name: 'median: Infinity is an error by default even when the median hides it',
    make: () => {
      const u = randomUpdates(10, 5, 40);
      u[3]![11] = -Infinity;
      return { updates: u, options: { rule: 'median' } };
    },
    error: invalid(/finite values for updates\[3\] but received -Infinity at index 11/),
  },
  {
    name: 'median with clipping: a large update and a zero update',
    make: () => {
      const u = randomUpdates(11, 4, 300);
      u[1]!.forEach((v, i) => (u[1]![i] = v * 1000));
      u[2]!.fill(0);
      return { updates: u, options: { rule: 'median', clip: 5 } };
    },
  },
  // trimmed mean
  {
    name: 'trimmed-mean: trim 0 is the mean, K = 5',
    make: () => ({ updates: randomUpdates(20, 5, 1037), options: { rule: 'trimmed-mean', trim: 0 } }),
  },
  {
    name: 'trimmed-mean: default trim 0.1, K = 10',
    make: () => ({ updates: randomUpdates(21, 10, 1037), options: { rule: 'trimmed-mean' } }),
  },
  {
    name: 'trimmed-mean: largest trim for odd K (0.5, K = 7: the median)',
    make: () => ({ updates: randomUpdates(22, 7, 257), options: { rule: 'trimmed-mean', trim: 0.5 } }),
  },
  {
    name: 'trimmed-mean: largest trim for even K (K = 8, ⌊0.49·8⌋ = 3 per end)',
    make: () => ({ updates: randomUpdates(23, 8, 257), options: { rule: 'trimmed-mean', trim: 0.49 } }),
  },
  {
    // Column i: four values a_i + r and four −a_i + r (a_i ≈ 2^20, r in [0, 1)); trimming one from each end keeps
    // three of each, whose sum cancels to ~1. Added in ascending order in f32, the partial sums near 2^21 each lose
    // up to 2^-3, far beyond the tolerance below; a float64-grade sum loses nothing the rounded mean can show.
    name: 'trimmed-mean: heavy cancellation is float64-grade (K = 8, trim 0.125)',
    make: () => {
      const rng = new Random(29);
      const updates = Array.from({ length: 8 }, () => new Float32Array(4096));
      for (let i = 0; i < 4096; i++) {
        const a = (1 + rng.next()) * 2 ** 20;
        updates.forEach((u, j) => (u[i] = (j % 2 ? a : -a) + rng.next()));
      }
      return { updates, options: { rule: 'trimmed-mean', trim: 0.125 } };
    },
    tolerance: { rtol: 2 ** -23, atol: 2 ** -40 },
  },
  {
    // The same on WebGPU's wide kernel, with n = 4094 kept values: pairs ±a + r (r in [0, 1)), each pair its own
    // a = (1 + u)·2^e, e uniform in 0…20, so the values carry bits far below the ulp of the partial sums (up to ~2^28), and
    // a two-sum whose error term is a plain f32 sum loses ~n·2^-49 of mean |values| (measured: 3× this tolerance).
    name: 'trimmed-mean: heavy cancellation is float64-grade on the wide kernel (K = 4096, P = 32, trim 1/4096)',
    make: () => {
      const rng = new Random(34);
      const updates = Array.from({ length: 4096 }, () => new Float32Array(32));
      for (let i = 0; i < 32; i++) {
        for (let j = 0; j < 4096; j += 2) {
          const a = (1 + rng.next()) * 2 ** Math.floor(21 * rng.next());
          updates[j]![i] = -a + rng.next();
          updates[j + 1]![i] = a + rng.next();
        }
      }
      return { updates, options: { rule: 'trimmed-mean', trim: 1 / 4096 } };
    },
    tolerance: { rtol: 2 ** -23, atol: 2 ** -40 },
  },
  {
    name: 'trimmed-mean: K = 1, P = 1',
    make: () => ({ updates: [new Float32Array([7.75])], options: { rule: 'trimmed-mean', trim: 0.5 } }),
  },
  {
    name: 'trimmed-mean: K = 64, trim 0.25, ties',
    make: () => ({ updates: tiedUpdates(24, 64, 300), options: { rule: 'trimmed-mean', trim: 0.25 } }),
  },
  {
    name: 'trimmed-mean: outliers trimmed away, streamed in chunks',
    engine: TINY_CHUNK,
    make: () => {
      const u = randomUpdates(25, 9, 5000);
      u[0]!.fill(1e30);
      u[8]!.fill(-1e30);
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.12 } };
    },
  },
  {
    name: 'trimmed-mean: NaN propagates at its coordinate',
    make: () => {
      const u = randomUpdates(26, 6, 50);
      u[5]![20] = NaN;
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.2, nonFinite: 'propagate' } };
    },
  },
  {
    name: 'trimmed-mean with clipping',
    make: () => {
      const u = randomUpdates(27, 6, 200);
      u[0]!.forEach((v, i) => (u[0]![i] = v * 100));
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.2, clip: 3 } };
    },
  },
  // clipping with fedavg
  {
    name: 'fedavg with clipping: large, small and zero-norm updates',
    make: () => {
      const u = randomUpdates(40, 4, 1037);
      u[0]!.forEach((v, i) => (u[0]![i] = v * 1e6));
      u[3]!.fill(0);
      return { updates: u, options: { rule: 'fedavg', clip: 10, weights: [1, 2, 3, 4] } };
    },
  },
  // clipping at the edges of the squared-norm kernels (WebGPU: kernels/squared-norms.wgsl)
  {
    name: 'median with clipping: norms near 1e30 and 1e-30 (squares beyond float32), clip between them',
    make: () => {
      const u = randomUpdates(41, 5, 700);
      u[0]!.forEach((v, i) => (u[0]![i] = v * 1e30));
      u[1]!.forEach((v, i) => (u[1]![i] = v * 1e-30));
      u[3]!.forEach((v, i) => (u[3]![i] = v * -3e37));
      return { updates: u, options: { rule: 'median', clip: 2 } };
    },
  },
  {
    name: 'trimmed-mean with clipping: a clip of 1e-31 scales even the 1e-30 update',
    make: () => {
      const u = randomUpdates(42, 5, 333);
      u.forEach((row, k) => row.forEach((v, i) => (row[i] = v * 10 ** (15 * k - 30))));
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.2, clip: 1e-31 } };
    },
  },
  {
    name: 'fedavg with clipping: huge and tiny values mixed in one update, P = 4097 (one past a workgroup span)',
    make: () => {
      const u = randomUpdates(43, 3, 4097);
      u[0]!.forEach((v, i) => (u[0]![i] = v * (i % 3 === 0 ? 1e30 : i % 3 === 1 ? 1e-30 : 1)));
      u[1]!.forEach((v, i) => (u[1]![i] = v * (i < 2048 ? 1e-35 : 1e25)));
      return { updates: u, options: { rule: 'fedavg', clip: 1e3 } };
    },
  },
  {
    name: 'median with clipping: P = 1',
    make: () => ({
      updates: [new Float32Array([-4e20]), new Float32Array([3e-21]), new Float32Array([0.5])],
      options: { rule: 'median', clip: 1 },
    }),
  },
  {
    name: 'trimmed-mean with clipping, streamed in many chunks',
    engine: TINY_CHUNK,
    make: () => {
      const u = randomUpdates(44, 6, 10_001);
      u[2]!.forEach((v, i) => (u[2]![i] = v * 1e20));
      return { updates: u, options: { rule: 'trimmed-mean', trim: 0.2, clip: 50 } };
    },
  },
  {
    name: 'median with clipping: a NaN is an error naming its update',
    make: () => {
      const u = randomUpdates(45, 5, 300);
      u[2]![123] = NaN;
      return { updates: u, options: { rule: 'median', clip: 3 } };
    },
    error: invalid(/finite values for updates\[2\] but received NaN at index 123/),
  },
  {
    name: 'fedavg with clipping: -Infinity is an error naming its update',
    make: () => {
      const u = randomUpdates(46, 4, 5000);
      u[3]![4500] = -Infinity;
      return { updates: u, options: { rule: 'fedavg', clip: 3 } };
    },
    error: invalid(/finite values for updates\[3\] but received -Infinity at index 4500/),
  },
  {
    name: 'median with clipping, propagate: a NaN update and an Infinity update keep scale 1',
    make: () => {
      const u = randomUpdates(47, 5, 5000);
      u[0]!.forEach((v, i) => (u[0]![i] = v * 100));
      u[1]![4999] = NaN;
      u[3]![0] = Infinity;
      u[4]![17] = -Infinity;
      return { updates: u, options: { rule: 'median', clip: 3, nonFinite: 'propagate' } };
    },
  },
  // argument errors
  {
    name: 'trim too large for K (0.5 with K = 4)',
    make: () => ({ updates: randomUpdates(50, 4, 8), options: { rule: 'trimmed-mean', trim: 0.5 } }),
    error: invalid(/leaves at least one of the 4 updates for rule 'trimmed-mean'.* for options\.trim/),
  },
  {
    name: 'trim out of range',
    make: () => ({ updates: randomUpdates(51, 4, 8), options: { rule: 'trimmed-mean', trim: 0.6 } }),
    error: invalid(/a number in \[0, 0\.5\] for options\.trim but received 0\.6/),
  },
  {
    name: 'K too small for Krum f (K = 4, f = 1)',
    make: () => ({ updates: randomUpdates(52, 4, 8), options: { rule: 'krum', f: 1 } }),
    error: invalid(
      /K ≥ 2f \+ 3 updates for rule 'krum' with f = 1 \(at least 5\) for options\.f but received 4 updates/,
    ),
  },
  {
    name: 'K too small for multi-krum (K = 2, f = 0)',
    make: () => ({ updates: randomUpdates(53, 2, 8), options: { rule: 'multi-krum' } }),
    error: invalid(/K ≥ 2f \+ 3 updates for rule 'multi-krum' with f = 0 .* for options\.f/),
  },
  {
    name: 'f not an integer',
    make: () => ({ updates: randomUpdates(54, 9, 8), options: { rule: 'krum', f: 1.5 } }),
    error: invalid(/an integer ≥ 0 for options\.f but received 1\.5/),
  },
  {
    name: 'm out of range',
    make: () => ({ updates: randomUpdates(55, 7, 8), options: { rule: 'multi-krum', f: 2, m: 6 } }),
    error: invalid(/an integer in \[1, K − f\] = \[1, 5\] for rule 'multi-krum' for options\.m but received 6/),
  },
  {
    name: 'weights with median',
    make: () => ({ updates: randomUpdates(56, 3, 8), options: { rule: 'median', weights: [1, 2, 3] } }),
    error: invalid(/no weights with rule 'median' .* for options\.weights/),
  },
  {
    name: 'trim with krum',
    make: () => ({ updates: randomUpdates(57, 5, 8), options: { rule: 'krum', trim: 0.1 } }),
    error: invalid(/no trim with rule 'krum' .* for options\.trim/),
  },
  {
    name: 'clip not positive',
    make: () => ({ updates: randomUpdates(58, 3, 8), options: { rule: 'median', clip: 0 } }),
    error: invalid(/a finite number > 0 for options\.clip but received 0/),
  },
];

/** Check one result against the expectation for its rule. */
function check(input: RobustInput, c: RobustCase, got: Awaited<ReturnType<Engine['aggregateDetailed']>>): void {
  const { updates, options } = input;
  const scales = expectedScales(updates, options.clip as number | undefined);
  if (scales) expectBitExact(got.clipScales!, scales);
  switch (options.rule) {
    case 'median':
      expectBitExact(got.result, expectedMedian(updates, scales));
      return;
    case 'trimmed-mean': {
      const { value, scale } = expectedTrimmedMean(updates, (options.trim as number | undefined) ?? 0.1, scales);
      const { rtol, atol } = c.tolerance ?? { rtol: 1e-6, atol: 1e-6 };
      expectClose(got.result, value, { rtol, atol: scale.map((s) => atol * s) });
      return;
    }
    case 'krum':
    case 'multi-krum': {
      const k = updates.length;
      const f = (options.f as number | undefined) ?? 0;
      const m = options.rule === 'krum' ? 1 : ((options.m as number | undefined) ?? k - f);
      const want = expectedKrum(updates, f, m, scales);
      expect(got.selected).toEqual(want);
      for (const o of c.outliers ?? []) expect(got.selected).not.toContain(o);
      expect(got.scores!.length).toBe(k);
      if (options.rule === 'krum') {
        expectBitExact(got.result, column2(updates[want[0]!]!, scales?.[want[0]!]));
      } else {
        const w = (options.weights as number[] | undefined) ?? new Array<number>(k).fill(1);
        const { value, scale } = weightedAverage(updates, want, w, scales);
        expectClose(got.result, value, { rtol: 1e-6, atol: scale.map((s) => 1e-6 * s) });
      }
      return;
    }
    default: {
      const k = updates.length;
      const w = (options.weights as number[] | undefined) ?? new Array<number>(k).fill(1);
      const { value, scale } = weightedAverage(updates, Array.from(updates.keys()), w, scales);
      expectClose(got.result, value, { rtol: 1e-6, atol: scale.map((s) => 1e-6 * s) });
    }
  }
}

function column2(u: Float32Array, s: number | undefined): Float32Array {
  return s === undefined ? u : Float32Array.from(u, (v) => Math.fround(s * v));
}

/**
 * Run the whole table against one backend. `open` creates an engine with the given extra options; engines are reused
 * per option set and disposed at the end.
 */
export function runRobustRulesTable(
  backend: 'js' | 'native' | 'webgpu',
  open: (extra: Omit<EngineOptions, 'backend'>) => Promise<Engine>,
): void {
  describe(`robust rules shared table on ${backend}`, () => {
    const engines = engineCache(open);
    const engineFor = (extra?: Omit<EngineOptions, 'backend'>) => engines.get(extra);

    for (const c of [...ROBUST_RULE_CASES, ...KRUM_CASES]) {
      it(c.name, async () => {
        const engine = await engineFor(c.engine);
        expect(engine.backend).toBe(backend);
        const input = c.make();
        const before = input.updates.map((u) => u.slice());
        const options = input.options as unknown as AggregateOptions;
        if (c.error) {
          const error = await engine.aggregateDetailed(input.updates, options).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(CocogenError);
          expect((error as CocogenError).code).toBe(c.error.code);
          expect((error as CocogenError).message).toMatch(c.error.message);
          return;
        }
        const got = await engine.aggregateDetailed(input.updates, options);
        check(input, c, got);
        // Clipping and every rule leave the inputs as they were.
        input.updates.forEach((u, k) => expectBitExact(u, before[k]!));
        // aggregate() returns the same result.
        expectBitExact(await engine.aggregate(input.updates, options), got.result);
      });
    }

    it('writes into options.out when given', async () => {
      const engine = await engineFor();
      const updates = randomUpdates(60, 5, 129);
      const out = new Float32Array(129);
      const result = await engine.aggregate(updates, { rule: 'median', out });
      expect(result).toBe(out);
      expectBitExact(out, expectedMedian(updates, undefined));
    });

    it('cleans up', async () => {
      await engines.disposeAll();
    });
  });
}
