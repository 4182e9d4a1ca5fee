#include "kernels/payoff_row_sums.h"

#include "kernels/cpu_features.h"
#include "kernels/payoff_blocks.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// Sums of rows [i, i + count) of one matrix (g points at row i; count <= 4) against the k vectors v of one item,
// written to o[p * n + i + q].
using BlockKernel = void (*)(const double* g, size_t n, size_t count, const double* v, size_t k, double* o, size_t i);

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

void RowBlockScalar(const double* g, size_t n, size_t count, const double* v, size_t k, double* o, size_t i) {
  for (size_t q = 0; q < count; ++q) {
    size_t p = 0;
    for (; p + 2 <= k; p += 2)
      RowScalar(g + q * n, v + p * n, v + (p + 1) * n, n, &o[p * n + i + q], &o[(p + 1) * n + i + q]);
    if (p < k) {
      double unused = 0;
      RowScalar(g + q * n, v + p * n, v + p * n, n, &o[p * n + i + q], &unused);
    }
  }
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 inline double HorizontalSum(__m256d v) {
  const __m128d lo = _mm256_castpd256_pd128(v);
  const __m128d hi = _mm256_extractf128_pd(v, 1);
  const __m128d pair = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
}

// Sums of R consecutive matrix rows (g, g + n, ...) against two vectors: per row and vector one four-lane
// accumulator (partial sums over j mod 4, added as (l0 + l2) + (l1 + l3)), then the last n mod 4 terms in order. The
// order does not depend on R, so a row gives the same bits whether it is summed in a block of four or alone.
// Blocks of four rows read four streams of the matrix at once (more memory-level parallelism than one row) and load
// each vector element once for four rows; eight independent FMA chains hide the FMA latency.
template <size_t R>
COCOGEN_TARGET_AVX2 inline void RowsAvx2(const double* g, size_t n, const double* v0, const double* v1, double* s0,
                                         double* s1) {
  __m256d a[R], b[R];
  for (size_t q = 0; q < R; ++q) a[q] = b[q] = _mm256_setzero_pd();
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d x0 = _mm256_loadu_pd(v0 + j);
    const __m256d x1 = _mm256_loadu_pd(v1 + j);
    for (size_t q = 0; q < R; ++q) {
      const __m256d gq = _mm256_loadu_pd(g + q * n + j);
      a[q] = _mm256_fmadd_pd(gq, x0, a[q]);
      b[q] = _mm256_fmadd_pd(gq, x1, b[q]);
    }
  }
  for (size_t q = 0; q < R; ++q) {
    const double* row = g + q * n;
    double sa = HorizontalSum(a[q]);
    double sb = HorizontalSum(b[q]);
    for (size_t t = j; t < n; ++t) {
      sa += row[t] * v0[t];
      sb += row[t] * v1[t];
    }
    s0[q] = sa;
    s1[q] = sb;
  }
}

// Rows [i, i + count) of one matrix against the vector pairs of one item; out rows at o + p * n + i.
COCOGEN_TARGET_AVX2 void RowBlockAvx2(const double* g, size_t n, size_t count, const double* v, size_t k, double* o,
                                      size_t i) {
  for (size_t p = 0; p < k; p += 2) {
    const double* x0 = v + p * n;
    const double* x1 = p + 1 < k ? x0 + n : x0;
    alignas(32) double s0[4], s1[4];
    if (count == 4) {
      RowsAvx2<4>(g, n, x0, x1, s0, s1);
    } else {
      for (size_t q = 0; q < count; ++q) RowsAvx2<1>(g + q * n, n, x0, x1, s0 + q, s1 + q);
    }
    for (size_t q = 0; q < count; ++q) {
      o[p * n + i + q] = s0[q];
      if (p + 1 < k) o[(p + 1) * n + i + q] = s1[q];
    }
  }
}

#endif  // COCOGEN_X86_DISPATCH

// Rows per scheduling block (payoff_blocks.h): 32 rows of N = 4096 are 1 MiB of matrix, enough to amortize the
// hand-out; a multiple of 8, so threads rarely write the same cache line of out.
constexpr size_t kBlockRows = 32;

BlockKernel SelectBlockKernel() {
#if COCOGEN_X86_DISPATCH
  // The AVX-512 path would not be faster: the loop is bound by memory bandwidth, which AVX2 already saturates.
  if (ActiveIsa() != Isa::kScalar) return RowBlockAvx2;
#endif
  return RowBlockScalar;
}

}  // namespace

void DenseRowSums(ThreadPool& pool, const double* matrix, const double* vectors, size_t batch, size_t n, size_t k,
                  bool shared, double* out) {
  static const BlockKernel block_kernel = SelectBlockKernel();
  if (n == 0 || k == 0) return;
  if (shared) {
    // One matrix for every item: each block of rows is read from memory once and used for the whole batch (while in
    // cache).
    ParallelBlocks(pool, n, kBlockRows, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i += 4) {
        const size_t count = end - i < 4 ? end - i : 4;
        for (size_t b = 0; b < batch; ++b) {
          block_kernel(matrix + i * n, n, count, vectors + b * k * n, k, out + b * k * n, i);
        }
      }
    });
    return;
  }
  // One index per (item, row). A group of four never crosses into the next item.
  ParallelBlocks(pool, batch * n, kBlockRows, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end;) {
      const size_t b = r / n, i = r % n;
      size_t count = n - i < 4 ? n - i : 4;
      if (end - r < count) count = end - r;
      block_kernel(matrix + r * n, n, count, vectors + b * k * n, k, out + b * k * n, i);
      r += count;
    }
  });
}

}  // namespace cocogen
