/**
 * The robust rules over files, streamed by tiny column blocks: each input file is one update (all its tensors), so the
 * result must equal the in-memory rule on the concatenated tensors — median bit for bit, Krum's selection exactly —
 * and clipping and Krum must look at whole updates, not tensor by tensor. Run on js and native in the native tier and
 * on webgpu in the gpu tier (tables.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { aggregateFiles } from '../../src/interop/out-of-core.js';
import type { AggregateOptions } from '../../src/engine/validate-aggregate.js';
import { TensorFile, writeTensorFile } from '../../src/interop/tensor-file.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';
import { CocogenError } from '../../src/core/errors.js';

async function expectCocogenError(fn: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const caught = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(caught).toBeInstanceOf(CocogenError);
  expect((caught as CocogenError).code).toBe(code);
  expect((caught as CocogenError).message).toMatch(message);
}

const shapes: [string, number[]][] = [
  ['conv.w', [3, 5, 7]],
  ['conv.b', [7]],
  ['empty', [0]],
  ['fc.w', [29]],
];
const sizes = shapes.map(([, s]) => s.reduce((a, b) => a * b, 1));
const total = sizes.reduce((a, b) => a + b, 0);

/** Writes one safetensors file per update (a flat vector cut into the tensors above). */
function writeInputs(dir: string, prefix: string, updates: Float32Array[]): string[] {
  return updates.map((u, j) => {
    const path = join(dir, `${prefix}${j}.safetensors`);
    let at = 0;
    writeTensorFile(
      path,
      shapes.map(([name, shape], t) => {
        const data = u.slice(at, at + sizes[t]!);
        at += sizes[t]!;
        return { name, shape, data };
      }),
    );
    return path;
  });
}

/** The output file's tensors, concatenated in the order above. */
function readFlat(path: string): Float32Array {
  const file = TensorFile.open(path);
  const flat = new Float32Array(total);
  let at = 0;
  shapes.forEach(([name], t) => {
    flat.set(file.tensor(name), at);
    at += sizes[t]!;
  });
  file.dispose();
  return flat;
}

const k = 7;
const rng = new Random(2026);
/** Honest updates near a centre; update 5 is an outlier only in the small tensor fc.w (the last 29 elements). */
const centre = rng.fillNormal(new Float32Array(total));
const updates = Array.from({ length: k }, (_, j) => {
  const u = new Float32Array(total);
  for (let i = 0; i < total; i++) u[i] = centre[i]! + 0.05 * (1 + j) * rng.normal();
  if (j === 5) for (let i = total - 29; i < total; i++) u[i] = u[i]! + 40;
  return u;
});

export function runFileRulesTable(backend: string, open: () => Promise<Engine>): void {
  describe(`aggregateFiles robust rules (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), `cocogen-ooc-robust-${backend}-`));
    const inputs = writeInputs(dir, 'u', updates);
    let engine: Engine;
    beforeAll(async () => {
      engine = await open();
    });
    afterAll(() => {
      engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const cases: [string, AggregateOptions, 'exact' | 'close'][] = [
      ['median', { rule: 'median' }, 'exact'],
      ['median with clip', { rule: 'median', clip: 20 }, 'close'],
      ['trimmed mean', { rule: 'trimmed-mean', trim: 0.2 }, 'close'],
      ['trimmed mean with clip', { rule: 'trimmed-mean', trim: 0.2, clip: 20 }, 'close'],
      ['fedavg with clip', { rule: 'fedavg', weights: [1, 2, 3, 4, 5, 6, 7], clip: 20 }, 'close'],
      ['krum', { rule: 'krum', f: 1 }, 'exact'],
      ['multi-krum', { rule: 'multi-krum', f: 2, m: 3, weights: [7, 6, 5, 4, 3, 2, 1] }, 'close'],
      ['multi-krum with clip', { rule: 'multi-krum', f: 1, m: 4, clip: 20 }, 'close'],
    ];
    for (const [what, options, match] of cases) {
      it(`${what}: blocks of 4 elements equal the in-memory rule on whole updates`, async () => {
        const out = join(dir, `${backend}-${what.replace(/ /g, '-')}.safetensors`);
        const stats = await aggregateFiles(engine, inputs, out, { ...options, blockElements: 4 });
        const expected = await engine.aggregateDetailed(updates, options);
        const actual = readFlat(out);
        if (match === 'exact') expect(Array.from(actual)).toEqual(Array.from(expected.result));
        else expectClose(actual, expected.result, { rtol: 1e-6, atol: 1e-6 });
        expect(stats.parameters).toBe(total);
        if (expected.selected) {
          expect(stats.selected).toEqual(expected.selected);
          // Scores are differences of Gram entries (float32 GEMM blocks on native): close, not equal.
          expectClose(stats.scores!, expected.scores!, { rtol: 1e-4 });
          // Update 5 differs only in fc.w: judged on whole updates it is never chosen.
          expect(stats.selected).not.toContain(5);
        }
        if (expected.clipScales) {
          expectClose(stats.scales!, expected.clipScales, { rtol: 1e-6 });
          expect(stats.scales![5]).toBeLessThan(1); // the outlier's whole-update norm is over the clip
        }
      });
    }

    it('reads each input twice for Krum and clip (two passes), once otherwise', async () => {
      const once = await aggregateFiles(engine, inputs, join(dir, `${backend}-once.safetensors`), { rule: 'median' });
      const twice = await aggregateFiles(engine, inputs, join(dir, `${backend}-twice.safetensors`), {
        rule: 'median',
        clip: 1,
      });
      expect(twice.bytes - total * 4).toBe(2 * (once.bytes - total * 4));
    });

    it('names the file, tensor and element of a NaN, in either pass, and writes nothing', async () => {
      const bad = updates.map((u) => u.slice());
      bad[3]![sizes[0]! + 2] = NaN; // conv.b[2] of input 3
      const badInputs = writeInputs(dir, 'nan', bad);
      for (const options of [
        { rule: 'median' },
        { rule: 'fedavg' },
        { rule: 'krum', f: 1 },
        { rule: 'trimmed-mean', clip: 3 },
      ] as AggregateOptions[]) {
        const out = join(dir, `${backend}-nan-${options.rule}.safetensors`);
        await expectCocogenError(
          () => aggregateFiles(engine, badInputs, out, { ...options, blockElements: 3 }),
          'INVALID_ARGUMENT',
          /tensor "conv\.b" of ".*nan3\.safetensors" but received NaN at element 2/,
        );
        expect(existsSync(out)).toBe(false);
      }
      // Propagated on request: the median of a coordinate with a NaN is NaN.
      const out = join(dir, `${backend}-nan-propagate.safetensors`);
      await aggregateFiles(engine, badInputs, out, { rule: 'median', nonFinite: 'propagate' });
      expect(readFlat(out)[sizes[0]! + 2]).toBeNaN();
    });

    it('checks the rule against K before opening a file', async () => {
      const out = join(dir, `${backend}-too-few.safetensors`);
      await expectCocogenError(
        () => aggregateFiles(engine, inputs.slice(0, 4), out, { rule: 'krum', f: 1 }),
        'INVALID_ARGUMENT',
        /K ≥ 2f \+ 3 updates .*4 updates/,
      );
      await expectCocogenError(
        () =>
          aggregateFiles(engine, [inputs[0]!, join(dir, 'gone.safetensors')], out, { rule: 'trimmed-mean', trim: 0.5 }),
        'INVALID_ARGUMENT',
        /options\.trim/,
      );
      await expectCocogenError(
        () => aggregateFiles(engine, inputs, out, { rule: 'median', scales: [1, 2] }),
        'INVALID_ARGUMENT',
        /one scale per update \(7\) for options\.scales/,
      );
      expect(existsSync(out)).toBe(false);
    });
  });
}
