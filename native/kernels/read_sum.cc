#include "kernels/read_sum.h"

#include <mutex>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

double ReadRangeScalar(const float* x, size_t begin, size_t end) {
  float acc[4] = {0, 0, 0, 0};
  size_t i = begin;
  for (; i + 4 <= end; i += 4)
    for (size_t l = 0; l < 4; ++l) acc[l] += x[i + l];
  double sum = 0;
  for (; i < end; ++i) sum += x[i];
  for (float a : acc) sum += a;
  return sum;
}

#if COCOGEN_X86_DISPATCH

// Four independent accumulators: enough loads in flight that the adds' latency does not limit the read rate.
COCOGEN_TARGET_AVX2 double ReadRangeAvx2(const float* x, size_t begin, size_t end) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = begin;
  for (; i + 32 <= end; i += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  double sum = 0;
  for (float v : lanes) sum += v;
  for (; i < end; ++i) sum += x[i];
  return sum;
}

COCOGEN_TARGET_AVX512 double ReadRangeAvx512(const float* x, size_t begin, size_t end) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = begin;
  for (; i + 64 <= end; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(x + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(x + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(x + i + 48));
  }
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  double sum = 0;
  for (float v : lanes) sum += v;
  for (; i < end; ++i) sum += x[i];
  return sum;
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = double (*)(const float*, size_t, size_t);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  switch (ActiveIsa()) {
    case Isa::kAvx512:
      return ReadRangeAvx512;
    case Isa::kAvx2:
      return ReadRangeAvx2;
    case Isa::kScalar:
      break;
  }
#endif
  return ReadRangeScalar;
}

}  // namespace

const char* ReadSumVariant() { return IsaName(ActiveIsa()); }

double ReadSum(ThreadPool& pool, const float* x, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  std::mutex mutex;
  double total = 0;
  pool.ParallelFor(n, 64, [&](size_t begin, size_t end) {
    const double part = kernel(x, begin, end);
    std::lock_guard<std::mutex> lock(mutex);
    total += part;
  });
  return total;
}

}  // namespace cocogen
