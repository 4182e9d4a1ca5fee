#!/usr/bin/env node
// Formatting check (STYLE.md: 2 spaces, 120 columns, in both languages): prettier for TypeScript and scripts,
// clang-format for C++. Without clang-format on PATH the C++ half is skipped with a note, except under CI=true,
// where a missing formatter fails the check (CI installs it).
//
// The C++ sources are every .cc and .h under native/, subfolders included (native/kernels/, native/exports/,
// native/exports/common/). `--fix-cpp` formats them in place instead (the C++ half of `npm run format`), so that the
// check and the formatter always see the same files.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Paths relative to the repository root of every C++ source under `dir`, sorted. */
function cppSources(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return cppSources(path);
      return /\.(cc|h)$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

const sources = cppSources('native');

if (process.argv.includes('--fix-cpp')) {
  const fix = spawnSync('clang-format', ['-i', ...sources], { cwd: root, stdio: 'inherit' });
  if (fix.error) {
    console.error('clang-format not found: install clang-format to format the C++ sources');
    process.exit(1);
  }
  process.exit(fix.status ?? 1);
}

let failed = false;

const prettier = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
    '--check',
    'src/**/*.ts',
    'bindings/**/*.ts',
    'bench/**/*.ts',
    'test/**/*.ts',
    'scripts/**/*.mjs',
    'bin/*.js',
    'vitest.config.ts',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (prettier.status !== 0) failed = true;

const clang = spawnSync('clang-format', ['--dry-run', '-Werror', ...sources], { cwd: root, stdio: 'inherit' });
if (clang.error) {
  if (process.env.CI === 'true') {
    console.error('clang-format is required under CI=true (apt-get install clang-format)');
    failed = true;
  } else {
    console.warn('clang-format not found: C++ formatting not checked (install clang-format to check it)');
  }
} else if (clang.status !== 0) {
  console.error('C++ sources are not clang-formatted: run `npm run format`');
  failed = true;
} else {
  console.log(`clang-format: ${sources.length} C++ files formatted`);
}
process.exit(failed ? 1 : 0);
