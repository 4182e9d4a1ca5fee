#include "kernels/optimizer.h"

#include <cmath>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// The scalar path is the contract: the vector paths compute the same expressions in the same order (no FMA), so
// every instruction set gives the same bits.
void StepScalar(ServerOptimizerKind kind, const ServerOptimizerParams& p, float* x, const float* delta, float* m,
                float* v, size_t begin, size_t end) {
  if (kind == ServerOptimizerKind::kAvgM) {
    for (size_t i = begin; i < end; ++i) {
      const float mi = p.beta1 * m[i] + delta[i];
      m[i] = mi;
      x[i] = x[i] + p.eta * mi;
    }
    return;
  }
  const float one_minus_beta1 = 1.0f - p.beta1;
  const float one_minus_beta2 = 1.0f - p.beta2;
  for (size_t i = begin; i < end; ++i) {
    const float d = delta[i];
    const float mi = p.beta1 * m[i] + one_minus_beta1 * d;
    const float d2 = d * d;
    float vi;
    if (kind == ServerOptimizerKind::kAdam) {
      vi = p.beta2 * v[i] + one_minus_beta2 * d2;
    } else {
      const float diff = v[i] - d2;
      const float sign = diff > 0.0f ? 1.0f : diff < 0.0f ? -1.0f : 0.0f;
      vi = v[i] - one_minus_beta2 * d2 * sign;
    }
    m[i] = mi;
    v[i] = vi;
    x[i] = x[i] + p.eta * mi / (std::sqrt(vi) + p.tau);
  }
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 void StepAvx2(ServerOptimizerKind kind, const ServerOptimizerParams& p, float* x,
                                  const float* delta, float* m, float* v, size_t begin, size_t end) {
  const __m256 beta1 = _mm256_set1_ps(p.beta1);
  const __m256 eta = _mm256_set1_ps(p.eta);
  size_t i = begin;
  if (kind == ServerOptimizerKind::kAvgM) {
    for (; i + 8 <= end; i += 8) {
      const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_loadu_ps(delta + i));
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_mul_ps(eta, mi)));
    }
  } else {
    const __m256 beta2 = _mm256_set1_ps(p.beta2);
    const __m256 one_minus_beta1 = _mm256_set1_ps(1.0f - p.beta1);
    const __m256 one_minus_beta2 = _mm256_set1_ps(1.0f - p.beta2);
    const __m256 tau = _mm256_set1_ps(p.tau);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 one = _mm256_set1_ps(1.0f);
    const bool yogi = kind == ServerOptimizerKind::kYogi;
    for (; i + 8 <= end; i += 8) {
      const __m256 d = _mm256_loadu_ps(delta + i);
      const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(one_minus_beta1, d));
      const __m256 d2 = _mm256_mul_ps(d, d);
      const __m256 v0 = _mm256_loadu_ps(v + i);
      __m256 vi;
      if (!yogi) {
        vi = _mm256_add_ps(_mm256_mul_ps(beta2, v0), _mm256_mul_ps(one_minus_beta2, d2));
      } else {
        const __m256 diff = _mm256_sub_ps(v0, d2);
        // sign(diff) as +1, −1 or 0 (NaN → 0, as the scalar comparisons give)
        const __m256 sign = _mm256_sub_ps(_mm256_and_ps(_mm256_cmp_ps(diff, zero, _CMP_GT_OQ), one),
                                          _mm256_and_ps(_mm256_cmp_ps(diff, zero, _CMP_LT_OQ), one));
        vi = _mm256_sub_ps(v0, _mm256_mul_ps(_mm256_mul_ps(one_minus_beta2, d2), sign));
      }
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(v + i, vi);
      const __m256 step = _mm256_div_ps(_mm256_mul_ps(eta, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), tau));
      _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), step));
    }
  }
  StepScalar(kind, p, x, delta, m, v, i, end);
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(ServerOptimizerKind, const ServerOptimizerParams&, float*, const float*, float*, float*,
                             size_t, size_t);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return StepAvx2;  // AVX-512 adds nothing to a memory-bound stream here
#endif
  return StepScalar;
}

}  // namespace

const char* ServerOptimizerVariant() { return SelectKernel() == StepScalar ? "scalar" : "avx2"; }

void ServerOptimizerStep(ThreadPool& pool, ServerOptimizerKind kind, const ServerOptimizerParams& params, float* x,
                         const float* delta, float* m, float* v, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) { kernel(kind, params, x, delta, m, v, begin, end); });
}

}  // namespace cocogen
