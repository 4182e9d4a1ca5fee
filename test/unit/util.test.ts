import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/util/random.js';
import { toCsv, writeFileAtomic } from '../../src/util/atomic-write.js';
import { CocogenError } from '../../src/core/errors.js';
import { VERSION } from '../../src/core/version.js';
import { counted } from '../../src/util/format-number.js';
import { decimalNumber } from '../../src/cli/flags.js';

describe('Random', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });
  it('draws uniforms in [0, 1) with the right mean and normals with the right moments', () => {
    const r = new Random(123);
    let s = 0;
    let s1 = 0;
    let s2 = 0;
    const n = 200_000;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      const z = r.normal();
      s1 += z;
      s2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s1 / n).toBeCloseTo(0, 2);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});

describe('writeFileAtomic and toCsv', () => {
  it('writes the whole file and leaves no temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocogen-'));
    const path = join(dir, 'sub', 'a.csv');
    writeFileAtomic(
      path,
      toCsv(
        ['x', 'label'],
        [
          [1, 'a,b'],
          [NaN, 'q"'],
          [Infinity, null],
        ],
      ),
    );
    expect(readFileSync(path, 'utf8')).toBe('x,label\n1,"a,b"\nnan,"q"""\ninf,\n');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.csv']);
  });
  it('fails with IO_ERROR naming the path, leaving nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocogen-'));
    writeFileAtomic(join(dir, 'file'), 'x');
    const target = join(dir, 'file', 'child.json'); // a file where a folder is needed
    expect(() => writeFileAtomic(target, '{}')).toThrow(CocogenError);
    try {
      writeFileAtomic(target, '{}');
    } catch (e) {
      expect((e as CocogenError).code).toBe('IO_ERROR');
      expect((e as CocogenError).message).toContain(target);
    }
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('VERSION', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('counted and decimalNumber', () => {
  it('says one noun and many nouns', () => {
    expect(counted(1, 'round')).toBe('1 round');
    expect(counted(0, 'round')).toBe('0 rounds');
    expect(counted(2, 'class', 'classes')).toBe('2 classes');
    expect(counted(12000, 'point')).toBe('12,000 points');
  });

  it('reads decimal numbers only', () => {
    for (const [text, v] of [
      ['0.3', 0.3],
      ['-2', -2],
      ['1e-4', 1e-4],
      ['.5', 0.5],
      ['5.', 5],
      [' 7 ', 7],
      ['+3E2', 300],
    ] as [string, number][])
      expect(decimalNumber(text)).toBe(v);
    for (const text of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '', ' ', '1,5', '1e', 'e5', '--1'])
      expect(decimalNumber(text), text).toBeNaN();
  });
});
