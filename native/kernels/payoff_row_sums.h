// Dense row sums: out[(b*K + v)*N + i] = sum_j G_b[i][j] * V_bv[j], float64, for a batch of row-major N x N matrices
// (or one matrix shared by the batch) and K vectors per batch item. The O(N^2) part of the payoff path when the
// competition matrix is dense; as a kernel it is a matrix-vector product and knows nothing of games.
//
// Memory-bound: each matrix row is read once for all K vectors of its item (two vectors per pass, four rows at a time
// on the AVX2 path), the vectors stay in cache. Rows are handed to the threads in blocks as they go. Each sum is
// accumulated in a fixed order that depends only on N and the instruction set (partial sums over j mod 4), not on
// the thread count or on how rows are grouped.
#ifndef COCOGEN_NATIVE_KERNELS_PAYOFF_ROW_SUMS_H_
#define COCOGEN_NATIVE_KERNELS_PAYOFF_ROW_SUMS_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// matrix: batch * n * n doubles, or n * n when `shared`; vectors and out: batch * k * n doubles (out must not overlap
// the inputs). Non-finite values propagate as IEEE arithmetic does.
void DenseRowSums(ThreadPool& pool, const double* matrix, const double* vectors, size_t batch, size_t n, size_t k,
                  bool shared, double* out);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_PAYOFF_ROW_SUMS_H_
