/** `cocogen aggregate` as a user runs it: both formats, --json stats, and bad input → exit 2 with no output file. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../../bindings/addon.js';
import { TensorFile, writeTensorFile } from '../../src/interop/tensor-file.js';
import { runCli } from '../support/cli.js';

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
