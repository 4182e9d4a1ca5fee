/**
 * bindings/ imports nothing from src/: src/ hands it the error class (configureBindings, better-sqlite3's pattern).
 * This file imports bindings/ directly, never src/core/addon.ts, so it starts with the bindings unconfigured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configureBindings, loadAddon } from '../../bindings/addon.js';
import { bindingsError } from '../../bindings/error-class.js';
import { CocogenError } from '../../src/core/errors.js';

const bindingsDir = new URL('../../bindings/', import.meta.url);

describe('bindings', () => {
  it('import nothing from src/', () => {
    const offenders = readdirSync(bindingsDir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '\.\.\/src\//.test(readFileSync(new URL(f, bindingsDir), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('throw the class src/ hands them, and a plain Error named and coded alike before', () => {
    const before = bindingsError('BACKEND_UNAVAILABLE', 'no adapter');
    expect(before).toBeInstanceOf(Error);
    expect(before).not.toBeInstanceOf(CocogenError);
    expect(before.name).toBe('CocogenError');
    expect((before as CocogenError).code).toBe('BACKEND_UNAVAILABLE');
    expect(before.message).toBe('no adapter');

    const load = loadAddon();
    configureBindings({ ErrorClass: CocogenError });
    const after = bindingsError('BACKEND_UNAVAILABLE', 'no adapter');
    expect(after).toBeInstanceOf(CocogenError);
    expect((after as CocogenError).code).toBe('BACKEND_UNAVAILABLE');
    if (!load.ok) return;
    // The addon loaded before the class was handed over receives it too.
    let caught: unknown;
    try {
      load.addon.viewFloat32({} as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CocogenError);
    expect((caught as CocogenError).code).toBe('INVALID_ARGUMENT');
  });
});
