/**
 * The one table of cases for the "data" kernels (DESIGN §6): engine.labelHistograms and engine.l1Distances, run on the
 * js, native and webgpu backends by `runDataKernelsTable` (listed in tables.ts).
 *
 * Expectations are computed here, independently of the kernels' reference modules: histograms by a plain loop (and,
 * for the Fashion-MNIST partition, by src/fl/samples.ts's labelHistogram per organization) and compared exactly on
 * every backend (integers). L1 distances by a plain float64 loop that divides by the total (the kernels multiply by its
 * inverse, as initialSkew does), so:
 *   - js and native: |δ − δ_ref| ≤ 4·classes·2^-53 (float64 roundings of the two formulas), and bit-identical to
 *     game/heterogeneity.ts's initialSkew on scenarios;
 *   - webgpu (float32): |δ − δ_ref| ≤ (3·classes + 6)·2^-24·max(1, Σ p*), the bound kernels/l1-distances.wgsl derives.
 * Cases that must cross chunks run on an engine with a small `maxChunkBytes` (one engine per option set, engineCache).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import { loadFashionMnist, shippedSubsetDir } from '../../src/fl/fashion-mnist.js';
import { shardLabelCounts } from '../../src/fl/federation.js';
import { dirichletPartition } from '../../src/fl/partition.js';
import { labelHistogram } from '../../src/fl/samples.js';
import { initialSkew } from '../../src/game/heterogeneity.js';
import { randomScenario } from '../../src/game/random-scenario.js';
import { engineCache, type ExtraEngineOptions } from '../support/engine-cache.js';
import { expectClose } from '../support/expect-close.js';
import { xorshift32 } from '../support/xorshift.js';

type BackendName = 'js' | 'native' | 'webgpu';
type Labels = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** Forces the WebGPU backend to cut 10^6 labels into many chunks (ignored by js and native). */
const SMALL_CHUNKS: ExtraEngineOptions = { maxChunkBytes: 1 << 16 };

/** Plain-loop histogram: group of i from owners, offsets, or 0. */
function expectedHistograms(
  labels: Labels,
  groups: number,
  classes: number,
  by: { owners?: Labels; offsets?: ArrayLike<number> } = {},
): Uint32Array {
  const out = new Uint32Array(groups * classes);
  let g = 0;
  for (let i = 0; i < labels.length; i++) {
    if (by.owners) g = by.owners[i]!;
    else if (by.offsets) while (i >= by.offsets[g + 1]!) g++;
    out[g * classes + labels[i]!]!++;
  }
  return out;
}

/** Plain float64 loop: Σ |x / T − t|, NaN for T = 0. */
function expectedL1(counts: ArrayLike<number>, classes: number, target: ArrayLike<number>): Float64Array {
  const rows = counts.length / classes;
  const out = new Float64Array(rows);
  for (let n = 0; n < rows; n++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += counts[n * classes + c]!;
    let acc = 0;
    for (let c = 0; c < classes; c++) acc += Math.abs(counts[n * classes + c]! / total - target[c]!);
    out[n] = total === 0 ? NaN : acc;
  }
  return out;
}

function l1Tolerance(backend: BackendName, classes: number, target: ArrayLike<number>): number {
  const mass = Math.max(
    1,
    Array.from(target).reduce((a, b) => a + b, 0),
  );
  return backend === 'webgpu' ? (3 * classes + 6) * 2 ** -24 * mass : 4 * classes * 2 ** -53 * mass;
}

function randomLabels<T extends Labels>(make: new (n: number) => T, n: number, below: number, seed: number): T {
  const next = xorshift32(seed);
  const out = new make(n);
  for (let i = 0; i < n; i++) out[i] = next() % below;
  return out;
}

function uniform(classes: number): Float64Array {
  return new Float64Array(classes).fill(1 / classes);
}

async function expectInvalid(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected INVALID_ARGUMENT matching ${pattern}`).toBeInstanceOf(CocogenError);
  expect((err as CocogenError).code).toBe('INVALID_ARGUMENT');
  expect((err as Error).message).toMatch(pattern);
}

/** Registers the shared table for one backend. */
export function runDataKernelsTable(backend: BackendName, open: (extra: ExtraEngineOptions) => Promise<Engine>): void {
  describe(`data kernels shared table on ${backend}`, () => {
    const engines = engineCache(open);
    const engine = (extra: ExtraEngineOptions = {}) => engines.get(extra);
    afterAll(() => engines.disposeAll());

    describe('labelHistograms', () => {
      it('CSR offsets with empty groups (first, middle, last), and every label in one group without owners/offsets', async () => {
        const e = await engine();
        const labels = Uint8Array.of(2, 0, 2, 1, 1);
        const offsets = [0, 0, 3, 3, 5, 5];
        const h = await e.labelHistograms({ labels, offsets, groups: 5, classes: 3 });
        expect(Array.from(h)).toEqual([0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
        expect(Array.from(await e.labelHistograms({ labels, groups: 1, classes: 3 }))).toEqual([1, 2, 2]);
        // groups beyond the only one used stay 0; no labels at all gives zeros.
        expect(Array.from(await e.labelHistograms({ labels, groups: 2, classes: 3 }))).toEqual([1, 2, 2, 0, 0, 0]);
        const none = await e.labelHistograms({ labels: new Uint8Array(0), offsets: [0, 0, 0], groups: 2, classes: 4 });
        expect(Array.from(none)).toEqual(new Array(8).fill(0));
      });

      it('one class, with owners (some groups empty)', async () => {
        const e = await engine();
        const owners = Uint8Array.of(3, 0, 3, 3, 0);
        const h = await e.labelHistograms({ labels: new Uint8Array(5), owners, groups: 5, classes: 1 });
        expect(Array.from(h)).toEqual([2, 0, 0, 3, 0]);
      });

      it('256 classes: Uint16 labels with Uint8 owners, and Uint8 labels in CSR groups', async () => {
        const e = await engine();
        const n = 50_000;
        const labels = randomLabels(Uint16Array, n, 256, 3);
        const owners = randomLabels(Uint8Array, n, 7, 4);
        expect(await e.labelHistograms({ labels, owners, groups: 7, classes: 256 })).toEqual(
          expectedHistograms(labels, 7, 256, { owners }),
        );
        const bytes = randomLabels(Uint8Array, n, 256, 5);
        const offsets = [0, 10, 10, 30_000, n];
        expect(await e.labelHistograms({ labels: bytes, offsets, groups: 4, classes: 256 })).toEqual(
          expectedHistograms(bytes, 4, 256, { offsets }),
        );
      });

      it('10^6 labels across chunks: Uint8 / Int32 / Uint32 labels, owners in runs and scattered, CSR', async () => {
        const e = await engine(SMALL_CHUNKS);
        const n = 1_000_000;
        const classes = 10;
        const u8 = randomLabels(Uint8Array, n, classes, 7);
        const i32 = Int32Array.from(u8);
        const u32 = Uint32Array.from(u8);
        // Runs of one owner (the workgroup-memory path) and scattered owners over 1000 groups (global atomics).
        const runs = Uint16Array.from({ length: n }, (_, i) => Math.floor(i / 4001) % 250);
        const scattered = randomLabels(Uint16Array, n, 1000, 8);
        for (const labels of [u8, i32, u32]) {
          expect(await e.labelHistograms({ labels, owners: runs, groups: 250, classes })).toEqual(
            expectedHistograms(labels, 250, classes, { owners: runs }),
          );
        }
        expect(await e.labelHistograms({ labels: u8, owners: scattered, groups: 1000, classes })).toEqual(
          expectedHistograms(u8, 1000, classes, { owners: scattered }),
        );
        const offsets = Array.from({ length: 101 }, (_, g) => Math.round((g / 100) ** 2 * n));
        expect(await e.labelHistograms({ labels: u8, offsets, groups: 100, classes })).toEqual(
          expectedHistograms(u8, 100, classes, { offsets }),
        );
        // The first bad index over every chunk and thread, not the first one some chunk met.
        const bad = u8.slice();
        bad[987_654] = 200;
        bad[700_001] = 10;
        await expectInvalid(
          () => e.labelHistograms({ labels: bad, offsets, groups: 100, classes }),
          /labels\[700001\]/,
        );
        const badOwners = runs.slice();
        badOwners[999_999] = 250;
        badOwners[512_000] = 9999;
        await expectInvalid(
          () => e.labelHistograms({ labels: u8, owners: badOwners, groups: 250, classes }),
          /owners\[512000\].*received 9999/,
        );
      });

      it('a histogram or an L1 row larger than one WebGPU binding: same counts and distances (reference fallback)', async () => {
        const e = await engine({ maxChunkBytes: 1024 });
        const n = 50_000;
        const labels = randomLabels(Uint16Array, n, 300, 11);
        const owners = randomLabels(Uint8Array, n, 100, 12);
        // 100 × 300 bins = 120 000 bytes, and one row of 300 classes = 1200 bytes, both above 1024.
        const h = await e.labelHistograms({ labels, owners, groups: 100, classes: 300 });
        expect(h).toEqual(expectedHistograms(labels, 100, 300, { owners }));
        const d = await e.l1Distances({ counts: h, classes: 300, target: uniform(300) });
        expectClose(d, expectedL1(h, 300, uniform(300)), { rtol: 0, atol: l1Tolerance(backend, 300, uniform(300)) });
      });

      it('Fashion-MNIST subset partitioned non-IID (Dirichlet α = 0.3, 10 organizations): the shards’ label counts', async () => {
        const e = await engine(SMALL_CHUNKS);
        const train = loadFashionMnist(shippedSubsetDir(), 'train');
        const indices = dirichletPartition(train.labels, 10, 10, 0.3, 42);
        const expected = indices.map((idx) =>
          labelHistogram(
            Array.from(idx, (i) => train.labels[i]!),
            10,
          ),
        );
        expect(await shardLabelCounts(train.labels, indices, { engine: e })).toEqual(expected);
        // The same partition as owners over the pool.
        const owners = new Uint8Array(train.labels.length);
        indices.forEach((idx, n) => idx.forEach((i) => (owners[i] = n)));
        const h = await e.labelHistograms({ labels: train.labels, owners, groups: 10, classes: 10 });
        expect(Array.from(h)).toEqual(expected.flat());
        // And their skews to the uniform target, beside the plain loop.
        const d = await e.l1Distances({ counts: h, classes: 10, target: uniform(10) });
        expectClose(d, expectedL1(h, 10, uniform(10)), { rtol: 0, atol: l1Tolerance(backend, 10, uniform(10)) });
        expect(Math.max(...d)).toBeGreaterThan(0.5); // α = 0.3 is skewed
      });

      it('rejects every bad input with INVALID_ARGUMENT naming the argument and index', async () => {
        const e = await engine();
        const labels = Uint8Array.of(0, 1, 2, 1);
        const h = (o: Record<string, unknown>) => () =>
          e.labelHistograms({ labels, groups: 2, classes: 3, ...o } as Parameters<Engine['labelHistograms']>[0]);
        await expectInvalid(
          h({ labels: Uint8Array.of(0, 3, 1) }),
          /^Expected a class in \[0, 3\) for labels\[1\] but received 3$/,
        );
        await expectInvalid(h({ labels: Int32Array.of(0, 1, -2) }), /for labels\[2\] but received -2$/);
        await expectInvalid(
          h({ owners: Uint8Array.of(0, 2, 1, 0) }),
          /^Expected a group in \[0, 2\) for owners\[1\] but received 2$/,
        );
        await expectInvalid(h({ owners: Int32Array.of(0, 0, -1, 0) }), /for owners\[2\] but received -1$/);
        // Both bad at one index: the label is named; a bad owner before a bad label: the owner.
        await expectInvalid(h({ labels: Uint8Array.of(0, 9, 9, 0), owners: Uint8Array.of(0, 5, 0, 0) }), /labels\[1\]/);
        await expectInvalid(h({ labels: Uint8Array.of(0, 0, 9, 0), owners: Uint8Array.of(0, 5, 0, 0) }), /owners\[1\]/);
        await expectInvalid(h({ offsets: [0, 3, 2] }), /offsets\[2\]/);
        await expectInvalid(h({ offsets: [0, 3, 1, 4], groups: 3 }), /≥ offsets\[1\] = 3 for offsets\[2\]/);
        await expectInvalid(h({ offsets: [1, 2, 4] }), /offsets\[0\]/);
        await expectInvalid(h({ offsets: [0, 2, 5] }), /4 \(the number of labels\).* for offsets\[2\] but received 5/);
        await expectInvalid(h({ offsets: [0, 1.5, 4] }), /offsets\[1\]/);
        await expectInvalid(h({ offsets: [0, 4] }), /3 boundaries.* for offsets /);
        await expectInvalid(h({ owners: Uint8Array.of(0, 1) }), /4 group ids.* for owners /);
        await expectInvalid(h({ owners: Uint8Array.of(0, 1, 0, 0), offsets: [0, 2, 4] }), /owners or offsets/);
        await expectInvalid(h({ classes: 0 }), /integer ≥ 1 for classes/);
        await expectInvalid(h({ classes: 2.5 }), /classes/);
        await expectInvalid(h({ groups: 0 }), /integer ≥ 1 for groups/);
        await expectInvalid(
          h({ labels: Float32Array.of(0, 1) }),
          /Uint8Array, Uint16Array, Uint32Array or Int32Array for labels but received a Float32Array/,
        );
        await expectInvalid(h({ labels: Int8Array.of(0, 1) }), /Int32Array for labels but received a Int8Array/);
        await expectInvalid(h({ labels: [0, 1] }), /Int32Array for labels but received an array/);
        await expectInvalid(
          h({ owners: Float64Array.of(0, 0, 0, 0) }),
          /Int32Array for owners but received a Float64Array/,
        );
        await expectInvalid(h({ labels: new Uint8ClampedArray(2) }), /labels/);
      });
    });

    describe('l1Distances', () => {
      it('small rows: a zero row is NaN, counts or distributions, Uint32 or Float64', async () => {
        const e = await engine();
        const target = [0.5, 0.5];
        const d = await e.l1Distances({ counts: Float64Array.of(3, 1, 0, 2, 0, 0), classes: 2, target });
        expect(Array.from(d)).toEqual([0.5, 1, NaN]);
        const u = await e.l1Distances({ counts: Uint32Array.of(3, 1, 0, 2, 0, 0), classes: 2, target });
        expect(Array.from(u)).toEqual([0.5, 1, NaN]);
        const p = await e.l1Distances({ distributions: Float64Array.of(0.25, 0.75), classes: 2, target });
        expect(Array.from(p)).toEqual([0.5]);
        expect((await e.l1Distances({ counts: new Float64Array(0), classes: 3, target: uniform(3) })).length).toBe(0);
      });

      it('one class: δ = |1 − p*_0|', async () => {
        const e = await engine();
        const d = await e.l1Distances({ counts: Float64Array.of(5, 0, 1e9), classes: 1, target: [0.25] });
        expectClose(d, [0.75, NaN, 0.75], { rtol: 0, atol: l1Tolerance(backend, 1, [0.25]) });
      });

      it('256 classes and 10^4 × 100 rows across chunks, Float64 and Uint32 counts, skewed target', async () => {
        const e = await engine(SMALL_CHUNKS);
        for (const [rows, classes, seed] of [
          [300, 256, 1],
          [10_000, 100, 2],
        ] as const) {
          const next = xorshift32(seed);
          const u32 = new Uint32Array(rows * classes);
          // Sparse rows (a few classes) and dense ones, counts up to 2^20.
          for (let i = 0; i < u32.length; i++) u32[i] = next() % 4 === 0 ? next() % (1 << 20) : 0;
          const f64 = Float64Array.from(u32, (v, i) => v + (i % 3) * 0.25);
          const raw = Float64Array.from({ length: classes }, (_, c) => 1 + (c % 5));
          const sum = raw.reduce((a, b) => a + b, 0);
          const target = raw.map((v) => v / sum);
          const tol = l1Tolerance(backend, classes, target);
          for (const counts of [u32, f64]) {
            const d = await e.l1Distances({ counts, classes, target });
            expectClose(d, expectedL1(counts, classes, target), { rtol: 0, atol: tol });
          }
        }
      });

      it('the game’s δ⁰: initialSkew on the engine equals the reference (bit for bit on js and native)', async () => {
        const e = await engine();
        for (const [n, classes, seed] of [
          [12, 10, 3],
          [40, 256, 4],
        ] as const) {
          const s = randomScenario({ n, classes, seed });
          const on = await initialSkew(s, { engine: e });
          const ref = initialSkew(s);
          if (backend === 'webgpu')
            expectClose(on, ref, { rtol: 0, atol: l1Tolerance(backend, classes, s.targetDistribution) });
          else expect(on).toEqual(ref);
        }
      });

      it('rejects every bad input with INVALID_ARGUMENT naming the argument and index', async () => {
        const e = await engine();
        const counts = Float64Array.of(1, 2, 3, 4);
        const l = (o: Record<string, unknown>) => () =>
          e.l1Distances({ counts, classes: 2, target: [0.5, 0.5], ...o } as Parameters<Engine['l1Distances']>[0]);
        await expectInvalid(
          l({ counts: Float64Array.of(1, 2, -3, 4) }),
          /^Expected a finite number ≥ 0 for counts\[2\] but received -3$/,
        );
        await expectInvalid(l({ counts: Float64Array.of(1, 2, 3, NaN) }), /for counts\[3\] but received NaN/);
        await expectInvalid(l({ counts: Float64Array.of(Infinity, 2, 3, 4) }), /for counts\[0\] but received Infinity/);
        await expectInvalid(l({ counts: undefined, distributions: Float64Array.of(1, -1) }), /distributions\[1\]/);
        await expectInvalid(l({ distributions: counts }), /exactly one of counts or distributions/);
        await expectInvalid(l({ counts: Float32Array.of(1, 2) }), /Float64Array or Uint32Array for counts/);
        await expectInvalid(l({ counts: [1, 2] }), /Float64Array or Uint32Array for counts/);
        await expectInvalid(l({ counts: Float64Array.of(1, 2, 3) }), /groups|counts/);
        await expectInvalid(l({ groups: 3 }), /6 values \(groups × classes\) for counts/);
        await expectInvalid(l({ classes: 0 }), /classes/);
        await expectInvalid(l({ target: [0.5] }), /2 probabilities for target/);
        await expectInvalid(l({ target: [0.5, -0.5] }), /target\[1\]/);
        await expectInvalid(l({ target: [0.5, NaN] }), /target\[1\]/);
        await expectInvalid(l({ totals: [1] }), /2 totals \(one per row\) for totals/);
        await expectInvalid(l({ totals: [1, 0] }), /> 0 for totals\[1\]/);
      });
    });
  });
}
