import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { gemm, orthonormalizeColumns, symmetricEigen } from '../../src/numeric/linalg.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

/** op(A)·op(B) by the definition, in float64. */
function naive(
  m: number,
  n: number,
  k: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  tA: boolean,
  tB: boolean,
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? A[p * m + i]! : A[i * k + p]!) * (tB ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = s;
    }
  return C;
}

const rng = new Random(11);
const rand = (n: number) => rng.fillNormal(new Float32Array(n));

describe('gemm (reference)', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 10, 33],
    [8, 1, 64],
    [0, 4, 3],
    [4, 0, 3],
    [4, 3, 0],
  ];
  for (const [m, n, k] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`C = αop(A)op(B) + βC for m=${m} n=${n} k=${k} transA=${tA} transB=${tB}`, () => {
          const A = rand(m * k);
          const B = rand(k * n);
          const C0 = rand(m * n);
          const ref = naive(m, n, k, A, B, tA, tB);
          const C = gemm(m, n, k, A, B, Float32Array.from(C0), { transA: tA, transB: tB, alpha: 0.5, beta: -2 });
          expectClose(
            C,
            ref.map((v, i) => 0.5 * v - 2 * C0[i]!),
            { rtol: 1e-6, atol: 1e-6 },
          );
          const plain = gemm(m, n, k, A, B, new Float32Array(m * n), { transA: tA, transB: tB });
          expectClose(plain, Float32Array.from(ref), { rtol: 1e-6, atol: 1e-6 }); // one rounding of the float64 sum
        });
      }
    }
  }

  it('never reads C when beta = 0 (NaN in C does not propagate)', () => {
    const C = new Float32Array(4).fill(NaN);
    gemm(2, 2, 1, Float32Array.of(1, 2), Float32Array.of(3, 4), C);
    expect(Array.from(C)).toEqual([3, 4, 6, 8]);
  });

  it('works on float64 storage', () => {
    const A = Float64Array.of(1e-9, 1);
    const C = gemm(1, 1, 2, A, Float64Array.of(1, 1), new Float64Array(1));
    expect(C[0]).toBe(1 + 1e-9);
  });

  it('rejects mismatched sizes', () => {
    expect(() => gemm(2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4))).toThrow(CocogenError);
    expect(() => gemm(2, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(5))).toThrow(
      /Expected 4 elements \(2×2\) for C/,
    );
    expect(() => gemm(-1, 2, 2, new Float32Array(0), new Float32Array(4), new Float32Array(0))).toThrow(/for m/);
  });
});

describe('orthonormalizeColumns', () => {
  it('returns orthonormal columns spanning the input, and repairs dependent ones', () => {
    const d = 6;
    const q = 3;
    const V = new Float64Array(d * q);
    for (let r = 0; r < d; r++) {
      V[r * q] = r + 1;
      V[r * q + 1] = 2 * (r + 1); // parallel to column 0
      V[r * q + 2] = r % 2;
    }
    orthonormalizeColumns(V, d, q);
    for (let a = 0; a < q; a++)
      for (let b = 0; b < q; b++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += V[r * q + a]! * V[r * q + b]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
  });
});

describe('symmetricEigen', () => {
  it('diagonalizes a symmetric matrix: S·v = λ·v, eigenvalues descending', () => {
    const q = 5;
    const M = rng.fillNormal(new Float64Array(q * q));
    const S = new Float64Array(q * q);
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) S[i * q + j] = M[i * q + j]! + M[j * q + i]!;
    const { values, vectors } = symmetricEigen(S, q);
    for (let i = 1; i < q; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]!);
    let trace = 0;
    for (let i = 0; i < q; i++) trace += S[i * q + i]!;
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(trace, 10);
    for (let c = 0; c < q; c++) {
      for (let i = 0; i < q; i++) {
        let sv = 0;
        for (let j = 0; j < q; j++) sv += S[i * q + j]! * vectors[j * q + c]!;
        expect(sv).toBeCloseTo(values[c]! * vectors[i * q + c]!, 10);
      }
    }
  });
});
