#include "payoff_matrix.h"

#include <cmath>
#include <limits>

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

void PayoffRange(const PayoffMatrixArgs& a, size_t begin, size_t end) {
  const size_t S = a.grid_size;
  size_t item = begin / a.rows_per_item;
  ItemConstants k_item = ItemAt(a.scenarios, item);
  for (size_t r = begin; r < end; ++r) {
    if (r / a.rows_per_item != item) {
      item = r / a.rows_per_item;
      k_item = ItemAt(a.scenarios, item);
    }
    const double* row = a.rows + r * kPayoffRowFields;
    const double d = row[0], x = row[1], X = row[2], k = row[3], w = row[4], m = row[5], c = row[6];
    const double dx = d + x;
    double* gains = a.gains != nullptr ? a.gains + r * S : nullptr;
    int32_t best = 0;
    double best_value = -std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < S; ++j) {
      const double s = X * a.grid[j];
      const double delta = s - x;
      const double dp = -k_item.AD * std::expm1(-k_item.beta * std::log1p(delta / k_item.D)) +
                        k_item.eta * (delta / (k_item.D + delta)) * (k_item.QD + k / ((d + s) * dx));
      const double v = w * dp + m * std::log1p(delta / dx) - c * delta;
      if (gains != nullptr) gains[j] = v;
      if (v > best_value) {
        best_value = v;
        best = static_cast<int32_t>(j);
      }
    }
    a.best_index[r] = best;
    a.best_gain[r] = best_value;
  }
}

}  // namespace

void PayoffMatrix(ThreadPool& pool, const PayoffMatrixArgs& args) {
  const size_t rows = args.batch * args.rows_per_item;
  // Chunk boundaries on multiples of 8 rows: threads never write the same cache line of best_gain.
  pool.ParallelFor(rows, 8, [&](size_t begin, size_t end) { PayoffRange(args, begin, end); });
}

}  // namespace cocogen
