// Four-lane float64 log1p and expm1 for the AVX2 payoff kernel (fdlibm's algorithms, vectorized).
//
// Accuracy, measured against long-double log1pl/expm1l on 4e7 random arguments over the kernel's ranges (log1p on
// (-1, 1e300), expm1 on [-700, 700]): worst errors 0.84 ulp (log1p) and 1.28 ulp (expm1), where glibc's are 0.84 and
// 0.86. Outside those ranges (and for NaN or infinite inputs) the results are not meaningful: the kernel checks its
// lanes and falls back to libm. test/native/payoff-matrix-kernels.test.ts checks the kernel over those ranges.
#ifndef COCOGEN_NATIVE_KERNELS_PAYOFF_SIMD_MATH_H_
#define COCOGEN_NATIVE_KERNELS_PAYOFF_SIMD_MATH_H_

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>

#include <cstdint>

namespace cocogen {
namespace simd {

// ln 2 split so that k·kLn2Hi is exact for |k| < 2^20 (the low 32 bits of kLn2Hi are zero).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// log1p(a) for every lane, a in (-1, 1e300). u = 1 + a is rounded; c = (1 + a) - u, exact, enters as c/u
// (log(1 + a) = log(u) + log(1 + c/u)). log(u) = k·ln2 + log(m) with m in [sqrt(2)/2, sqrt(2)), and
// log(m) = 2·atanh(f/(2 + f)) with f = m - 1 exact, from fdlibm's minimax polynomial (error < 2^-58.45).
COCOGEN_TARGET_AVX2 inline __m256d Log1p(__m256d a) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d u = _mm256_add_pd(one, a);
  const __m256d c = _mm256_div_pd(_mm256_sub_pd(a, _mm256_sub_pd(u, one)), u);
  // Shift the mantissa range [sqrt(2)/2, sqrt(2)) onto one binade before reading the exponent (u >= 2^-53 > 0).
  const __m256i bits = _mm256_add_epi64(_mm256_castpd_si256(u),
                                        _mm256_set1_epi64x(INT64_C(0x3ff0000000000000) - INT64_C(0x3fe6a09e00000000)));
  // k as a double: the biased exponent (< 2^11) in the mantissa of 2^52, minus 2^52 + 1023.
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256d k =
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_castpd_si256(two52))),
                    _mm256_set1_pd(4503599627370496.0 + 1023.0));
  const __m256i m_bits = _mm256_add_epi64(_mm256_and_si256(bits, _mm256_set1_epi64x(INT64_C(0x000fffffffffffff))),
                                          _mm256_set1_epi64x(INT64_C(0x3fe6a09e00000000)));
  const __m256d f = _mm256_sub_pd(_mm256_castsi256_pd(m_bits), one);
  const __m256d s = _mm256_div_pd(f, _mm256_add_pd(_mm256_set1_pd(2.0), f));
  const __m256d z = _mm256_mul_pd(s, s);
  const __m256d w = _mm256_mul_pd(z, z);
  const __m256d t1 = _mm256_mul_pd(
      w, _mm256_fmadd_pd(
             w, _mm256_fmadd_pd(w, _mm256_set1_pd(1.531383769920937332e-01), _mm256_set1_pd(2.222219843214978396e-01)),
             _mm256_set1_pd(3.999999999940941908e-01)));
  const __m256d t2 =
      _mm256_mul_pd(z, _mm256_fmadd_pd(w,
                                       _mm256_fmadd_pd(w,
                                                       _mm256_fmadd_pd(w, _mm256_set1_pd(1.479819860511658591e-01),
                                                                       _mm256_set1_pd(1.818357216161805012e-01)),
                                                       _mm256_set1_pd(2.857142874366239149e-01)),
                                       _mm256_set1_pd(6.666666666666735130e-01)));
  const __m256d r = _mm256_add_pd(t2, t1);
  const __m256d hfsq = _mm256_mul_pd(_mm256_set1_pd(0.5), _mm256_mul_pd(f, f));
  // k·ln2_hi - ((hfsq - (s·(hfsq + R) + (k·ln2_lo + c))) - f)
  const __m256d tail = _mm256_add_pd(_mm256_mul_pd(s, _mm256_add_pd(hfsq, r)),
                                     _mm256_add_pd(_mm256_mul_pd(k, _mm256_set1_pd(kLn2Lo)), c));
  return _mm256_sub_pd(_mm256_mul_pd(k, _mm256_set1_pd(kLn2Hi)), _mm256_sub_pd(_mm256_sub_pd(hfsq, tail), f));
}

// expm1(y) for every lane, y in [-700, 700]. y = k·ln2 + r with |r| <= ln2/2 (r's rounding error kept apart);
// expm1(r) = r + r²·q(r) from the Taylor series to r^13/13! (truncation < 2^-60 relative), so small arguments keep
// full relative accuracy; then expm1(y) = 2^k·expm1(r) + (2^k - 1) (k = 0: expm1(r) itself).
COCOGEN_TARGET_AVX2 inline __m256d Expm1(__m256d y) {
  const __m256d k = _mm256_round_pd(_mm256_mul_pd(y, _mm256_set1_pd(1.44269504088896338700e+00)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256d hi = _mm256_sub_pd(y, _mm256_mul_pd(k, _mm256_set1_pd(kLn2Hi)));  // exact
  const __m256d lo = _mm256_mul_pd(k, _mm256_set1_pd(kLn2Lo));
  const __m256d r = _mm256_sub_pd(hi, lo);
  const __m256d r_error = _mm256_sub_pd(_mm256_sub_pd(hi, r), lo);  // (hi - lo) - r
  __m256d q = _mm256_set1_pd(1.0 / 6227020800.0);                   // 1/13!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 479001600.0));     // 1/12!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 39916800.0));      // 1/11!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 3628800.0));       // 1/10!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 362880.0));        // 1/9!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 40320.0));         // 1/8!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 5040.0));          // 1/7!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 720.0));           // 1/6!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 120.0));           // 1/5!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 24.0));            // 1/4!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 6.0));             // 1/3!
  q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(0.5));                   // 1/2!
  // 2^k from its bits (|k| <= 1010: a normal number).
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256i k_bits = _mm256_castpd_si256(_mm256_add_pd(k, _mm256_set1_pd(4503599627370496.0 + 1023.0)));
  const __m256d t = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_sub_epi64(k_bits, _mm256_castpd_si256(two52)), 52));
  // 2^k·(1 + expm1(r + r_error)) - 1 = ((2^k - 1) + 2^k·r) + 2^k·(r²·q + r_error·(1 + r)), the first part rounded
  // once (exact for k = 0), so that the rounding of expm1(r) is not scaled by 2^k before the cancellation.
  const __m256d small =
      _mm256_fmadd_pd(_mm256_mul_pd(r, r), q, _mm256_mul_pd(r_error, _mm256_add_pd(r, _mm256_set1_pd(1.0))));
  const __m256d lead = _mm256_fmadd_pd(t, r, _mm256_sub_pd(t, _mm256_set1_pd(1.0)));
  return _mm256_fmadd_pd(t, small, lead);
}

}  // namespace simd
}  // namespace cocogen

#endif  // COCOGEN_X86_DISPATCH

#endif  // COCOGEN_NATIVE_KERNELS_PAYOFF_SIMD_MATH_H_
