/**
 * The one table of FedAvg cases that every backend runs (stdlib-js's pattern): the JS reference, the native
 * addon and WebGPU each pass exactly these, against a float64 computation made here.
 */
import { describe, expect, it } from 'vitest';
import type { Engine, EngineOptions } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import { engineCache } from '../support/engine-cache.js';
import { randomUpdates } from '../support/updates.js';
import { expectClose } from '../support/expect-close.js';

export interface FedAvgInput {
  updates: Float32Array[];
  weights?: number[] | Float64Array | Float32Array;
  options?: Record<string, unknown>;
}

export interface FedAvgCase {
  name: string;
  /** Extra engine options (e.g. a tiny WebGPU chunk to force streaming); cases sharing them share an engine. */
  engine?: Omit<EngineOptions, 'backend'>;
  make(): FedAvgInput;
  /** Omitted: compare with the float64 result. Otherwise: the error code and a regexp over its message. */
  error?: { code: string; message: RegExp };
}

function randomWeights(seed: number, k: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: k }, () => 1 + Math.floor(rng.next() * 5000));
}

/** float64 Σ w_k u_k / Σ w_k and, per element, Σ |w_k u_k| / Σ w_k (the scale that cancellation is measured against). */
export function fedAvgFloat64(
  updates: Float32Array[],
  weights?: ArrayLike<number>,
): { value: Float64Array; scale: Float64Array } {
  const k = updates.length;
  const p = updates[0]!.length;
  const w = weights ?? new Array<number>(k).fill(1);
  let total = 0;
  for (let j = 0; j < k; j++) total += w[j]!;
  const value = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < k; j++) {
    const u = updates[j]!;
    const wj = w[j]! / total;
    for (let i = 0; i < p; i++) {
      value[i]! += wj * u[i]!;
      scale[i]! += Math.abs(wj * u[i]!);
    }
  }
  return { value, scale };
}

const TINY_CHUNK = { maxChunkBytes: 4096 };

export const FED_AVG_CASES: FedAvgCase[] = [
  { name: 'K = 1, P = 1', make: () => ({ updates: [new Float32Array([3.25])], weights: [7] }) },
  { name: 'K = 1, P = 1000', make: () => ({ updates: randomUpdates(1, 1, 1000), weights: [1] }) },
  { name: 'K = 3, P = 1', make: () => ({ updates: randomUpdates(2, 3, 1), weights: [1, 2, 3] }) },
  { name: 'weights omitted → uniform', make: () => ({ updates: randomUpdates(3, 4, 333) }) },
  {
    name: 'P not a multiple of the workgroup size (P = 1037)',
    make: () => ({ updates: randomUpdates(4, 5, 1037), weights: randomWeights(4, 5) }),
  },
  { name: 'P = 65', make: () => ({ updates: randomUpdates(5, 9, 65), weights: randomWeights(5, 9) }) },
  {
    name: 'P above the binding limit (streamed in many chunks)',
    engine: TINY_CHUNK,
    make: () => ({ updates: randomUpdates(6, 7, 10_001), weights: randomWeights(6, 7) }),
  },
  {
    name: 'K above what one chunk column holds',
    engine: TINY_CHUNK,
    make: () => ({ updates: randomUpdates(7, 2000, 5), weights: randomWeights(7, 2000) }),
  },
  {
    name: 'K = 1000, positive data: float64-grade accumulation',
    make: () => ({ updates: randomUpdates(8, 1000, 1025, 1, 0.25), weights: randomWeights(8, 1000) }),
  },
  {
    name: 'K = 1000, mixed signs',
    make: () => ({ updates: randomUpdates(9, 1000, 777), weights: randomWeights(9, 1000) }),
  },
  {
    name: 'zero weights among positive ones ignore those updates',
    make: () => ({ updates: randomUpdates(10, 4, 100), weights: [0, 5, 0, 1] }),
  },
  {
    name: 'wide dynamic range (1e±30)',
    make: () => {
      const u = randomUpdates(11, 3, 64);
      u[0]!.forEach((v, i) => (u[0]![i] = v * 1e30));
      u[1]!.forEach((v, i) => (u[1]![i] = v * 1e-30));
      return { updates: u, weights: [1, 1e6, 3] };
    },
  },
  {
    name: 'unaligned views (byteOffset 4) and Float64Array weights',
    make: () => {
      const rng = new Random(12);
      const updates = [0, 1, 2].map(() => {
        const backing = rng.fillNormal(new Float32Array(1 + 513));
        return new Float32Array(backing.buffer, 4, 513);
      });
      return { updates, weights: new Float64Array([0.5, 0.25, 0.25]) };
    },
  },
  {
    name: 'NaN in an update, propagated on request',
    make: () => {
      const u = randomUpdates(13, 3, 50);
      u[1]![17] = NaN;
      u[2]![3] = Infinity;
      return { updates: u, weights: [1, 1, 1], options: { nonFinite: 'propagate' } };
    },
  },
  // Bad input: a typed error that names the argument and the rule.
  {
    name: 'NaN in an update is an error by default',
    make: () => {
      const u = randomUpdates(14, 3, 50);
      u[2]![17] = NaN;
      return { updates: u, weights: [1, 1, 1] };
    },
    error: { code: 'INVALID_ARGUMENT', message: /finite values for updates\[2\] but received NaN at index 17/ },
  },
  // Each backend reports a non-finite result as it writes it; the engine names the cause only then. These place the
  // non-finite value where each kernel handles it differently: the vector body, the last partial vector (P not a
  // multiple of 4 or 8), the last of several accumulator blocks and thread chunks, the first and the last of many
  // WebGPU chunks, and an overflow of float32 from finite inputs (per-update scales beyond 1).
  {
    name: '+Infinity in an update is an error by default',
    make: () => {
      const u = randomUpdates(40, 4, 64);
      u[1]![9] = Infinity;
      u[3]![9] = NaN;
      return { updates: u, weights: [1, 2, 3, 4] };
    },
    error: { code: 'INVALID_ARGUMENT', message: /finite values for updates\[1\] but received Infinity at index 9$/ },
  },
  {
    name: '-Infinity in the last element, P not a multiple of the vector width (P = 1037)',
    make: () => {
      const u = randomUpdates(41, 5, 1037);
      u[4]![1036] = -Infinity;
      return { updates: u, weights: randomWeights(41, 5) };
    },
    error: {
      code: 'INVALID_ARGUMENT',
      message: /finite values for updates\[4\] but received -Infinity at index 1036$/,
    },
  },
  {
    name: 'a misspelt option ({ weight }) is refused instead of averaging with equal weights',
    make: () => ({ updates: randomUpdates(42, 2, 8), options: { weight: [1, 100] } }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /^Expected one of the options rule, weights, .* for options\.weight but received an unknown option$/,
    },
  },
  {
    name: 'NaN in the last element after several accumulator blocks and thread chunks (P = 3·8192 + 5)',
    make: () => {
      const u = randomUpdates(42, 3, 3 * 8192 + 5);
      u[0]![3 * 8192 + 4] = NaN;
      return { updates: u, weights: [3, 1, 1] };
    },
    error: { code: 'INVALID_ARGUMENT', message: /finite values for updates\[0\] but received NaN at index 24580$/ },
  },
  {
    name: 'NaN in the first of many chunks (streamed)',
    engine: TINY_CHUNK,
    make: () => {
      const u = randomUpdates(43, 7, 10_001);
      u[6]![2] = NaN;
      return { updates: u, weights: randomWeights(43, 7) };
    },
    error: { code: 'INVALID_ARGUMENT', message: /finite values for updates\[6\] but received NaN at index 2$/ },
  },
  {
    name: 'overflow of float32 from finite inputs in the vector body',
    make: () => {
      const u = randomUpdates(44, 3, 64, 0, 1e-3);
      for (const x of u) x[20] = 1e30;
      return { updates: u, weights: [1, 1, 1], options: { scales: [1e10, 1e10, 1e10] } };
    },
    error: {
      code: 'INVALID_ARGUMENT',
      message:
        /values whose weighted average fits in float32 for updates but received an overflow to Infinity at index 20$/,
    },
  },
  {
    name: 'overflow to -Infinity in the last element, P not a multiple of the vector width (P = 1037)',
    make: () => {
      const u = randomUpdates(45, 4, 1037, 0, 1e-3);
      for (const x of u) x[1036] = -1e30;
      return { updates: u, weights: [1, 2, 3, 4], options: { scales: [1e10, 1e10, 1e10, 1e10] } };
    },
    error: {
      code: 'INVALID_ARGUMENT',
      message: /fits in float32 for updates but received an overflow to -Infinity at index 1036$/,
    },
  },
  {
    name: 'overflow in the last of many chunks, K split in groups (streamed)',
    engine: TINY_CHUNK,
    make: () => {
      const u = randomUpdates(46, 2000, 5, 0, 1e-3);
      for (const x of u) x[4] = 1e30;
      return { updates: u, weights: randomWeights(46, 2000), options: { scales: new Array<number>(2000).fill(1e10) } };
    },
    error: {
      code: 'INVALID_ARGUMENT',
      message: /fits in float32 for updates but received an overflow to Infinity at index 4$/,
    },
  },
  {
    name: 'all-zero weights',
    make: () => ({ updates: randomUpdates(15, 2, 8), weights: [0, 0] }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /weights with a positive sum for options\.weights but received weights that sum to 0/,
    },
  },
  {
    name: 'negative weight',
    make: () => ({ updates: randomUpdates(16, 2, 8), weights: [1, -1] }),
    error: { code: 'INVALID_ARGUMENT', message: /non-negative number for options\.weights\[1\] but received -1/ },
  },
  {
    name: 'NaN weight',
    make: () => ({ updates: randomUpdates(17, 2, 8), weights: [NaN, 1] }),
    error: { code: 'INVALID_ARGUMENT', message: /finite number for options\.weights\[0\] but received NaN/ },
  },
  {
    name: 'infinite weight',
    make: () => ({ updates: randomUpdates(18, 2, 8), weights: [1, Infinity] }),
    error: { code: 'INVALID_ARGUMENT', message: /finite number for options\.weights\[1\] but received Infinity/ },
  },
  {
    name: 'weights of the wrong count',
    make: () => ({ updates: randomUpdates(19, 3, 8), weights: [1, 1] }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /one weight per update \(3\) for options\.weights but received 2 weights/,
    },
  },
  {
    name: 'mismatched update lengths',
    make: () => ({ updates: [new Float32Array(8), new Float32Array(8), new Float32Array(7)], weights: [1, 1, 1] }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /length 8 \(the length of updates\[0\]\) for updates\[2\] but received a Float32Array of length 7/,
    },
  },
  {
    name: 'an empty list of updates',
    make: () => ({ updates: [], weights: [] }),
    error: { code: 'INVALID_ARGUMENT', message: /non-empty array of Float32Array for updates/ },
  },
  {
    name: 'wrong element type (Float64Array)',
    make: () => ({ updates: [new Float32Array(4), new Float64Array(4) as unknown as Float32Array], weights: [1, 1] }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /Float32Array for updates\[1\] but received a Float64Array of length 4/,
    },
  },
  {
    name: 'wrong element type (plain array)',
    make: () => ({ updates: [[1, 2, 3] as unknown as Float32Array], weights: [1] }),
    error: { code: 'INVALID_ARGUMENT', message: /Float32Array for updates\[0\] but received an array of length 3/ },
  },
  {
    name: 'unknown rule',
    make: () => ({ updates: randomUpdates(20, 2, 4), weights: [1, 1], options: { rule: 'mean' } }),
    error: { code: 'INVALID_ARGUMENT', message: /one of 'fedavg', .* for options\.rule but received "mean"/ },
  },
  {
    name: 'out of the wrong length',
    make: () => ({ updates: randomUpdates(21, 2, 4), weights: [1, 1], options: { out: new Float32Array(3) } }),
    error: { code: 'INVALID_ARGUMENT', message: /Float32Array of length 4 for options\.out/ },
  },
  {
    name: 'out sharing memory with an update',
    make: () => {
      const u = randomUpdates(22, 2, 4);
      return { updates: u, weights: [1, 1], options: { out: u[1] } };
    },
    error: {
      code: 'INVALID_ARGUMENT',
      message: /memory that no update shares for options\.out but received memory shared with updates\[1\]/,
    },
  },
];

/**
 * Run the whole table against one backend. `open` creates an engine with the given extra options;
 * engines are reused per option set and disposed at the end.
 */
export function runFedAvgTable(
  backend: 'js' | 'native' | 'webgpu',
  open: (extra: Omit<EngineOptions, 'backend'>) => Promise<Engine>,
): void {
  describe(`FedAvg shared table on ${backend}`, () => {
    const engines = engineCache(open);
    const engineFor = (extra?: Omit<EngineOptions, 'backend'>) => engines.get(extra);

    for (const c of FED_AVG_CASES) {
      it(c.name, async () => {
        const engine = await engineFor(c.engine);
        expect(engine.backend).toBe(backend);
        const input = c.make();
        const options = { rule: 'fedavg', weights: input.weights, ...input.options } as Parameters<
          Engine['aggregate']
        >[1];
        if (c.error) {
          const error = await engine.aggregate(input.updates, options).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(CocogenError);
          expect((error as CocogenError).code).toBe(c.error.code);
          expect((error as CocogenError).message).toMatch(c.error.message);
          return;
        }
        const { value, scale } = fedAvgFloat64(input.updates, input.weights);
        const result = await engine.aggregate(input.updates, options);
        if (options.out) expect(result).toBe(options.out);
        // 1e-6 relative, with cancellation measured against Σ|w_k u_k| (a float32 result cannot do better than
        // its own rounding of the exact value, ~6e-8 relative).
        expectClose(result, value, { rtol: 1e-6, atol: scale.map((s) => 1e-6 * s) });
      });
    }

    it('returns an empty result for P = 0', async () => {
      const engine = await engineFor();
      const result = await engine.aggregate([new Float32Array(0), new Float32Array(0)], {
        rule: 'fedavg',
        weights: [1, 2],
      });
      expect(result).toBeInstanceOf(Float32Array);
      expect(result.length).toBe(0);
    });

    it("nonFinite: 'propagate' returns an overflow of float32 as ±Infinity, in the body and the last element", async () => {
      const engine = await engineFor();
      const updates = randomUpdates(31, 3, 37, 0, 1e-3);
      for (const u of updates) {
        u[5] = 1e30;
        u[36] = -1e30;
      }
      const options = { rule: 'fedavg', scales: [1e10, 1e10, 1e10], nonFinite: 'propagate' } as const;
      const result = await engine.aggregate(updates, options);
      expect(result[5]).toBe(Infinity);
      expect(result[36]).toBe(-Infinity);
      expect(result.filter((v) => Number.isFinite(v)).length).toBe(35);
    });

    it('writes into options.out when given', async () => {
      const engine = await engineFor();
      const updates = randomUpdates(30, 3, 129);
      const out = new Float32Array(129);
      const result = await engine.aggregate(updates, { rule: 'fedavg', weights: [1, 2, 3], out });
      expect(result).toBe(out);
      expectClose(out, fedAvgFloat64(updates, [1, 2, 3]).value, { rtol: 1e-6 });
    });

    it('throws DISPOSED after dispose(), and dispose() is idempotent', async () => {
      const engine = await open({});
      engine.dispose();
      engine.dispose();
      expect(engine.disposed).toBe(true);
      await expect(engine.aggregate([new Float32Array(1)], { rule: 'fedavg' })).rejects.toMatchObject({
        code: 'DISPOSED',
      });
      expect(() => engine.info()).toThrow(/after dispose/);
    });

    it('cleans up', async () => {
      await engines.disposeAll();
    });
  });
}
