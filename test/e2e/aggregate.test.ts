/** `cocogen aggregate` as a user runs it: both formats, --json stats, and bad input → exit 2 with no output file. */
import {
  existsSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { createEngine } from '../../src/engine/engine.js';
import { aggregateFiles } from '../../src/interop/out-of-core.js';
import { TensorFile, writeTensorFile } from '../../src/interop/tensor-file.js';
import { runCli } from '../support/cli.js';
import { expectClose } from '../support/expect-close.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-aggregate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = Float32Array.of(1, 2, 3, 4, 5, 6);
const b = Float32Array.of(3, 2, 1, 0, -1, -2);

function safetensors(name: string, tensors: { name: string; shape: number[]; data: Float32Array }[]): string {
  const path = join(dir, name);
  writeTensorFile(path, tensors);
  return path;
}

describe.skipIf(!loadAddon().ok)('cocogen aggregate', () => {
  const inA = safetensors('a.safetensors', [
    { name: 'w', shape: [2, 3], data: a },
    { name: 'b', shape: [2], data: Float32Array.of(1, 1) },
  ]);
  const inB = safetensors('b.safetensors', [
    { name: 'w', shape: [2, 3], data: b },
    { name: 'b', shape: [2], data: Float32Array.of(3, 5) },
  ]);

  it('averages safetensors with weights and prints --json stats', () => {
    const out = join(dir, 'avg.safetensors');
    const r = runCli([
      'aggregate',
      '--rule',
      'fedavg',
      '--weights',
      '1,3',
      '--backend',
      'native',
      inA,
      inB,
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout) as Record<string, number>;
    expect(stats).toMatchObject({ rule: 'fedavg', tensors: 2, parameters: 8 });
    for (const key of ['bytes', 'seconds', 'gbPerSecond', 'peakRssBytes']) expect(stats[key]).toBeGreaterThan(0);
    const file = TensorFile.open(out);
    expect(Array.from(file.tensor('w'))).toEqual(Array.from(a, (v, i) => (v + 3 * b[i]!) / 4));
    expect(Array.from(file.tensor('b'))).toEqual([2.5, 4]);
    file.dispose();
  });

  it('averages .npy files into .npy', () => {
    const paths = [a, b].map((data, j) => {
      const path = join(dir, `u${j}.npy`);
      writeTensorFile(path, [{ name: 'array', shape: [6], data }]);
      return path;
    });
    const out = join(dir, 'avg.npy');
    const r = runCli(['aggregate', '--rule', 'fedavg', ...paths, '--out', out, '--backend', 'native']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fedavg of 2 updates/);
    const file = TensorFile.open(out);
    expect(Array.from(file.tensor('array'))).toEqual([2, 2, 2, 2, 2, 2]);
    file.dispose();
  });

  it('refuses an --out that is an input under another name: relative, absolute, a symlink, a hard link', () => {
    const paths = [a, b].map((data, j) => {
      const path = join(dir, `same${j}.npy`);
      writeTensorFile(path, [{ name: 'array', shape: [6], data }]);
      return path;
    });
    const before = readFileSync(paths[1]!);
    symlinkSync(paths[1]!, join(dir, 'same1-symlink.npy'));
    linkSync(paths[1]!, join(dir, 'same1-hardlink.npy'));
    const names = [
      relative(process.cwd(), paths[1]!),
      `${dir}/./same1.npy`,
      join(dir, 'same1-symlink.npy'),
      join(dir, 'same1-hardlink.npy'),
    ];
    for (const out of names) {
      const r = runCli(['aggregate', '--rule', 'fedavg', ...paths, '--out', out, '--backend', 'js', '--json']);
      expect(r.status, out).toBe(2);
      expect(JSON.parse(r.stderr).error.message, out).toMatch(/none of the inputs \(it is input 1, .*\) for --out/);
      expect(readFileSync(paths[1]!).equals(before), out).toBe(true);
    }
  });

  it('aggregateFiles refuses an output that is one of its inputs', async () => {
    const engine = await createEngine({ backend: 'js' });
    try {
      const inputs = [join(dir, 'same0.npy'), join(dir, 'same1.npy')];
      await expect(aggregateFiles(engine, inputs, join(dir, 'same1-hardlink.npy'), { rule: 'fedavg' })).rejects.toThrow(
        /none of the inputs .* for output/,
      );
    } finally {
      engine.dispose();
    }
  });

  // Five updates with small integer values: medians, trims and Krum's choice are easy to state by hand.
  const five = [
    [1, 10, -3],
    [2, 20, -2],
    [3, 30, -1],
    [4, 40, 0],
    [500, -900, 700], // the outlier
  ].map((row, j) =>
    safetensors(`five${j}.safetensors`, [
      { name: 'x', shape: [2], data: Float32Array.of(row[0]!, row[1]!) },
      { name: 'y', shape: [1], data: Float32Array.of(row[2]!) },
    ]),
  );
  const ruleCases: [string, string[], number[], (stats: Record<string, unknown>) => void][] = [
    ['median', ['--rule', 'median'], [3, 20, -1], () => {}],
    ['trimmed-mean', ['--rule', 'trimmed-mean', '--trim', '0.2'], [3, 20, -1], () => {}],
    [
      'krum',
      ['--rule', 'krum', '--f', '1'],
      // Scores (sum of the 2 nearest squared distances): 510, 204, 204, 510, huge; the tie goes to the lower index.
      [2, 20, -2],
      (stats) => expect(stats.selected).toEqual([1]),
    ],
    [
      'multi-krum',
      ['--rule', 'multi-krum', '--f', '1', '--m', '2', '--weights', '1,3,1,1,1'],
      [2.25, 22.5, -1.75], // (3·u1 + u2) / 4
      (stats) => {
        expect(stats.selected).toEqual([1, 2]);
        expect((stats.scores as number[]).slice(0, 4)).toEqual([510, 204, 204, 510]);
        expect((stats.scores as number[])[4]).toBeGreaterThan(1e6);
      },
    ],
  ];
  for (const [what, args, expected, check] of ruleCases) {
    it(`aggregates files with ${what}`, () => {
      const out = join(dir, `rule-${args[1]}-${args.length}.safetensors`);
      const r = runCli(['aggregate', ...args, ...five, '--out', out, '--backend', 'native', '--json', '--block', '1']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const stats = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(stats).toMatchObject({ rule: args[1], tensors: 2, parameters: 3 });
      check(stats);
      const file = TensorFile.open(out);
      const got = [...file.tensor('x'), ...file.tensor('y')];
      file.dispose();
      expect(got).toEqual(expected);
    });
  }

  it('clips by the norm of the whole update (all its tensors)', () => {
    const out = join(dir, 'clipped.safetensors');
    const r = runCli([
      'aggregate',
      '--rule',
      'fedavg',
      '--clip',
      '15',
      ...five,
      '--out',
      out,
      '--json',
      '--block',
      '1',
    ]);
    expect(r.status).toBe(0);
    const rows = [
      [1, 10, -3],
      [2, 20, -2],
      [3, 30, -1],
      [4, 40, 0],
      [500, -900, 700],
    ];
    const scales = rows.map((u) => Math.fround(Math.min(1, 15 / Math.hypot(...u))));
    expect((JSON.parse(r.stdout) as { scales: number[] }).scales).toEqual(scales);
    const file = TensorFile.open(out);
    const got = [...file.tensor('x'), ...file.tensor('y')];
    file.dispose();
    // Tensor y (|y| ≤ 3 for the first four) is scaled with x: clipping tensor by tensor would leave it alone.
    const want = [0, 1, 2].map((i) => rows.reduce((acc, u, k) => acc + scales[k]! * u[i]!, 0) / 5);
    expectClose(got, want, { rtol: 1e-6 });
  });

  it('says which inputs Krum chose, in words', () => {
    const out = join(dir, 'krum-words.safetensors');
    const r = runCli(['aggregate', '--rule', 'krum', '--f', '1', ...five, '--out', out, '--backend', 'js']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/selected: .*five1\.safetensors \(Krum scores, best first\)/);
  });

  for (const [what, args, message] of [
    ['a trim that leaves nothing', ['--rule', 'trimmed-mean', '--trim', '0.5', five[0]!, five[1]!], /for --trim but/],
    ['K too small for f', ['--rule', 'krum', '--f', '2', ...five], /K ≥ 2f \+ 3 updates .*5 updates/],
    ['m above K − f', ['--rule', 'multi-krum', '--f', '1', '--m', '5', ...five], /for --m but/],
  ] as [string, string[], RegExp][]) {
    it(`exits 2 on ${what} and writes nothing`, () => {
      const out = join(dir, `bad-rule-${what.replace(/\W+/g, '-')}.safetensors`);
      const r = runCli(['aggregate', ...args, '--out', out, '--backend', 'native', '--json']);
      expect(r.status).toBe(2);
      expect((JSON.parse(r.stderr) as { error: { message: string } }).error.message).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  const corrupt = join(dir, 'corrupt.safetensors');
  writeFileSync(corrupt, Uint8Array.of(200, 0, 0, 0, 0, 0, 0, 0, 123));
  const badName = safetensors('name.safetensors', [
    { name: 'W', shape: [2, 3], data: a },
    { name: 'b', shape: [2], data: Float32Array.of(1, 1) },
  ]);
  const badShape = safetensors('shape.safetensors', [
    { name: 'w', shape: [3, 2], data: a },
    { name: 'b', shape: [2], data: Float32Array.of(1, 1) },
  ]);
  const cases: [string, string[], RegExp][] = [
    ['mismatched names', [inA, badName], /"W" of .*name\.safetensors/],
    ['mismatched shapes', [inA, badShape], /"w" has shape \[3, 2\] in .*shape\.safetensors/],
    ['a corrupt file', [inA, corrupt], /Corrupt safetensors file .*corrupt\.safetensors/],
    ['a missing file', [inA, join(dir, 'missing.safetensors')], /missing\.safetensors.*no such file/],
    ['an unknown rule', ['--rule', 'mode', inA, inB], /--rule/],
    ['an unknown read mode', ['--read', 'mmap', inA, inB], /--read/],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 2 on ${what} and writes no output`, () => {
      const out = join(dir, `fail-${what.replace(/ /g, '-')}.safetensors`);
      const rule = args[0] === '--rule' ? [] : ['--rule', 'fedavg'];
      const r = runCli(['aggregate', ...rule, ...args, '--out', out, '--backend', 'native', '--json']);
      expect(r.status).toBe(2);
      const error = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).some((n) => n.startsWith('fail-'))).toBe(false);
    });
  }
});
