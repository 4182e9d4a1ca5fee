/** Out-of-core FedAvg over files: blocks forced tiny, against an in-memory float64 average; nothing written on failure. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { aggregateFiles } from '../../src/interop/out-of-core.js';
import { TensorFile, writeTensorFile } from '../../src/interop/tensor-file.js';
import { fedAvgFloat64 } from '../cases/fed-avg.cases.js';
import { expectClose } from '../support/expect-close.js';
import { addon, expectCocogenError, seeded } from './native-addon.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-ooc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!addon)('aggregateFiles (out-of-core)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend: 'native' });
  });
  afterAll(() => engine.dispose());

  const k = 5;
  const shapes: [string, number[]][] = [
    ['layer.w', [7, 13]],
    ['layer.b', [13]],
    ['empty', [0]],
  ];
  const updates = Array.from({ length: k }, (_, j) =>
    shapes.map(([, s], t) =>
      seeded(
        100 * j + t + 1,
        s.reduce((a, b) => a * b, 1),
      ),
    ),
  );
  const inputs = updates.map((u, j) => {
    const path = join(dir, `u${j}.safetensors`);
    writeTensorFile(
      path,
      shapes.map(([name, shape], t) => ({ name, shape, data: u[t]! })),
    );
    return path;
  });

  for (const blockElements of [1, 5, 64, 1 << 20]) {
    it(`streams blocks of ${blockElements} element(s) to the weighted average`, async () => {
      const weights = [1, 2, 3, 4, 5];
      const out = join(dir, `avg-${blockElements}.safetensors`);
      const stats = await aggregateFiles(engine, inputs, out, { rule: 'fedavg', weights, blockElements });
      expect(stats).toMatchObject({ tensors: 3, parameters: 91 + 13 });
      expect(stats.peakRssBytes).toBeGreaterThan(0);
      const file = TensorFile.open(out);
      shapes.forEach(([name, shape], t) => {
        expect(file.info(name).shape).toEqual(shape);
        const { value } = fedAvgFloat64(
          updates.map((u) => u[t]!),
          weights,
        );
        expectClose(file.tensor(name), value, { rtol: 1e-6, atol: 1e-7 });
      });
      file.dispose();
    });
  }

  it('writes .npy from .npy inputs', async () => {
    const npys = updates.map((u, j) => {
      const path = join(dir, `n${j}.npy`);
      writeTensorFile(path, [{ name: 'array', shape: [91], data: u[0]! }]);
      return path;
    });
    const out = join(dir, 'avg.npy');
    await aggregateFiles(engine, npys, out, { rule: 'fedavg', blockElements: 8 });
    const file = TensorFile.open(out);
    expectClose(file.tensor('array'), fedAvgFloat64(updates.map((u) => u[0]!)).value, { rtol: 1e-6, atol: 1e-7 });
    file.dispose();
  });

  it('writes nothing when an input is missing or disagrees', async () => {
    const other = join(dir, 'other.safetensors');
    writeTensorFile(other, [{ name: 'layer.w', shape: [91], data: updates[0]![0]! }]);
    const out = join(dir, 'never.safetensors');
    await expectCocogenError(
      () => aggregateFiles(engine, [inputs[0]!, other], out, { rule: 'fedavg' }),
      'IO_ERROR',
      /layer\.w.*other\.safetensors/,
    );
    await expectCocogenError(
      () => aggregateFiles(engine, [inputs[0]!, join(dir, 'gone.safetensors')], out, { rule: 'fedavg' }),
      'IO_ERROR',
      /gone\.safetensors/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((n) => n.startsWith('never'))).toBe(false);
  });
});
