// optionsRecord (src/util/options.ts) and formatNumber (src/util/format-number.ts): shared below the CLI.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { formatNumber } from '../../src/util/format-number.js';
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
});
