/**
 * The native exports' one convention (native/exports/common/export_registry.h): every export registers itself with
 * COCOGEN_EXPORT beside a comment carrying its TS signature, and bindings/addon.ts declares exactly the exports the
 * addon has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addon } from './native-addon.js';

const root = new URL('../../', import.meta.url);
const exportsDir = new URL('native/exports/', root);

/** name → file of every COCOGEN_EXPORT(name, callback) in native/exports/*.cc, and the names without a signature. */
function registrations(): { files: Map<string, string>; unsigned: string[] } {
  const files = new Map<string, string>();
  const unsigned: string[] = [];
  for (const file of readdirSync(exportsDir).filter((f) => f.endsWith('.cc'))) {
    const source = readFileSync(new URL(file, exportsDir), 'utf8');
    for (const [, name] of source.matchAll(/^COCOGEN_EXPORT\((\w+), \w+\);$/gm)) {
      expect(files.has(name!), `${name} is registered twice`).toBe(false);
      files.set(name!, file);
      if (!new RegExp(`^// ${name}\\(`, 'm').test(source)) unsigned.push(`${name} (${file})`);
    }
  }
  return { files, unsigned };
}

/** The method names of the CocogenAddon interface in bindings/addon.ts. */
function declared(): string[] {
  const source = readFileSync(new URL('bindings/addon.ts', root), 'utf8');
  const body = source.slice(source.indexOf('export interface CocogenAddon {'));
  return [...body.slice(0, body.indexOf('\n}\n')).matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!);
}

describe('native exports', () => {
  it('each register once, beside a comment with their TS signature', () => {
    const { files, unsigned } = registrations();
    expect(files.size).toBeGreaterThan(0);
    expect(unsigned).toEqual([]);
  });

  it('are declared in bindings/addon.ts, one for one', () => {
    expect([...registrations().files.keys()].sort()).toEqual(declared().sort());
  });

  it.skipIf(!addon)('are what the built addon exports', () => {
    const names = Object.keys(addon!).filter(
      (k) => typeof (addon as unknown as Record<string, unknown>)[k] === 'function',
    );
    expect(names.sort()).toEqual([...registrations().files.keys()].sort());
  });
});
