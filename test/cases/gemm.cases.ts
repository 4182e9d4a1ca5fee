/**
 * The one table of GEMM cases that every backend runs (stdlib-js's pattern): js (float64 accumulation), native
 * (float32: OpenBLAS when the build linked it, and the own tiled, packed FMA kernel — test/native/gemm-native.test.ts
 * runs the table on each) and WebGPU (float32, shared-memory tiles), each against a float64 loop here.
 *
 * Tolerance, per element: |got − exact| ≤ 2·k·2^-24·|α|·Σ_p |op(A)_ip·op(B)_pj| + 2^-23·(|α·acc| + |β·C_ij|) + 1e-30
 * — the classical bound for a float32 dot product of length k (γ_k, doubled for the α and β products and the final
 * rounding), scaled by the magnitudes that actually meet in the sum. It holds whatever the order of the sum (OpenBLAS
 * sums in its own blocked order, the own kernel in k order), with or without FMA. It is a worst case; observed errors
 * on random data are ~√k smaller.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { GemmOptions } from '../../src/engine/kernels/gemm/contract.js';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

export interface GemmCaseInput {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  options?: GemmOptions;
}

export interface GemmCase {
  name: string;
  make(): GemmCaseInput;
  /** Omitted: compare with the float64 result. Otherwise the error code and a regexp over its message. */
  error?: { code: string; message: RegExp };
}

const U = 2 ** -24;

export function uniform(seed: number, length: number, lo = -1, hi = 1): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length }, () => lo + (hi - lo) * rng.next());
}

/** Exact (float64) α·op(A)·op(B) + β·C and the per-element tolerance stated above. */
export function gemmFloat64(input: GemmCaseInput): { value: Float64Array; atol: Float64Array } {
  const { m, n, k, a, b } = input;
  const { transA = false, transB = false, alpha = 1, beta = 0, c } = input.options ?? {};
  const value = new Float64Array(m * n);
  const atol = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const x = (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
        s += x;
        mag += Math.abs(x);
      }
      const old = beta !== 0 ? beta * c![i * n + j]! : 0;
      value[i * n + j] = alpha * s + old;
      atol[i * n + j] = 2 * k * U * Math.abs(alpha) * mag + 2 * U * (Math.abs(alpha * s) + Math.abs(old)) + 1e-30;
    }
  }
  return { value, atol };
}

function random(m: number, n: number, k: number, seed: number, options: GemmOptions = {}): GemmCaseInput {
  return { m, n, k, a: uniform(seed, m * k), b: uniform(seed + 1, k * n), options };
}

export const GEMM_CASES: GemmCase[] = [
  { name: '1×1×1', make: () => random(1, 1, 1, 1) },
  { name: 'odd 7×5×3', make: () => random(7, 5, 3, 2) },
  { name: 'one row 1×37×19', make: () => random(1, 37, 19, 3) },
  { name: 'one column 23×1×40', make: () => random(23, 1, 40, 4) },
  { name: 'k not a multiple of any tile: 33×17×70', make: () => random(33, 17, 70, 5) },
  { name: 'k over several native k blocks: 13×21×600', make: () => random(13, 21, 600, 6) },
  { name: 'several tiles each way: 130×100×300 (multithreaded on native)', make: () => random(130, 100, 300, 7) },
  { name: 'transA 37×29×41', make: () => random(37, 29, 41, 8, { transA: true }) },
  { name: 'transB 37×29×41', make: () => random(37, 29, 41, 9, { transB: true }) },
  { name: 'transA and transB 37×29×41', make: () => random(37, 29, 41, 10, { transA: true, transB: true }) },
  { name: 'transA and transB 70×90×130', make: () => random(70, 90, 130, 11, { transA: true, transB: true }) },
  {
    name: 'α = −0.5, β = 2 into a given C',
    make: () => random(19, 35, 27, 12, { alpha: -0.5, beta: 2, c: uniform(99, 19 * 35) }),
  },
  {
    name: 'β = 0 never reads C (NaN there does not propagate)',
    make: () => random(9, 18, 8, 13, { c: new Float32Array(9 * 18).fill(NaN) }),
  },
  {
    name: 'β = 1 accumulates, transB, 20×48×100',
    make: () => random(20, 48, 100, 14, { beta: 1, transB: true, c: uniform(98, 20 * 48) }),
  },
  {
    name: 'wide magnitudes (1e3 and 1e-3)',
    make: () => ({ ...random(17, 19, 64, 15), a: uniform(15, 17 * 64, -1e3, 1e3) }),
  },
  { name: 'm = 0', make: () => random(0, 5, 4, 16) },
  { name: 'n = 0', make: () => random(5, 0, 4, 17) },
  { name: 'k = 0 gives β·C', make: () => random(3, 4, 0, 18, { beta: 0.5, c: uniform(97, 12) }) },
  { name: 'k = 0, β = 0 gives zeros', make: () => random(3, 4, 0, 19, { c: uniform(96, 12) }) },
  {
    name: 'A of the wrong length',
    make: () => ({ ...random(3, 4, 5, 20), a: new Float32Array(14) }),
    error: {
      code: 'INVALID_ARGUMENT',
      message: /Float32Array of length 15 \(3×5\) for a but received a Float32Array of length 14/,
    },
  },
  {
    name: 'B of the wrong type',
    make: () => ({ ...random(3, 4, 5, 21), b: new Float64Array(20) as unknown as Float32Array }),
    error: { code: 'INVALID_ARGUMENT', message: /Float32Array of length 20 \(5×4\) for b but received a Float64Array/ },
  },
  {
    name: 'β ≠ 0 without C',
    make: () => random(3, 4, 5, 22, { beta: 1 }),
    error: { code: 'INVALID_ARGUMENT', message: /for options\.c/ },
  },
  {
    name: 'C overlapping A',
    make: () => {
      const shared = new Float32Array(64);
      return { m: 4, n: 4, k: 4, a: shared.subarray(0, 16), b: uniform(1, 16), options: { c: shared.subarray(8, 24) } };
    },
    error: { code: 'INVALID_ARGUMENT', message: /shares no memory with a or b for options\.c/ },
  },
  {
    name: 'non-integer m',
    make: () => ({ ...random(3, 4, 5, 23), m: 2.5 }),
    error: { code: 'INVALID_ARGUMENT', message: /integer in \[0, 2\^31\) for m but received 2\.5/ },
  },
  {
    name: 'infinite α',
    make: () => random(3, 4, 5, 24, { alpha: Infinity }),
    error: { code: 'INVALID_ARGUMENT', message: /finite number for options\.alpha but received Infinity/ },
  },
];

/**
 * Run the table on one backend; the engine is created once and disposed at the end. `variant` names an
 * implementation within the backend (native's `own` and `blas`).
 */
export function runGemmTable(backend: 'js' | 'native' | 'webgpu', open: () => Promise<Engine>, variant?: string): void {
  describe(`GEMM shared table on ${backend}${variant ? ` (${variant})` : ''}`, () => {
    let engine: Promise<Engine> | undefined;
    const get = () => (engine ??= open());
    afterAll(async () => (await engine)?.dispose());

    for (const c of GEMM_CASES) {
      it(c.name, async () => {
        const input = c.make();
        const e = await get();
        const options = input.options
          ? { ...input.options, ...(input.options.c ? { c: input.options.c.slice() } : {}) }
          : {};
        if (c.error) {
          let caught: unknown;
          try {
            await e.gemm(input.m, input.n, input.k, input.a, input.b, input.options);
          } catch (err) {
            caught = err;
          }
          expect(caught).toBeInstanceOf(CocogenError);
          expect((caught as CocogenError).code).toBe(c.error.code);
          expect((caught as CocogenError).message).toMatch(c.error.message);
          return;
        }
        const expected = gemmFloat64(input);
        const got = await e.gemm(input.m, input.n, input.k, input.a, input.b, options);
        expect(got).toBeInstanceOf(Float32Array);
        if (options.c) expect(got).toBe(options.c);
        expectClose(got, expected.value, { rtol: 0, atol: expected.atol });
      });
    }
  });
}
