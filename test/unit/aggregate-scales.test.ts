/**
 * The building blocks for aggregating a model in pieces: `engine.squaredNorms`, `engine.gram` and the `scales`
 * option, on the js and native engines. Pieces summed must give the whole update's norms and Gram matrix, and `scales`
 * must reproduce what `clip` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

const rng = new Random(7);
const k = 6;
const p = 301;
const updates = Array.from({ length: k }, (_, j) => rng.fillNormal(new Float32Array(p), 0, 1 + j));

function gramFloat64(us: readonly Float32Array[]): Float64Array {
  const g = new Float64Array(us.length * us.length);
  us.forEach((a, i) =>
    us.forEach((b, j) => {
      let s = 0;
      for (let e = 0; e < a.length; e++) s += a[e]! * b[e]!;
      g[i * us.length + j] = s;
    }),
  );
  return g;
}

for (const backend of ['js', 'native'] as const) {
  describe.skipIf(backend === 'native' && !loadAddon().ok)(`pieces of a model (${backend})`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await createEngine({ backend });
    });
    afterAll(() => engine.dispose());

    it('gram and squaredNorms over pieces sum to the whole', async () => {
      const whole = gramFloat64(updates);
      const sum = new Float64Array(k * k);
      const norms = new Float64Array(k);
      for (const [lo, hi] of [
        [0, 100],
        [100, 101],
        [101, 301],
      ]) {
        const piece = updates.map((u) => u.subarray(lo, hi));
        (await engine.gram(piece)).forEach((v, e) => (sum[e]! += v));
        (await engine.squaredNorms(piece)).forEach((v, e) => (norms[e]! += v));
      }
      // float32 GEMM on native: off-diagonal entries within P·2⁻²⁴·‖u_i‖·‖u_j‖ (cancellation), not 1e-6 relative.
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          const bound = p * 2 ** -24 * Math.sqrt(whole[i * k + i]! * whole[j * k + j]!);
          expect(Math.abs(sum[i * k + j]! - whole[i * k + j]!)).toBeLessThanOrEqual(bound);
        }
      }
      expectClose(
        norms,
        Array.from({ length: k }, (_, i) => whole[i * k + i]!),
        { rtol: 1e-12 },
      );
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(sum[i * k + j]).toBe(sum[j * k + i]);
    });

    it('gives zeros for empty updates and NaN / Infinity for non-finite ones', async () => {
      expect(Array.from(await engine.squaredNorms([new Float32Array(0), new Float32Array(0)]))).toEqual([0, 0]);
      expect(Array.from(await engine.gram([new Float32Array(0)]))).toEqual([0]);
      const norms = await engine.squaredNorms([
        Float32Array.of(1, NaN),
        Float32Array.of(-Infinity, 2),
        Float32Array.of(3, 4),
      ]);
      expect(norms[0]).toBeNaN();
      expect(norms[1]).toBe(Infinity);
      expect(norms[2]).toBe(25);
    });

    for (const rule of ['fedavg', 'median', 'trimmed-mean', 'multi-krum'] as const) {
      it(`${rule}: scales given equal scales computed by clip`, async () => {
        const options = rule === 'multi-krum' ? { rule, f: 1, m: 3 } : { rule };
        const clipped = await engine.aggregateDetailed(updates, { ...options, clip: 20 });
        expect(clipped.clipScales!.some((s) => s < 1)).toBe(true);
        const scaled = await engine.aggregateDetailed(updates, { ...options, scales: Array.from(clipped.clipScales!) });
        expect(Array.from(scaled.result)).toEqual(Array.from(clipped.result));
        expect(scaled.selected).toEqual(clipped.selected);
      });
    }

    const bad: [string, unknown, RegExp][] = [
      ['one scale too few', [1, 1, 1, 1, 1], /one scale per update \(6\) for options\.scales but received 5/],
      ['a zero scale', [1, 1, 0, 1, 1, 1], /a finite number > 0 for options\.scales\[2\]/],
      ['a NaN scale', [1, 1, 1, 1, 1, NaN], /options\.scales\[5\]/],
      ['not a list', 'half', /an array of numbers for options\.scales/],
    ];
    for (const [what, scales, message] of bad) {
      it(`rejects ${what}`, async () => {
        await expect(engine.aggregate(updates, { rule: 'median', scales } as never)).rejects.toThrow(message);
      });
    }

    it('rejects scales with clip, and bad updates for gram / squaredNorms', async () => {
      await expect(engine.aggregate(updates, { rule: 'median', clip: 1, scales: [1, 1, 1, 1, 1, 1] })).rejects.toThrow(
        /scales or clip, not both/,
      );
      for (const call of [
        () => engine.gram([]),
        () => engine.squaredNorms([new Float32Array(2), new Float32Array(3)]),
      ]) {
        const e = await call().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(CocogenError);
        expect((e as CocogenError).code).toBe('INVALID_ARGUMENT');
        expect((e as CocogenError).message).toMatch(/for updates/);
      }
    });
  });
}
