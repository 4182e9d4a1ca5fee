// Coalition values: for each coalition S (a bit mask over n members, n <= 30), the maximum over the box
// prod_{i in S} [0, X_i] of the concave aggregative objective
//
//   F_S(x) = K_S * (base - A * D^-beta - eta * Q / D) + sum_{i in S} [m_i * log1p(x_i / d_i) - e_i * x_i],
//   D = sum_{i in S} (d_i + x_i),  Q = sum_{i in S} s_i / (d_i + x_i),
//   k_i(S) = k0_i + sum_{j in S, j != i} W_ij,  m_i = k_i(S) * mu_i,  K_S = sum_{i in S} k_i(S).
//
// Numeric contract (the float64 reference is src/engine/kernels/coalition-values/reference.ts; this kernel knows
// nothing of games): value(empty) = 0; a coalition whose objective is not concave (K_S < 0 or some m_i < 0) gets NaN,
// and the caller solves it by other means. Each concave coalition is solved as the fixed point of the aggregates: given
// (D, Q) every member's best amount is closed-form (a quadratic in 1/u); Newton on the 2-D fixed point, with a nested
// bracketed Newton/bisection fallback when it stalls, to a relative KKT residual of tolerance * 1e-3 (the reference
// solver's rule, game/aggregative-solver.ts, ported step for step).
//
// Parallelism: the coalitions are cut into blocks that the pool's threads take from a shared counter. A block of a
// range is an aligned run of 2^B masks (same high bits) walked in Gray-code order of the low bits, so that consecutive
// coalitions differ by one member: k_i(S) is updated in O(n) and each solve starts from the previous coalition's
// aggregates corrected for the member that joined or left. A block of a mask list is solved mask by mask from scratch.
#ifndef COCOGEN_NATIVE_KERNELS_COALITION_VALUES_H_
#define COCOGEN_NATIVE_KERNELS_COALITION_VALUES_H_

#include <cstddef>
#include <cstdint>

#include "kernels/thread_pool.h"

namespace cocogen {

// Values per member in `members`: d, s, X, e, mu, k0.
constexpr size_t kCoalitionMemberFields = 6;
// Values in `curve`: base, A, beta, eta.
constexpr size_t kCoalitionCurveFields = 4;
// Largest n addressed by 32-bit masks.
constexpr size_t kCoalitionMaxMembers = 30;

struct CoalitionValuesArgs {
  const double* members;       // n * kCoalitionMemberFields
  const double* pair_weights;  // n * n, row-major W_ij (the diagonal is ignored)
  size_t n;
  const double* curve;    // kCoalitionCurveFields
  double tolerance;       // relative KKT residual each coalition must reach
  const uint32_t* masks;  // when non-null: out[k] = value(masks[k]) for k < count, each solved from scratch
  uint64_t first;         // when masks is null: out[k] = value(first + k) for k < count
  uint64_t count;
  double* out;
};

struct CoalitionValuesStats {
  uint64_t solves = 0;         // concave coalitions solved (the empty coalition is not counted)
  uint64_t passes = 0;         // passes over the members
  uint64_t not_converged = 0;  // solves that ended above the tolerance
  uint64_t non_concave = 0;    // coalitions left as NaN
  double worst_kkt = 0;        // largest KKT residual met
};

// Preconditions (checked by the caller): n <= kCoalitionMaxMembers; d > 0, s >= 0, X >= 0, e >= 0, A >= 0, beta > 0,
// eta >= 0, all finite; every mask < 2^n; first + count <= 2^n; out does not overlap the inputs.
void CoalitionValues(ThreadPool& pool, const CoalitionValuesArgs& args, CoalitionValuesStats* stats);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_COALITION_VALUES_H_
