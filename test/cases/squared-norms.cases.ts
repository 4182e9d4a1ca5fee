/**
 * The squared-norm table that every backend runs: the kernel that norm clipping uses (`engine.squaredNorms`), checked
 * against float64 Σu² computed here.
 */
import { describe, expect, it } from 'vitest';
import type { Engine, EngineOptions } from '../../src/engine/engine.js';
import { engineCache } from '../support/engine-cache.js';
import { expectClose } from '../support/expect-close.js';
import { expectBitExact, randomUpdates } from '../support/updates.js';

const TINY_CHUNK = { maxChunkBytes: 4096 };

/**
 * Squared norms through `engine.squaredNorms` (the backend's kernel that `clip` uses): float64 Σu² computed here,
 * within 1e-12 relative (the float64 loop's own rounding, ≤ P·2^-53 and much less in practice, stays below that at
 * these sizes); NaN and ±Infinity exactly as the float64 sum gives them.
 */
export interface SquaredNormCase {
  name: string;
  engine?: Omit<EngineOptions, 'backend'>;
  make(): Float32Array[];
}

function squaredNormsFloat64(updates: Float32Array[]): Float64Array {
  return Float64Array.from(updates, (u) => {
    let s = 0;
    for (const v of u) s += v * v;
    return s;
  });
}

/** randomUpdates with each update's values multiplied by f(k, i). */
function scaledUpdates(seed: number, k: number, p: number, f: (k: number, i: number) => number): Float32Array[] {
  const u = randomUpdates(seed, k, p);
  u.forEach((row, j) => row.forEach((v, i) => (row[i] = v * f(j, i))));
  return u;
}

export const SQUARED_NORM_CASES: SquaredNormCase[] = [
  { name: 'K = 1, P = 1', make: () => [new Float32Array([-3.25])] },
  { name: 'P = 0 (zeros)', make: () => [new Float32Array(0), new Float32Array(0)] },
  { name: 'P = 4097 (one past a WebGPU workgroup span)', make: () => randomUpdates(70, 3, 4097) },
  { name: 'P = 1037 (not a multiple of the workgroup size)', make: () => randomUpdates(71, 4, 1037) },
  { name: 'values near 1e30 (squares overflow float32)', make: () => scaledUpdates(72, 3, 3000, () => 1e30) },
  { name: 'values near 1e-30 (squares underflow float32)', make: () => scaledUpdates(73, 3, 3000, () => 1e-30) },
  {
    name: 'near the float32 maximum, subnormals, the smallest subnormal',
    make: () => [
      Float32Array.from({ length: 777 }, (_, i) => (i % 2 ? -3.4e38 : 3.3e38)),
      scaledUpdates(74, 1, 777, () => 1e-42)[0]!,
      new Float32Array(777).fill(1.4e-45),
    ],
  },
  {
    name: 'huge and tiny mixed in one update, blocks of each across workgroups, 61 decades',
    make: () =>
      scaledUpdates(75, 3, 20_000, (k, i) => {
        if (k === 0) return [1e30, 1e-30, 1][i % 3]!;
        if (k === 1) return Math.floor(i / 4096) % 2 ? 1e25 : 1e-25;
        return 10 ** ((i % 61) - 30);
      }),
  },
  {
    name: 'one value at the float32 maximum among subnormals',
    make: () => [Float32Array.from({ length: 4099 }, (_, i) => (i === 4098 ? 3.4e38 : 1e-45))],
  },
  { name: 'zeros of both signs', make: () => [new Float32Array(70), new Float32Array(70).fill(-0)] },
  {
    name: 'K = 300 short updates of scales 1e-30 … 1e29',
    make: () => scaledUpdates(76, 300, 33, (k) => 10 ** ((k % 60) - 30)),
  },
  {
    name: 'streamed in many chunks (maxChunkBytes 4096)',
    engine: TINY_CHUNK,
    make: () => scaledUpdates(77, 3, 10_001, (k, i) => (k === 1 && i > 5000 ? 1e28 : 1)),
  },
  {
    name: 'many short updates per chunk (maxChunkBytes 4096)',
    engine: TINY_CHUNK,
    make: () => randomUpdates(78, 200, 5),
  },
  {
    name: 'four values per chunk (maxChunkBytes 16)',
    engine: { maxChunkBytes: 16 },
    make: () => randomUpdates(79, 2, 37),
  },
  {
    name: 'NaN → NaN, ±Infinity → +Infinity, both → NaN',
    make: () => {
      const u = randomUpdates(80, 5, 5000);
      u[0]![4999] = NaN;
      u[1]![0] = Infinity;
      u[2]![17] = -Infinity;
      u[3]![9] = -Infinity;
      u[3]![4200] = NaN;
      return u;
    },
  },
];

/** Run the table against one backend; engines are reused per option set and disposed at the end. */
export function runSquaredNormsTable(
  backend: 'js' | 'native' | 'webgpu',
  open: (extra: Omit<EngineOptions, 'backend'>) => Promise<Engine>,
): void {
  describe(`squared norms shared table on ${backend}`, () => {
    const engines = engineCache(open);
    for (const c of SQUARED_NORM_CASES) {
      it(c.name, async () => {
        const engine = await engines.get(c.engine);
        expect(engine.backend).toBe(backend);
        const updates = c.make();
        const before = updates.map((u) => u.slice());
        const got = await engine.squaredNorms(updates);
        expect(got).toBeInstanceOf(Float64Array);
        expectClose(got, squaredNormsFloat64(updates), { rtol: 1e-12 });
        updates.forEach((u, k) => expectBitExact(u, before[k]!));
      });
    }

    it('cleans up', async () => {
      await engines.disposeAll();
    });
  });
}
