// optionsRecord (src/util/options.ts) and formatNumber (src/util/format-number.ts): shared below the CLI.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { table } from '../../src/cli/output.js';
import { formatColumn, formatMilliseconds, formatNumber } from '../../src/util/format-number.js';
import { optionsRecord } from '../../src/util/options.js';

describe('optionsRecord', () => {
  it('returns the options, {} for undefined', () => {
    const o = { seed: 1 };
    expect(optionsRecord(o, ['seed', 'onPoint'], 'options')).toBe(o);
    expect(optionsRecord(undefined, ['seed'], 'options')).toEqual({});
  });

  it('refuses an unknown key, naming it, and anything but a plain object', () => {
    const f = () => optionsRecord({ seed: 1, sede: 2 }, ['seed', 'onPoint'], 'options');
    expect(f).toThrow(CocogenError);
    expect(f).toThrow('Expected one of the options seed, onPoint for options.sede but received an unknown option');
    for (const bad of [null, 3, 'x', [1], new Float64Array(1)])
      expect(() => optionsRecord(bad, ['seed'], 'opts')).toThrow(/Expected an options object for opts/);
  });
});

describe('formatNumber', () => {
  it('writes integers as they are, others to 6 significant digits, tiny and huge ones in exponent form', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.0040000001)).toBe('0.004');
    expect(formatNumber(1.23456789)).toBe('1.23457');
    expect(formatNumber(5.954e-8)).toBe('5.954e-8');
    expect(formatNumber(1234567.5)).toBe('1.235e+6');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('rounds derived quantities to fewer digits when asked', () => {
    expect(formatNumber(9.36059, 4)).toBe('9.361');
    expect(formatNumber(1.2345e-9, 2)).toBe('1.2e-9');
    expect(formatNumber(0.5, 4)).toBe('0.5');
  });
});

describe('formatColumn', () => {
  it('gives a column one number of decimals, from its largest magnitude', () => {
    expect(formatColumn([6215.3, 6531.94, 0, -86.5616])).toEqual(['6215', '6532', '0', '-87']);
    expect(formatColumn([0.767454, 0.734225, 1.2])).toEqual(['0.767', '0.734', '1.200']);
    expect(formatColumn([0.0164985, 0.138379])).toEqual(['0.0165', '0.1384']);
  });

  it('uses no more decimals than the values need: counts stay integral, accuracies keep 3', () => {
    expect(formatColumn([3003.09, 12, 7])).toEqual(['3003', '12', '7']);
    expect(formatColumn([0.751, 0.746, 0.7])).toEqual(['0.751', '0.746', '0.700']);
    expect(formatColumn([0.2, 0.4, 1])).toEqual(['0.2', '0.4', '1.0']);
  });

  it('prints no negative zero, keeps non-finite values visible and tiny columns in exponent form', () => {
    expect(formatColumn([-0.00001, 5.5])).toEqual(['0.0', '5.5']);
    expect(formatColumn([NaN, 1.5, Infinity])).toEqual(['NaN', '1.5', 'Infinity']);
    expect(formatColumn([2.5e-5, 0, 1e-4])).toEqual(['2.500e-5', '0', '1.000e-4']);
    expect(formatColumn([])).toEqual([]);
  });
});

describe('formatMilliseconds', () => {
  it('two significant digits below 10 ms, whole milliseconds above', () => {
    expect(formatMilliseconds(0.00113198)).toBe('1.1 ms');
    expect(formatMilliseconds(0.0130474)).toBe('13 ms');
    expect(formatMilliseconds(0.0000251)).toBe('0.025 ms');
  });
});

describe('table', () => {
  it('rounds each numeric column as one, right-aligned, and honours per-column formats', () => {
    const t = table(
      ['name', 'welfare', 'g', 'loss'],
      [
        ['a', 6215.3, 0.1, 0.767454],
        ['b', 6531.94, 1, 1.2],
      ],
      ['auto', 'auto', { significant: 6 }, { decimals: 2 }],
    ).split('\n');
    expect(t[2]).toBe('a        6215  0.1  0.77');
    expect(t[3]).toBe('b        6532    1  1.20');
  });
});
