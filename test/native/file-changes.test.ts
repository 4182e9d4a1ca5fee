/**
 * Files that change while they are read, and temporaries on a signal (hardening): a tensor file that shrinks, is
 * rewritten or replaced after it was opened gives IO_ERROR (reason `changed`) naming it — on the streamed path read
 * with pread, never a SIGBUS — an aggregation over it leaves neither output nor temporary, and SIGINT / SIGTERM
 * remove a writer's temporary.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, truncateSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { createEngine } from '../../src/engine/engine.js';
import { aggregateFiles } from '../../src/interop/out-of-core.js';
import { TensorFile, writeTensorFile } from '../../src/interop/tensor-file.js';
import { runModule } from '../support/cli.js';
import { addon } from './native-addon.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function update(values = 4096): string {
  const path = join(dir, `u${counter++}.safetensors`);
  writeTensorFile(path, [{ name: 'w', shape: [values], data: Float32Array.from({ length: values }, (_, i) => i) }]);
  return path;
}

async function changed(p: Promise<unknown> | (() => unknown), path: string): Promise<void> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(CocogenError);
  expect((e as CocogenError).code).toBe('IO_ERROR');
  expect((e as CocogenError).details).toMatchObject({ path, reason: 'changed' });
  expect((e as CocogenError).message).toContain(path);
}

describe.skipIf(!addon)('a tensor file that changes after it was opened', () => {
  it('truncated: block() and tensor() give IO_ERROR naming it', async () => {
    const path = update();
    const file = TensorFile.open(path);
    expect(file.block('w', 0, 16).data[15]).toBe(15);
    truncateSync(path, 200);
    await changed(() => file.block('w', 0, 4096), path);
    await changed(() => file.tensor('w'), path);
    file.dispose();
  });

  it('truncated under a tensor() it returned: the values stay readable (a copy, not a map that would SIGBUS)', () => {
    const path = update(1 << 16);
    // A child process: were the values a view of a memory map, reading them would kill it with SIGBUS.
    const r = runModule(`
      import { truncateSync } from 'node:fs';
      import { TensorFile } from './dist/src/interop/tensor-file.js';
      const file = TensorFile.open(${JSON.stringify(path)});
      const w = file.tensor('w');
      truncateSync(${JSON.stringify(path)}, 0);
      let sum = 0;
      for (let i = 0; i < w.length; i++) sum += w[i];
      process.stdout.write(String(sum));
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Number(r.stdout)).toBe(((1 << 16) * ((1 << 16) - 1)) / 2);
  });

  it('rewritten in place or replaced by another file: the same', async () => {
    const path = update();
    const file = TensorFile.open(path);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await changed(() => file.block('w', 0, 8), path);
    file.dispose();
    const other = update();
    const again = TensorFile.open(path);
    renameSync(other, path);
    await changed(() => again.block('w', 0, 8), path);
    again.dispose();
  });

  it('an aggregation whose input shrinks mid-stream fails, leaving no output and no temporary', async () => {
    const inputs = [update(1 << 16), update(1 << 16), update(1 << 16)];
    const out = join(dir, 'median.safetensors');
    const engine = await createEngine({ backend: 'native' });
    try {
      const run = aggregateFiles(engine, inputs, out, {
        rule: 'median',
        blockElements: 1024,
        onProgress: (done) => {
          if (done === 1024) truncateSync(inputs[1]!, 4096);
        },
      });
      await changed(run, inputs[1]!);
    } finally {
      engine.dispose();
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe.skipIf(!addon)('read modes', () => {
  it('map reads the same bits as pread, and a bad mode or option is refused by name', async () => {
    const inputs = [update(5000), update(5000), update(5000)];
    const engine = await createEngine({ backend: 'native' });
    try {
      const outs = [];
      for (const read of ['pread', 'map'] as const) {
        const out = join(dir, `median-${read}.safetensors`);
        await aggregateFiles(engine, inputs, out, { rule: 'median', blockElements: 333, read });
        const f = TensorFile.open(out);
        outs.push(Float32Array.from(f.tensor('w')));
        f.dispose();
      }
      expect(outs[1]).toEqual(outs[0]);
      const bad = await aggregateFiles(engine, inputs, join(dir, 'x.safetensors'), {
        rule: 'median',
        read: 'mmap' as 'map',
      }).catch((e: unknown) => e);
      expect((bad as CocogenError).message).toMatch(/options\.read/);
    } finally {
      engine.dispose();
    }
    expect(() => TensorFile.open(inputs[0]!, { read: 'x' as 'map' })).toThrow(/options\.read/);
    expect(() => TensorFile.open(inputs[0]!, { reed: 'map' } as object)).toThrow(/options\.reed/);
    const file = TensorFile.open(inputs[0]!, { read: 'map' });
    expect(file.block('w', 10, 3).data).toEqual(Float32Array.of(10, 11, 12));
    file.dispose();
  });
});

describe('a writer’s temporary on a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`is removed on ${signal}, and the process dies of the signal`, () => {
      const out = join(dir, `${signal}.safetensors`);
      const r = runModule(`
        import { readdirSync } from 'node:fs';
        import { TensorFileWriter } from './dist/src/interop/tensor-file.js';
        const w = new TensorFileWriter(${JSON.stringify(out)}, [{ name: 'w', shape: [4] }]);
        w.write(Float32Array.of(1, 2));
        process.stdout.write(readdirSync(${JSON.stringify(dir)}).filter((n) => n.startsWith('${signal}')).join(',') + '\\n');
        setTimeout(() => process.kill(process.pid, '${signal}'), 10);
        setTimeout(() => {}, 10000);
      `);
      expect(r.stdout).toMatch(new RegExp(`^${signal}\\.safetensors\\.tmp-`));
      expect(r.status).toBeNull(); // killed by the signal, not exited
      expect(readdirSync(dir).filter((n) => n.startsWith(signal))).toEqual([]);
    });
  }
});
