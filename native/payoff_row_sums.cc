#include "payoff_row_sums.h"

#include "cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// Sums of one matrix row against two vectors (v1 may equal v0 when only one is wanted).
using RowKernel = void (*)(const double* g, const double* v0, const double* v1, size_t n, double* s0, double* s1);

void RowScalar(const double* g, const double* v0, const double* v1, size_t n, double* s0, double* s1) {
  // Four partial sums per vector: independent chains, so the loop is not bound by the add latency.
  double a[4] = {0, 0, 0, 0};
  double b[4] = {0, 0, 0, 0};
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    for (size_t l = 0; l < 4; ++l) {
      a[l] += g[j + l] * v0[j + l];
      b[l] += g[j + l] * v1[j + l];
    }
  }
  for (; j < n; ++j) {
    a[0] += g[j] * v0[j];
    b[0] += g[j] * v1[j];
  }
  *s0 = (a[0] + a[1]) + (a[2] + a[3]);
  *s1 = (b[0] + b[1]) + (b[2] + b[3]);
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 inline double HorizontalSum(__m256d v) {
  const __m128d lo = _mm256_castpd256_pd128(v);
  const __m128d hi = _mm256_extractf128_pd(v, 1);
  const __m128d pair = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
}

COCOGEN_TARGET_AVX2 void RowAvx2(const double* g, const double* v0, const double* v1, size_t n, double* s0,
                                 double* s1) {
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
  __m256d b0 = _mm256_setzero_pd(), b1 = _mm256_setzero_pd();
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256d g0 = _mm256_loadu_pd(g + j);
    const __m256d g1 = _mm256_loadu_pd(g + j + 4);
    a0 = _mm256_fmadd_pd(g0, _mm256_loadu_pd(v0 + j), a0);
    a1 = _mm256_fmadd_pd(g1, _mm256_loadu_pd(v0 + j + 4), a1);
    b0 = _mm256_fmadd_pd(g0, _mm256_loadu_pd(v1 + j), b0);
    b1 = _mm256_fmadd_pd(g1, _mm256_loadu_pd(v1 + j + 4), b1);
  }
  double sa = HorizontalSum(_mm256_add_pd(a0, a1));
  double sb = HorizontalSum(_mm256_add_pd(b0, b1));
  for (; j < n; ++j) {
    sa += g[j] * v0[j];
    sb += g[j] * v1[j];
  }
  *s0 = sa;
  *s1 = sb;
}

#endif  // COCOGEN_X86_DISPATCH

RowKernel SelectRowKernel() {
#if COCOGEN_X86_DISPATCH
  // The AVX-512 path would not be faster: the loop is bound by memory bandwidth, which AVX2 already saturates.
  if (ActiveIsa() != Isa::kScalar) return RowAvx2;
#endif
  return RowScalar;
}

}  // namespace

void DenseRowSums(ThreadPool& pool, const double* matrix, const double* vectors, size_t batch, size_t n, size_t k,
                  bool shared, double* out) {
  static const RowKernel row_kernel = SelectRowKernel();
  if (n == 0 || k == 0) return;
  // Sums of matrix row i against the K vectors of item b, two vectors per pass over the row.
  const auto row_sums = [&](const double* g, size_t b, size_t i) {
    const double* v = vectors + b * k * n;
    double* o = out + b * k * n;
    size_t p = 0;
    for (; p + 2 <= k; p += 2) row_kernel(g, v + p * n, v + (p + 1) * n, n, &o[p * n + i], &o[(p + 1) * n + i]);
    if (p < k) {
      double unused = 0;
      row_kernel(g, v + p * n, v + p * n, n, &o[p * n + i], &unused);
    }
  };
  if (shared) {
    // One matrix for every item: each row is read from memory once and used for the whole batch (while in cache).
    pool.ParallelFor(n, 8, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        for (size_t b = 0; b < batch; ++b) row_sums(matrix + i * n, b, i);
      }
    });
    return;
  }
  // One index per (item, row); boundaries on multiples of 8 rows so that threads rarely share a line of out.
  pool.ParallelFor(batch * n, 8, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) row_sums(matrix + r * n, r / n, r % n);
  });
}

}  // namespace cocogen
