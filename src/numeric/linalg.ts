/**
 * Reference dense linear algebra for the FL layer (DESIGN §6, "gradients"): plain loops, the contracts the native
 * and WGSL kernels will be checked against.
 *
 * `gemm` is the one hot operation (dense forward/backward, PPCA sampling); everything in `models.ts` and
 * `generator.ts` goes through it so that a later backend swaps it for its tiled kernel. The small helpers below it
 * (Gram–Schmidt, Jacobi eigen-decomposition) only run while fitting the generator, on q×q or d×q matrices.
 */
import { invalidArgument } from '../core/errors.js';

/** Float storage accepted by the reference kernels: float32 in training, float64 for gradient checks. */
export type Floats = Float32Array | Float64Array;

export interface GemmOptions {
  /** A is stored k×m and used transposed (default false: stored m×k) */
  transA?: boolean;
  /** B is stored n×k and used transposed (default false: stored k×n) */
  transB?: boolean;
  /** default 1 */
  alpha?: number;
  /** default 0; with beta = 0, C's old contents are never read (NaN in C does not propagate), as in BLAS */
  beta?: number;
}

/**
 * C ← α·op(A)·op(B) + β·C, all row-major and tightly packed: op(A) is m×k, op(B) is k×n, C is m×n.
 * Each output element is accumulated in float64 and rounded once into C's storage.
 *
 * @example
 * const c = new Float32Array(2 * 2);
 * gemm(2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 0, 0, 1, 1, 1), c); // [4, 5, 10, 11]
 */
export function gemm<T extends Floats>(
  m: number,
  n: number,
  k: number,
  A: Floats,
  B: Floats,
  C: T,
  options: GemmOptions = {},
): T {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  for (const [name, v] of [
    ['m', m],
    ['n', n],
    ['k', k],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw invalidArgument(name, 'an integer ≥ 0', v);
  }
  if (A.length !== m * k) throw invalidArgument('A', `${m * k} elements (${transA ? `${k}×${m}` : `${m}×${k}`})`, A);
  if (B.length !== k * n) throw invalidArgument('B', `${k * n} elements (${transB ? `${n}×${k}` : `${k}×${n}`})`, B);
  if (C.length !== m * n) throw invalidArgument('C', `${m * n} elements (${m}×${n})`, C);
  if (!Number.isFinite(alpha)) throw invalidArgument('options.alpha', 'a finite number', alpha);
  if (!Number.isFinite(beta)) throw invalidArgument('options.beta', 'a finite number', beta);

  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    if (!transB) {
      // Rank-1 updates along the row: B is read row by row, contiguous.
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const a = transA ? A[p * m + i]! : A[i * k + p]!;
        const row = p * n;
        for (let j = 0; j < n; j++) acc[j]! += a * B[row + j]!;
      }
    } else {
      // Dot products: B's rows are op(B)'s columns, contiguous.
      for (let j = 0; j < n; j++) {
        let s = 0;
        const row = j * k;
        if (transA) for (let p = 0; p < k; p++) s += A[p * m + i]! * B[row + p]!;
        else for (let p = 0, a0 = i * k; p < k; p++) s += A[a0 + p]! * B[row + p]!;
        acc[j] = s;
      }
    }
    const c0 = i * n;
    if (beta === 0) for (let j = 0; j < n; j++) C[c0 + j] = alpha * acc[j]!;
    else for (let j = 0; j < n; j++) C[c0 + j] = alpha * acc[j]! + beta * C[c0 + j]!;
  }
  return C;
}

/**
 * Orthonormalize the q ≤ d columns of the row-major d×q matrix V in place (modified Gram–Schmidt, each column
 * orthogonalized twice for stability). A column that is (numerically) in the span of the previous ones is replaced
 * by the first coordinate vector that is not.
 */
export function orthonormalizeColumns(V: Float64Array, d: number, q: number): Float64Array {
  if (!(Number.isInteger(q) && q >= 0 && q <= d)) throw invalidArgument('q', `an integer in [0, ${d}]`, q);
  if (V.length !== d * q) throw invalidArgument('V', `${d * q} elements (${d}×${q})`, V);
  for (let j = 0; j < q; j++) {
    for (let attempt = 0; attempt <= d; attempt++) {
      let before = 0;
      for (let r = 0; r < d; r++) before += V[r * q + j]! ** 2;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          let dot = 0;
          for (let r = 0; r < d; r++) dot += V[r * q + i]! * V[r * q + j]!;
          for (let r = 0; r < d; r++) V[r * q + j]! -= dot * V[r * q + i]!;
        }
      }
      let norm = 0;
      for (let r = 0; r < d; r++) norm += V[r * q + j]! ** 2;
      if (norm > 1e-20 * Math.max(before, 1e-300) && norm > 0) {
        norm = Math.sqrt(norm);
        for (let r = 0; r < d; r++) V[r * q + j]! /= norm;
        break;
      }
      for (let r = 0; r < d; r++) V[r * q + j] = r === (j + attempt) % d ? 1 : 0;
    }
  }
  return V;
}

/**
 * Eigen-decomposition of a symmetric q×q matrix (row-major) by cyclic Jacobi rotations: returns eigenvalues in
 * descending order and the matching eigenvectors as the columns of a row-major q×q matrix.
 */
export function symmetricEigen(S: ArrayLike<number>, q: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(S);
  if (a.length !== q * q) throw invalidArgument('S', `${q * q} elements (${q}×${q})`, S);
  const v = new Float64Array(q * q);
  for (let i = 0; i < q; i++) v[i * q + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < q; i++) for (let j = i + 1; j < q; j++) off += a[i * q + j]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < q; p++) {
      for (let r = p + 1; r < q; r++) {
        const apr = a[p * q + r]!;
        if (Math.abs(apr) < 1e-300) continue;
        const theta = (a[r * q + r]! - a[p * q + p]!) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < q; k++) {
          const akp = a[k * q + p]!;
          const akr = a[k * q + r]!;
          a[k * q + p] = c * akp - s * akr;
          a[k * q + r] = s * akp + c * akr;
        }
        for (let k = 0; k < q; k++) {
          const apk = a[p * q + k]!;
          const ark = a[r * q + k]!;
          a[p * q + k] = c * apk - s * ark;
          a[r * q + k] = s * apk + c * ark;
        }
        for (let k = 0; k < q; k++) {
          const vkp = v[k * q + p]!;
          const vkr = v[k * q + r]!;
          v[k * q + p] = c * vkp - s * vkr;
          v[k * q + r] = s * vkp + c * vkr;
        }
      }
    }
  }
  const order = Array.from({ length: q }, (_, i) => i).sort((x, y) => a[y * q + y]! - a[x * q + x]!);
  const values = Float64Array.from(order, (i) => a[i * q + i]!);
  const vectors = new Float64Array(q * q);
  order.forEach((src, dst) => {
    for (let k = 0; k < q; k++) vectors[k * q + dst] = v[k * q + src]!;
  });
  return { values, vectors };
}

/**
 * Solve the small dense system M a = b (k×k, row-major) by Gaussian elimination with partial pivoting; null if
 * singular. For the few-parameter fits (the learning curve and its online refit), not for large systems.
 */
export function solveDense(M: number[], b: number[], k: number): number[] | null {
  const a = M.slice();
  const r = b.slice();
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let i = col + 1; i < k; i++) if (Math.abs(a[i * k + col]!) > Math.abs(a[piv * k + col]!)) piv = i;
    if (!(Math.abs(a[piv * k + col]!) > 1e-300)) return null;
    if (piv !== col) {
      for (let j = 0; j < k; j++) [a[col * k + j], a[piv * k + j]] = [a[piv * k + j]!, a[col * k + j]!];
      [r[col], r[piv]] = [r[piv]!, r[col]!];
    }
    for (let i = col + 1; i < k; i++) {
      const f = a[i * k + col]! / a[col * k + col]!;
      for (let j = col; j < k; j++) a[i * k + j]! -= f * a[col * k + j]!;
      r[i]! -= f * r[col]!;
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = r[i]!;
    for (let j = i + 1; j < k; j++) s -= a[i * k + j]! * x[j]!;
    x[i] = s / a[i * k + i]!;
  }
  return x.every(Number.isFinite) ? x : null;
}
