#!/usr/bin/env node
// Formatting check (STYLE.md: 2 spaces, 120 columns, in both languages): prettier for TypeScript and scripts,
// clang-format for C++. Without clang-format on PATH the C++ half is skipped with a note, except under CI=true,
// where a missing formatter fails the check (CI installs it).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
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

const sources = readdirSync(join(root, 'native'))
  .filter((f) => /\.(cc|h)$/.test(f))
  .map((f) => join('native', f));
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
