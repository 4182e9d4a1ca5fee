// The payoff-matrix kernel: rows of an aggregative objective evaluated on a strategy grid, with each row's argmax.
//
// Numeric contract (src/engine/kernels/payoff-matrix/reference.ts is the float64 reference; this file knows nothing of
// games). Row r of batch item b holds (d, x, X, k, w, m, c) and the item holds (D, Q, A, beta, eta). For every grid
// fraction t_j the kernel writes the gain of moving the row's amount from x to s = X·t_j, with delta = s - x:
//   gain = w·(-A·D^-beta·expm1(-beta·log1p(delta/D)) + eta·(delta/(D+delta))·(Q/D + k/((d+s)(d+x))))
//        + m·log1p(delta/(d+x)) - c·delta
// (f(s) - f(x) for f(s) = w·P(D+s-x, Q+k/(d+s)-k/(d+x)) + m·ln(1+s/d) - c·s with P = const - A·D^-beta - eta·Q/D,
// written so that nothing cancels), and the row's argmax over j (lowest j among equal values) with its gain; with
// `current` (the row's level at x) also the levels current + gain.
// Rows are independent: the threads take blocks of rows as they go (payoff_blocks.h), and every value is computed by
// the same float64 expression whatever the split, so results do not depend on the thread count. The AVX2 path (four
// grid points at a time) evaluates log1p and expm1 with payoff_simd_math.h (within ~1.3 ulp) instead of libm, so it may
// differ from the scalar path (COCOGEN_NATIVE_ISA=scalar) in the last bits.
#ifndef COCOGEN_NATIVE_KERNELS_PAYOFF_MATRIX_H_
#define COCOGEN_NATIVE_KERNELS_PAYOFF_MATRIX_H_

#include <cstddef>
#include <cstdint>

#include "kernels/thread_pool.h"

namespace cocogen {

// Doubles per packed row (d, x, X, k, w, m, c, 0) and per packed batch item (D, Q, A, beta, eta, 0, 0, 0).
constexpr size_t kPayoffRowFields = 8;
constexpr size_t kPayoffScenarioFields = 8;

struct PayoffMatrixArgs {
  const double* rows;       // batch * rows_per_item packed rows
  const double* scenarios;  // batch packed items
  const double* grid;       // grid_size fractions in [0, 1]
  size_t batch;
  size_t rows_per_item;
  size_t grid_size;                 // >= 1
  double* gains;                    // batch * rows_per_item * grid_size, row-major; may be null (argmax only)
  int32_t* best_index;              // batch * rows_per_item
  double* best_gain;                // batch * rows_per_item
  const double* current = nullptr;  // batch * rows_per_item levels at x; needed when levels is set
  double* levels = nullptr;         // batch * rows_per_item * grid_size: current[r] + gain; may be null
};

// Preconditions (the TS layer checks them): finite values, d > 0, x >= 0, X >= 0, k >= 0, D >= d + x.
void PayoffMatrix(ThreadPool& pool, const PayoffMatrixArgs& args);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_PAYOFF_MATRIX_H_
