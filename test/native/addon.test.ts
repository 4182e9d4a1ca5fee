/** The addon as a whole: build info, the thread pool's size, and errors crossing as CocogenError. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { addon, expectCocogenError, native, runInChild } from './native-addon.js';

describe.skipIf(!addon)('native addon', () => {
  it('reports how it was built', () => {
    const info = native().buildInfo();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(info.version).toBe(pkg.version);
    expect(info.compiler).toMatch(/^(gcc|clang|msvc) /);
    expect(['Release', 'Debug', 'RelWithDebInfo', 'MinSizeRel']).toContain(info.buildType);
    expect(info.simd.length).toBeGreaterThan(0);
    expect(info.simd.every((s) => ['scalar', 'avx2', 'fma', 'avx512f', 'f16c'].includes(s))).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.alignment).toBe(64);
    const vector = info.simd[0] !== 'scalar';
    expect(info.kernels).toEqual({
      fedAvg: vector ? 'avx2' : 'scalar',
      robustRules: vector ? 'avx2' : 'scalar',
      serverOptimizer: vector ? 'avx2' : 'scalar',
      widenF16: vector && info.simd.includes('f16c') ? 'f16c' : 'scalar',
      widenBF16: vector ? 'avx2' : 'scalar',
      widenF64: vector ? 'avx2' : 'scalar',
      readSum: info.simd.includes('avx512f') ? 'avx512' : vector ? 'avx2' : 'scalar',
      triad: info.simd.includes('avx512f') ? 'avx512' : vector ? 'avx2' : 'scalar',
    });
  });

  it('names the scalar variant of every kernel under COCOGEN_NATIVE_ISA=scalar (child process)', () => {
    const kernels = runInChild(`console.log(JSON.stringify(addon.buildInfo().kernels));`, {
      COCOGEN_NATIVE_ISA: 'scalar',
    }) as Record<string, string>;
    expect(Object.values(kernels)).toEqual(new Array(8).fill('scalar'));
  });

  it('resizes its thread pool', () => {
    const threads = native().buildInfo().threads;
    native().setThreads(3);
    expect(native().buildInfo().threads).toBe(3);
    native().setThreads(1);
    expect(native().buildInfo().threads).toBe(1);
    native().setThreads(threads);
    expect(native().buildInfo().threads).toBe(threads);
  });

  it('rejects thread counts that are not integers from 1 to 1024', async () => {
    for (const n of [0, -1, 1.5, Number.NaN, 1025, '2', undefined]) {
      await expectCocogenError(
        () => native().setThreads(n as number),
        'INVALID_ARGUMENT',
        /^Expected an integer from 1 to 1024 for n but received /,
      );
    }
  });

  it('throws real CocogenErrors with a JS stack', () => {
    let caught: unknown;
    try {
      native().viewFloat32({} as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CocogenError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as CocogenError).name).toBe('CocogenError');
    expect((caught as CocogenError).stack).toContain('addon.test.ts');
  });

  it('rejects an error class that is not a function', async () => {
    await expectCocogenError(
      () => native().setErrorClass(42 as never),
      'INVALID_ARGUMENT',
      /^Expected a function for ctor but received 42$/,
    );
  });
});
