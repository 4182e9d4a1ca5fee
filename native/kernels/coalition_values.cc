#include "kernels/coalition_values.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/payoff_simd_math.h"

namespace cocogen {
namespace {

constexpr double kEps = 2.220446049250313e-16;
// Masks per block of a range (2^kBlockBits, fewer when n is smaller) and per block of a mask list.
constexpr unsigned kBlockBits = 12;
constexpr uint64_t kListBlock = 256;

struct Member {
  double d, s, X, e, m;
};

// Σ_t m_t·log1p(x_t/d_t) − e_t·x_t: each member's private gain less its generation cost. A member with x_t = 0 adds
// exactly 0 (log1p(0) = 0), so every lane can be computed the same way.
double PrivateTermsScalar(const Member* mb, const double* x, size_t count) {
  double sum = 0;
  for (size_t t = 0; t < count; ++t) {
    if (x[t] != 0) sum += (mb[t].m == 0 ? 0.0 : mb[t].m * std::log1p(x[t] / mb[t].d)) - mb[t].e * x[t];
  }
  return sum;
}

#if COCOGEN_X86_DISPATCH
// Four members at a time with the vectorized log1p (payoff_simd_math.h, < 1 ulp): log1p was the largest cost of a
// coalition's value after its solve. Arguments x/d lie in [0, X/d], inside Log1p's range.
COCOGEN_TARGET_AVX2 double PrivateTermsAvx2(const Member* mb, const double* x, size_t count) {
  __m256d acc = _mm256_setzero_pd();
  size_t t = 0;
  for (; t + 4 <= count; t += 4) {
    const __m256d xv = _mm256_loadu_pd(x + t);
    const __m256d d = _mm256_set_pd(mb[t + 3].d, mb[t + 2].d, mb[t + 1].d, mb[t].d);
    const __m256d m = _mm256_set_pd(mb[t + 3].m, mb[t + 2].m, mb[t + 1].m, mb[t].m);
    const __m256d e = _mm256_set_pd(mb[t + 3].e, mb[t + 2].e, mb[t + 1].e, mb[t].e);
    const __m256d gain = _mm256_mul_pd(m, simd::Log1p(_mm256_div_pd(xv, d)));
    acc = _mm256_add_pd(acc, _mm256_sub_pd(gain, _mm256_mul_pd(e, xv)));
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, acc);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + PrivateTermsScalar(mb + t, x + t, count - t);
}
#endif

using PrivateTermsKernel = double (*)(const Member*, const double*, size_t);

PrivateTermsKernel SelectPrivateTerms() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return PrivateTermsAvx2;
#endif
  return PrivateTermsScalar;
}

// One thread's solver: the coalition's members (in index order), k_i(S) for every index, the last amount of every
// index (warm starts) and the last aggregates.
class Walker {
 public:
  explicit Walker(const CoalitionValuesArgs& args)
      : args_(args),
        n_(args.n),
        base_(args.curve[0]),
        A_(args.curve[1]),
        beta_(args.curve[2]),
        eta_(args.curve[3]),
        tol_(args.tolerance),
        in_(args.n, 0),
        k_(args.n, 0.0),
        x_last_(args.n, 0.0),
        members_(args.n),
        x_(args.n, 0.0) {}

  CoalitionValuesStats stats;

  // Sets the coalition to `mask` from scratch (no warm start).
  void Reset(uint64_t mask) {
    for (size_t i = 0; i < n_; ++i) {
      in_[i] = static_cast<uint8_t>((mask >> i) & 1u);
      x_last_[i] = 0;
    }
    for (size_t i = 0; i < n_; ++i) {
      double k = args_.members[i * kCoalitionMemberFields + 5];
      const double* w = args_.pair_weights + i * n_;
      for (size_t j = 0; j < n_; ++j) {
        if (j != i && in_[j]) k += w[j];
      }
      k_[i] = k;
    }
    D_ = 0;
    Q_ = 0;
    warm_ = false;
  }

  // Member j joins (sign = 1) or leaves (sign = -1); the warm-start aggregates follow with its last amount.
  void Toggle(size_t j) {
    const bool join = !in_[j];
    in_[j] = join ? 1 : 0;
    const double sign = join ? 1.0 : -1.0;
    const double* w = args_.pair_weights;
    for (size_t i = 0; i < n_; ++i) {
      if (i != j) k_[i] += sign * w[i * n_ + j];
    }
    const double* p = args_.members + j * kCoalitionMemberFields;
    const double u = p[0] + x_last_[j];
    D_ += sign * u;
    Q_ += sign * (p[1] / u);
  }

  // value(S) of the current coalition (NaN when not concave).
  double Value() {
    size_t count = 0;
    double K = 0;
    bool concave = true;
    for (size_t i = 0; i < n_; ++i) {
      if (!in_[i]) continue;
      const double* p = args_.members + i * kCoalitionMemberFields;
      const double m = k_[i] * p[4];
      if (m < 0) concave = false;
      K += k_[i];
      index_[count] = i;
      members_[count++] = Member{p[0], p[1], p[2], p[3], m};
    }
    if (count == 0) {
      D_ = 0;
      Q_ = 0;
      return 0;
    }
    if (!(K >= 0)) concave = false;
    if (!concave) {
      ++stats.non_concave;
      // The next solve starts cold: this coalition has no aggregates.
      warm_ = false;
      return std::numeric_limits<double>::quiet_NaN();
    }
    ++stats.solves;
    count_ = count;
    alpha_ = K;
    Solve(warm_ && D_ > 0);
    for (size_t t = 0; t < count; ++t) x_last_[index_[t]] = x_[t];
    warm_ = true;
    static const PrivateTermsKernel private_terms = SelectPrivateTerms();
    return alpha_ * (base_ - A_ * pow_D_ - eta_ * Q_ / D_) + private_terms(members_.data(), x_.data(), count);
  }

 private:
  // Sums at (D, Q): Σu, Σs/u, and their partial derivatives (game/aggregative-solver.ts `pass`); writes x when asked.
  void Pass(double D, double Q, bool write_x) {
    ++stats.passes;
    const double alpha = alpha_;
    const double pD = std::pow(D, -beta_);
    const double invD = 1 / D;
    const double G = alpha * (beta_ * A_ * pD * invD + eta_ * Q * invD * invD);
    const double GD = alpha * (-(beta_ + 1) * beta_ * A_ * pD * invD * invD - 2 * eta_ * Q * invD * invD * invD);
    const double GQ = alpha * eta_ * invD * invD;
    const double tc = alpha * eta_ * invD;
    double Su = 0, Sq = 0, SuD = 0, SuQ = 0, SqD = 0, SqQ = 0;
    for (size_t t = 0; t < count_; ++t) {
      const Member& mb = members_[t];
      const double r = mb.e - G;
      double u, xi;
      if (r <= 0) {
        xi = mb.X;
        u = mb.d + mb.X;
      } else {
        const double t2 = tc * mb.s;
        const double us = (mb.m + std::sqrt(mb.m * mb.m + 4 * t2 * r)) / (2 * r);
        if (us <= mb.d) {
          xi = 0;
          u = mb.d;
        } else if (us >= mb.d + mb.X) {
          xi = mb.X;
          u = mb.d + mb.X;
        } else {
          u = us;
          xi = us - mb.d;
          const double iu = 1 / u;
          const double iu2 = iu * iu;
          const double ifu = -1 / ((2 * t2 * iu + mb.m) * iu2);
          const double duD = -(GD - t2 * iu2 * invD) * ifu;
          const double duQ = -GQ * ifu;
          const double w = mb.s * iu2;
          SuD += duD;
          SuQ += duQ;
          SqD -= w * duD;
          SqQ -= w * duQ;
          Su += u;
          Sq += mb.s * iu;
          if (write_x) x_[t] = xi;
          continue;
        }
      }
      Su += u;
      if (mb.s != 0) Sq += mb.s / u;
      if (write_x) x_[t] = xi;
    }
    sums_[0] = Su;
    sums_[1] = Sq;
    sums_[2] = SuD;
    sums_[3] = SuQ;
    sums_[4] = SqD;
    sums_[5] = SqQ;
  }

  // Final pass at (D, Q): x, the true aggregates (into D_, Q_) and the KKT residual (objective.ts). True when good
  // enough to stop.
  bool Finish(double D, double Q) {
    // The writing pass's Σu and Σs/u are the aggregates of the amounts it wrote.
    Pass(D, Q, true);
    const double Da = sums_[0], Qa = sums_[1];
    const double invD = 1 / Da;
    pow_D_ = std::pow(Da, -beta_);
    const double common = beta_ * A_ * pow_D_ * invD + eta_ * Qa * invD * invD;
    double worst = 0;
    for (size_t t = 0; t < count_; ++t) {
      const Member& mb = members_[t];
      if (mb.X == 0) continue;
      const double u = mb.d + x_[t];
      const double dP = alpha_ * (common + eta_ * mb.s / (Da * u * u));
      const double dg = mb.m / u;
      const double grad = dP + dg - mb.e;
      double pi;
      if (x_[t] <= 0) {
        pi = std::max(grad, 0.0);
      } else if (x_[t] >= mb.X) {
        pi = std::min(grad, 0.0);
      } else {
        pi = grad;
      }
      const double sigma = std::fabs(dP) + std::fabs(dg) + std::fabs(mb.e);
      if (sigma > 0) {
        worst = std::max(worst, std::fabs(pi) / sigma);
      } else if (pi != 0) {
        worst = std::numeric_limits<double>::infinity();
      }
    }
    D_ = Da;
    Q_ = Qa;
    kkt_ = worst;
    const bool done = worst <= tol_ * 1e-3 || h_tol_ < 1e-15;
    h_tol_ *= 0.1;
    return done;
  }

  void Conclude() {
    stats.worst_kkt = std::max(stats.worst_kkt, kkt_);
    if (!(kkt_ <= tol_)) ++stats.not_converged;
  }

  // game/aggregative-solver.ts maximizeAggregative, step for step: joint Newton, then nested bracketed Newton.
  void Solve(bool warm) {
    double Dlo = 0, Dhi = 0, Qlo = 0, Qhi = 0;
    for (size_t t = 0; t < count_; ++t) {
      const Member& mb = members_[t];
      Dlo += mb.d;
      Dhi += mb.d + mb.X;
      Qlo += mb.s / (mb.d + mb.X);
      Qhi += mb.s / mb.d;
    }
    h_tol_ = 1e-13;
    const int max_iterations = 200;
    int iterations = 0;
    double D = warm ? std::min(std::max(D_, Dlo), Dhi) : 0.5 * (Dlo + Dhi);
    double Qj = warm ? std::min(std::max(Q_, Qlo), Qhi) : 0.5 * (Qlo + Qhi);
    {
      double prev_merit = std::numeric_limits<double>::infinity();
      for (int it = 0; it < 30 && iterations < max_iterations; ++it) {
        ++iterations;
        Pass(D, Qj, false);
        const double F1 = sums_[0] - D;
        const double F2 = sums_[1] - Qj;
        const double merit = std::max(std::fabs(F1) / D, Qhi > 0 ? std::fabs(F2) / std::max(Qj, sums_[1]) : 0.0);
        if (merit <= h_tol_) {
          // Finish re-passes at the same point, so sums_ stay valid for the step below.
          if (Finish(D, Qj)) return Conclude();
        } else if (!(merit < 0.5 * prev_merit)) {
          break;
        }
        prev_merit = merit;
        const double J11 = sums_[2] - 1, J12 = sums_[3], J21 = sums_[4], J22 = sums_[5] - 1;
        const double det = J11 * J22 - J12 * J21;
        if (!(std::fabs(det) > 0)) break;
        D = std::min(std::max(D + (-F1 * J22 + F2 * J12) / det, Dlo), Dhi);
        Qj = std::min(std::max(Qj + (-F2 * J11 + F1 * J21) / det, Qlo), Qhi);
      }
    }
    double q_cur = Qj;
    auto solve_q = [&](double Dv) {
      double lo = Qlo, hi = Qhi;
      double Q = std::min(std::max(q_cur, lo), hi);
      double width1 = std::numeric_limits<double>::infinity(), width2 = width1;
      for (int it = 0; it < 200; ++it) {
        Pass(Dv, Q, false);
        const double R = sums_[1] - Q;
        if (R > 0) {
          lo = Q;
        } else {
          hi = Q;
        }
        if (std::fabs(R) <= 4 * kEps * std::max(Q, sums_[1]) || hi - lo <= 4 * kEps * hi) break;
        double next = Q - R / (sums_[5] - 1);
        // Bisect when Newton leaves the open bracket or the bracket failed to halve over two steps: Newton alone can
        // cycle between the bracket's ends where the function has kinks (as in aggregative-solver.ts).
        if (!(next > lo && next < hi) || hi - lo > 0.5 * width2) next = 0.5 * (lo + hi);
        width2 = width1;
        width1 = hi - lo;
        Q = next;
      }
      q_cur = Q;
      return Q;
    };
    double lo = Dlo, hi = Dhi, Q = Qj;
    double width1 = std::numeric_limits<double>::infinity(), width2 = width1;
    while (iterations < max_iterations) {
      ++iterations;
      Q = solve_q(D);
      const double h = sums_[0] - D;
      if (h > 0) {
        lo = D;
      } else {
        hi = D;
      }
      const bool bracket_done = hi - lo <= 4 * kEps * hi;
      if (std::fabs(h) <= h_tol_ * D || bracket_done) {
        const bool done = Finish(D, Q);
        if (done || bracket_done) return Conclude();
      }
      const double dQdD = -sums_[4] / (sums_[5] - 1);
      const double dh = sums_[2] + sums_[3] * dQdD - 1;
      double next = D - h / dh;
      if (!(next > lo && next < hi) || hi - lo > 0.5 * width2) next = 0.5 * (lo + hi);  // as in solve_q
      width2 = width1;
      width1 = hi - lo;
      D = next;
    }
    Finish(D, Q);
    Conclude();
  }

  const CoalitionValuesArgs& args_;
  const size_t n_;
  const double base_, A_, beta_, eta_, tol_;
  std::vector<uint8_t> in_;
  std::vector<double> k_;
  std::vector<double> x_last_;
  std::vector<Member> members_;
  size_t index_[kCoalitionMaxMembers] = {};
  std::vector<double> x_;  // amounts of members_[t]
  size_t count_ = 0;
  double alpha_ = 0;
  double D_ = 0, Q_ = 0;
  double pow_D_ = 0;  // D_^-beta after Finish
  bool warm_ = false;
  double sums_[6] = {};
  double h_tol_ = 1e-13;
  double kkt_ = 0;
};

unsigned CountTrailingZeros(uint64_t v) {
  unsigned c = 0;
  while ((v & 1u) == 0) {
    v >>= 1;
    ++c;
  }
  return c;
}

}  // namespace

void CoalitionValues(ThreadPool& pool, const CoalitionValuesArgs& args, CoalitionValuesStats* stats) {
  if (args.count == 0) return;
  const bool list = args.masks != nullptr;
  const unsigned bits = static_cast<unsigned>(std::min<size_t>(args.n, kBlockBits));
  const uint64_t block = uint64_t{1} << bits;
  const uint64_t first_block = list ? 0 : args.first >> bits;
  const uint64_t end_block = list ? 0 : (args.first + args.count + block - 1) >> bits;
  const uint64_t blocks = list ? (args.count + kListBlock - 1) / kListBlock : end_block - first_block;
  std::atomic<uint64_t> next{0};
  std::mutex merge;
  pool.ParallelFor(pool.threads(), 1, [&](size_t begin, size_t end) {
    if (begin == end) return;
    Walker walker(args);
    for (;;) {
      const uint64_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= blocks) break;
      if (list) {
        const uint64_t k_end = std::min(args.count, (b + 1) * kListBlock);
        for (uint64_t k = b * kListBlock; k < k_end; ++k) {
          walker.Reset(args.masks[k]);
          args.out[k] = walker.Value();
        }
        continue;
      }
      // An aligned block of 2^bits masks, walked in Gray-code order of the low bits.
      const uint64_t high = (first_block + b) << bits;
      const uint64_t lo = args.first, hi = args.first + args.count;
      walker.Reset(high);
      for (uint64_t j = 0; j < block; ++j) {
        if (j > 0) walker.Toggle(CountTrailingZeros(j));
        const uint64_t mask = high | (j ^ (j >> 1));
        if (mask >= lo && mask < hi) args.out[mask - lo] = walker.Value();
      }
    }
    std::lock_guard<std::mutex> lock(merge);
    stats->solves += walker.stats.solves;
    stats->passes += walker.stats.passes;
    stats->not_converged += walker.stats.not_converged;
    stats->non_concave += walker.stats.non_concave;
    stats->worst_kkt = std::max(stats->worst_kkt, walker.stats.worst_kkt);
  });
}

}  // namespace cocogen
