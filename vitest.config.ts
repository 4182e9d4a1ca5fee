import { defineConfig } from 'vitest/config';

// Tests are grouped by what they need (STYLE.md): unit (pure TS), native (the addon), gpu (Dawn), e2e (CLI).
// Single fork: the WebGPU tier shares one Dawn instance per process and the machines have 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
