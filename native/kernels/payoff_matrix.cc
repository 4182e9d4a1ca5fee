#include "kernels/payoff_matrix.h"

#include <cmath>
#include <limits>

#include "kernels/cpu_features.h"
#include "kernels/payoff_blocks.h"
#include "kernels/payoff_simd_math.h"

namespace cocogen {
namespace {

struct ItemConstants {
  double D;
  double QD;  // Q / D
  double AD;  // A * D^-beta
  double beta;
  double eta;
};

ItemConstants ItemAt(const double* scenarios, size_t b) {
  const double* p = scenarios + b * kPayoffScenarioFields;
  const double D = p[0];
  return {D, p[1] / D, p[2] * std::pow(D, -p[3]), p[3], p[4]};
}

struct Row {
  double d, x, X, k, w, m, c, dx;
};

Row RowAt(const double* rows, size_t r) {
  const double* p = rows + r * kPayoffRowFields;
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[0] + p[1]};
}

// The gain at grid fraction t, with libm's log1p and expm1 (the scalar path, and the vector path's fallback).
double PointScalar(const ItemConstants& it, const Row& row, double t) {
  const double s = row.X * t;
  const double delta = s - row.x;
  const double dp = -it.AD * std::expm1(-it.beta * std::log1p(delta / it.D)) +
                    it.eta * (delta / (it.D + delta)) * (it.QD + row.k / ((row.d + s) * row.dx));
  return row.w * dp + row.m * std::log1p(delta / row.dx) - row.c * delta;
}

// Evaluates grid points [j0, S) of row r one at a time, continuing the argmax in (best, best_value).
void RowTailScalar(const PayoffMatrixArgs& a, const ItemConstants& it, const Row& row, size_t r, size_t j0,
                   int32_t& best, double& best_value) {
  const size_t S = a.grid_size;
  double* gains = a.gains != nullptr ? a.gains + r * S : nullptr;
  double* levels = a.levels != nullptr ? a.levels + r * S : nullptr;
  const double level = a.levels != nullptr ? a.current[r] : 0;
  for (size_t j = j0; j < S; ++j) {
    const double v = PointScalar(it, row, a.grid[j]);
    if (gains != nullptr) gains[j] = v;
    if (levels != nullptr) levels[j] = level + v;
    if (v > best_value) {
      best_value = v;
      best = static_cast<int32_t>(j);
    }
  }
}

void PayoffRangeScalar(const PayoffMatrixArgs& a, size_t begin, size_t end) {
  size_t item = begin / a.rows_per_item;
  ItemConstants it = ItemAt(a.scenarios, item);
  for (size_t r = begin; r < end; ++r) {
    if (r / a.rows_per_item != item) {
      item = r / a.rows_per_item;
      it = ItemAt(a.scenarios, item);
    }
    int32_t best = 0;
    double best_value = -std::numeric_limits<double>::infinity();
    RowTailScalar(a, it, RowAt(a.rows, r), r, 0, best, best_value);
    a.best_index[r] = best;
    a.best_gain[r] = best_value;
  }
}

#if COCOGEN_X86_DISPATCH

// Four grid points per step with the vector log1p/expm1, the same expression as PointScalar otherwise (same
// operations in the same order, no contraction). A step whose log1p arguments leave (-1, 1e300) or whose expm1
// argument leaves [-700, 700] (non-finite inputs included) is recomputed with libm, so special values propagate as
// on the scalar path.
COCOGEN_TARGET_AVX2 void PayoffRangeAvx2(const PayoffMatrixArgs& a, size_t begin, size_t end) {
  const size_t S = a.grid_size;
  const size_t S4 = S & ~size_t{3};
  const __m256d minus_one = _mm256_set1_pd(-1.0);
  const __m256d huge = _mm256_set1_pd(1e300);
  const __m256d y_limit = _mm256_set1_pd(700.0);
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_C(0x7fffffffffffffff)));
  size_t item = begin / a.rows_per_item;
  ItemConstants it = ItemAt(a.scenarios, item);
  for (size_t r = begin; r < end; ++r) {
    if (r / a.rows_per_item != item) {
      item = r / a.rows_per_item;
      it = ItemAt(a.scenarios, item);
    }
    const Row row = RowAt(a.rows, r);
    double* gains = a.gains != nullptr ? a.gains + r * S : nullptr;
    double* levels = a.levels != nullptr ? a.levels + r * S : nullptr;
    const double level = a.levels != nullptr ? a.current[r] : 0;
    const __m256d D = _mm256_set1_pd(it.D), QD = _mm256_set1_pd(it.QD), neg_AD = _mm256_set1_pd(-it.AD);
    const __m256d neg_beta = _mm256_set1_pd(-it.beta), eta = _mm256_set1_pd(it.eta);
    const __m256d d = _mm256_set1_pd(row.d), x = _mm256_set1_pd(row.x), X = _mm256_set1_pd(row.X);
    const __m256d k = _mm256_set1_pd(row.k), w = _mm256_set1_pd(row.w), m = _mm256_set1_pd(row.m);
    const __m256d c = _mm256_set1_pd(row.c), dx = _mm256_set1_pd(row.dx), lv = _mm256_set1_pd(level);
    __m256d best_value = _mm256_set1_pd(-std::numeric_limits<double>::infinity());
    __m256d best_index = _mm256_setzero_pd();
    __m256d index = _mm256_set_pd(3, 2, 1, 0);
    const __m256d four = _mm256_set1_pd(4);
    for (size_t j = 0; j < S4; j += 4, index = _mm256_add_pd(index, four)) {
      const __m256d s = _mm256_mul_pd(X, _mm256_loadu_pd(a.grid + j));
      const __m256d delta = _mm256_sub_pd(s, x);
      const __m256d u1 = _mm256_div_pd(delta, D);
      const __m256d u2 = _mm256_div_pd(delta, dx);
      const __m256d y = _mm256_mul_pd(neg_beta, simd::Log1p(u1));
      const __m256d in_range = _mm256_and_pd(
          _mm256_and_pd(_mm256_and_pd(_mm256_cmp_pd(u1, minus_one, _CMP_GT_OQ), _mm256_cmp_pd(u1, huge, _CMP_LT_OQ)),
                        _mm256_and_pd(_mm256_cmp_pd(u2, minus_one, _CMP_GT_OQ), _mm256_cmp_pd(u2, huge, _CMP_LT_OQ))),
          _mm256_cmp_pd(_mm256_and_pd(y, abs_mask), y_limit, _CMP_LE_OQ));
      // -AD·expm1(y) + eta·(delta/(D + delta))·(QD + k/((d + s)·dx))
      const __m256d dp =
          _mm256_add_pd(_mm256_mul_pd(neg_AD, simd::Expm1(y)),
                        _mm256_mul_pd(_mm256_mul_pd(eta, _mm256_div_pd(delta, _mm256_add_pd(D, delta))),
                                      _mm256_add_pd(QD, _mm256_div_pd(k, _mm256_mul_pd(_mm256_add_pd(d, s), dx)))));
      // w·dp + m·log1p(delta/dx) - c·delta
      __m256d v = _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(w, dp), _mm256_mul_pd(m, simd::Log1p(u2))),
                                _mm256_mul_pd(c, delta));
      if (_mm256_movemask_pd(in_range) != 0xF) {
        alignas(32) double lanes[4];
        for (size_t l = 0; l < 4; ++l) lanes[l] = PointScalar(it, row, a.grid[j + l]);
        v = _mm256_load_pd(lanes);
      }
      if (gains != nullptr) _mm256_storeu_pd(gains + j, v);
      if (levels != nullptr) _mm256_storeu_pd(levels + j, _mm256_add_pd(lv, v));
      const __m256d better = _mm256_cmp_pd(v, best_value, _CMP_GT_OQ);
      best_value = _mm256_blendv_pd(best_value, v, better);
      best_index = _mm256_blendv_pd(best_index, index, better);
    }
    // Lanes hold the first maximum of their own indices j ≡ l (mod 4): the row's is the largest value, lowest index
    // among equal ones (lanes that never improved on -inf keep index 0).
    alignas(32) double lane_value[4], lane_index[4];
    _mm256_store_pd(lane_value, best_value);
    _mm256_store_pd(lane_index, best_index);
    int32_t best = 0;
    double value = -std::numeric_limits<double>::infinity();
    for (size_t l = 0; l < 4; ++l) {
      const auto idx = static_cast<int32_t>(lane_index[l]);
      if (lane_value[l] > value || (lane_value[l] == value && idx < best)) {
        value = lane_value[l];
        best = idx;
      }
    }
    RowTailScalar(a, it, row, r, S4, best, value);
    a.best_index[r] = best;
    a.best_gain[r] = value;
  }
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(const PayoffMatrixArgs& a, size_t begin, size_t end);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return PayoffRangeAvx2;
#endif
  return PayoffRangeScalar;
}

}  // namespace

void PayoffMatrix(ThreadPool& pool, const PayoffMatrixArgs& args) {
  static const RangeKernel kernel = SelectKernel();
  const size_t rows = args.batch * args.rows_per_item;
  // Blocks of 32 rows (multiples of 8: threads never write the same cache line of best_gain), handed out
  // dynamically.
  ParallelBlocks(pool, rows, 32, [&](size_t begin, size_t end) { kernel(args, begin, end); });
}

}  // namespace cocogen
