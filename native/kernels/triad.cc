#include "kernels/triad.h"

#include <cmath>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

void TriadRangeScalar(float* a, const float* b, const float* c, float scalar, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) a[i] = b[i] + scalar * c[i];
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 void TriadRangeAvx2(float* a, const float* b, const float* c, float scalar, size_t begin,
                                        size_t end) {
  const __m256 s = _mm256_set1_ps(scalar);
  size_t i = begin;
  for (; i + 8 <= end; i += 8) {
    _mm256_storeu_ps(a + i, _mm256_fmadd_ps(s, _mm256_loadu_ps(c + i), _mm256_loadu_ps(b + i)));
  }
  for (; i < end; ++i) a[i] = std::fma(scalar, c[i], b[i]);
}

COCOGEN_TARGET_AVX512 void TriadRangeAvx512(float* a, const float* b, const float* c, float scalar, size_t begin,
                                            size_t end) {
  const __m512 s = _mm512_set1_ps(scalar);
  size_t i = begin;
  for (; i + 16 <= end; i += 16) {
    _mm512_storeu_ps(a + i, _mm512_fmadd_ps(s, _mm512_loadu_ps(c + i), _mm512_loadu_ps(b + i)));
  }
  if (i < end) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (end - i)) - 1);
    const __m512 sum = _mm512_fmadd_ps(s, _mm512_maskz_loadu_ps(mask, c + i), _mm512_maskz_loadu_ps(mask, b + i));
    _mm512_mask_storeu_ps(a + i, mask, sum);
  }
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(float*, const float*, const float*, float, size_t, size_t);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  switch (ActiveIsa()) {
    case Isa::kAvx512:
      return TriadRangeAvx512;
    case Isa::kAvx2:
      return TriadRangeAvx2;
    case Isa::kScalar:
      break;
  }
#endif
  return TriadRangeScalar;
}

}  // namespace

const char* TriadVariant() { return IsaName(ActiveIsa()); }

void Triad(ThreadPool& pool, float* a, const float* b, const float* c, float scalar, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) { kernel(a, b, c, scalar, begin, end); });
}

}  // namespace cocogen
