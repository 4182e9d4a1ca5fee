/** Output folders (src/util/directories.ts): impossible destinations fail at once with IO_ERROR naming them. */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { checkCreatableDirectory, ensureDirectory } from '../../src/util/directories.js';

const root = mkdtempSync(join(tmpdir(), 'cocogen-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = join(root, 'a-file');
writeFileSync(file, 'x');

function ioError(f: () => void, path: string): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, path).toBeInstanceOf(CocogenError);
  expect((error as CocogenError).code).toBe('IO_ERROR');
  expect((error as CocogenError).message).toContain(path);
}

// /proc and /sys made Node's recursive mkdir spin forever; a path through a regular file or a device is no folder.
const impossible = ['/proc/cocogen-x', '/proc/cocogen-x/y', '/sys/cocogen-x/y', '/dev/full/x', join(file, 'sub')];

describe('ensureDirectory', () => {
  it('makes the missing folders of a path, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    ensureDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    ensureDirectory(deep);
  });

  it('fails with IO_ERROR naming the path for every impossible destination', () => {
    for (const path of impossible) ioError(() => ensureDirectory(path), path);
    expect(existsSync(join(file, 'sub'))).toBe(false);
  });

  it('makes writeFileAtomic fail the same way, leaving nothing behind', () => {
    for (const path of impossible) ioError(() => writeFileAtomic(join(path, 'out.json'), '{}'), join(path, 'out.json'));
  });
});

describe('checkCreatableDirectory', () => {
  it('accepts an existing folder and a creatable one, creating nothing', () => {
    const before = readdirSync(root).sort();
    checkCreatableDirectory(root);
    checkCreatableDirectory(join(root, 'new', 'deeper'));
    expect(readdirSync(root).sort()).toEqual(before);
  });

  it('refuses every impossible destination', () => {
    for (const path of impossible) ioError(() => checkCreatableDirectory(path), path);
  });
});
