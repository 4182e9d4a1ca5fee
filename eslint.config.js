// ESLint (flat config) with typescript-eslint: the recommended rules for every TypeScript file, plus the type-aware
// rules that catch what an async engine gets wrong most (a promise nobody awaits, one passed where a plain value is
// expected).
// Formatting is prettier's job (npm run format:check), so no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'docs/api/**', 'node_modules/**', 'bindings/wgsl.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `const { dropped: _dropped, ...kept } = o` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read CLI output and mutate parsed JSON, which has no type worth writing; a hole in an array literal is
    // how the tests build the sparse input they check is refused.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-sparse-arrays': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
