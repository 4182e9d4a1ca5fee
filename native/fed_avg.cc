#include "fed_avg.h"

#include <algorithm>
#include <cmath>
#include <new>

#include "cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// GCC 12's AVX-512 headers start conversions from _mm*_undefined_*() and warn about it (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace cocogen {
namespace {

// Accumulator block, in elements: 8192 float64 = 64 KiB, held in L2 (>= 256 KiB per core on the x86 CPUs of the last
// decade) together with the four update chunks in flight. Measured on a 2-core EPYC VM (K = 64, P = 4M): 2048 (an
// L1-resident block) loses ~5 % to the more frequent restarts of the update streams; 8192 and 16384 are equal within
// noise.
constexpr size_t kBlock = 8192;
// Updates streamed together over one block: fewer passes over the accumulator, four sequential streams per core.
constexpr size_t kUpdatesPerPass = 4;

// The accumulator of one thread, on the heap: 64 KiB is too much for small thread stacks (musl's default is 128 KiB).
class Accumulator {
 public:
  Accumulator() : data_(new (std::align_val_t{64}) double[kBlock]) {}
  ~Accumulator() { ::operator delete[](data_, std::align_val_t{64}); }
  Accumulator(const Accumulator&) = delete;
  Accumulator& operator=(const Accumulator&) = delete;
  double* data() const { return data_; }

 private:
  double* data_;
};

void FedAvgRangeScalar(const float* const* updates, const double* weights, size_t k, float* out, size_t begin,
                       size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  for (size_t block = begin; block < end; block += kBlock) {
    const size_t n = std::min(kBlock, end - block);
    std::fill(acc, acc + n, 0.0);
    for (size_t j = 0; j < k; ++j) {
      const float* u = updates[j] + block;
      const double w = weights[j];
      for (size_t i = 0; i < n; ++i) acc[i] += w * static_cast<double>(u[i]);
    }
    for (size_t i = 0; i < n; ++i) out[block + i] = static_cast<float>(acc[i]);
  }
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 void FedAvgRangeAvx2(const float* const* updates, const double* weights, size_t k, float* out,
                                         size_t begin, size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  for (size_t block = begin; block < end; block += kBlock) {
    const size_t n = std::min(kBlock, end - block);
    const size_t vector_end = n & ~size_t{3};
    std::fill(acc, acc + n, 0.0);
    size_t j = 0;
    for (; j + kUpdatesPerPass <= k; j += kUpdatesPerPass) {
      const float* u0 = updates[j] + block;
      const float* u1 = updates[j + 1] + block;
      const float* u2 = updates[j + 2] + block;
      const float* u3 = updates[j + 3] + block;
      const __m256d w0 = _mm256_set1_pd(weights[j]);
      const __m256d w1 = _mm256_set1_pd(weights[j + 1]);
      const __m256d w2 = _mm256_set1_pd(weights[j + 2]);
      const __m256d w3 = _mm256_set1_pd(weights[j + 3]);
      for (size_t i = 0; i < vector_end; i += 4) {
        __m256d a = _mm256_load_pd(acc + i);
        a = _mm256_fmadd_pd(w0, _mm256_cvtps_pd(_mm_loadu_ps(u0 + i)), a);
        a = _mm256_fmadd_pd(w1, _mm256_cvtps_pd(_mm_loadu_ps(u1 + i)), a);
        a = _mm256_fmadd_pd(w2, _mm256_cvtps_pd(_mm_loadu_ps(u2 + i)), a);
        a = _mm256_fmadd_pd(w3, _mm256_cvtps_pd(_mm_loadu_ps(u3 + i)), a);
        _mm256_store_pd(acc + i, a);
      }
      for (size_t i = vector_end; i < n; ++i) {
        double a = acc[i];
        a = std::fma(weights[j], static_cast<double>(u0[i]), a);
        a = std::fma(weights[j + 1], static_cast<double>(u1[i]), a);
        a = std::fma(weights[j + 2], static_cast<double>(u2[i]), a);
        a = std::fma(weights[j + 3], static_cast<double>(u3[i]), a);
        acc[i] = a;
      }
    }
    for (; j < k; ++j) {
      const float* u = updates[j] + block;
      const __m256d w = _mm256_set1_pd(weights[j]);
      for (size_t i = 0; i < vector_end; i += 4) {
        _mm256_store_pd(acc + i, _mm256_fmadd_pd(w, _mm256_cvtps_pd(_mm_loadu_ps(u + i)), _mm256_load_pd(acc + i)));
      }
      for (size_t i = vector_end; i < n; ++i) acc[i] = std::fma(weights[j], static_cast<double>(u[i]), acc[i]);
    }
    float* o = out + block;
    for (size_t i = 0; i < vector_end; i += 4) _mm_storeu_ps(o + i, _mm256_cvtpd_ps(_mm256_load_pd(acc + i)));
    for (size_t i = vector_end; i < n; ++i) o[i] = static_cast<float>(acc[i]);
  }
}

// Masked loads and stores handle the last partial vector of a block, so every element takes the same vector path.
COCOGEN_TARGET_AVX512 inline __m512d LoadAsDouble(const float* p, __mmask16 mask) {
  return _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(mask, p)));
}

COCOGEN_TARGET_AVX512 void FedAvgRangeAvx512(const float* const* updates, const double* weights, size_t k, float* out,
                                             size_t begin, size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  for (size_t block = begin; block < end; block += kBlock) {
    const size_t n = std::min(kBlock, end - block);
    const size_t vectors = (n + 7) / 8;  // the last one may be partial
    const auto mask_at = [n](size_t i) -> __mmask16 {
      return n - i >= 8 ? static_cast<__mmask16>(0xff) : static_cast<__mmask16>((1u << (n - i)) - 1);
    };
    for (size_t v = 0; v < vectors; ++v) _mm512_store_pd(acc + 8 * v, _mm512_setzero_pd());
    size_t j = 0;
    for (; j + kUpdatesPerPass <= k; j += kUpdatesPerPass) {
      const float* u0 = updates[j] + block;
      const float* u1 = updates[j + 1] + block;
      const float* u2 = updates[j + 2] + block;
      const float* u3 = updates[j + 3] + block;
      const __m512d w0 = _mm512_set1_pd(weights[j]);
      const __m512d w1 = _mm512_set1_pd(weights[j + 1]);
      const __m512d w2 = _mm512_set1_pd(weights[j + 2]);
      const __m512d w3 = _mm512_set1_pd(weights[j + 3]);
      for (size_t v = 0; v < vectors; ++v) {
        const size_t i = 8 * v;
        const __mmask16 mask = mask_at(i);
        __m512d a = _mm512_load_pd(acc + i);
        a = _mm512_fmadd_pd(w0, LoadAsDouble(u0 + i, mask), a);
        a = _mm512_fmadd_pd(w1, LoadAsDouble(u1 + i, mask), a);
        a = _mm512_fmadd_pd(w2, LoadAsDouble(u2 + i, mask), a);
        a = _mm512_fmadd_pd(w3, LoadAsDouble(u3 + i, mask), a);
        _mm512_store_pd(acc + i, a);
      }
    }
    for (; j < k; ++j) {
      const float* u = updates[j] + block;
      const __m512d w = _mm512_set1_pd(weights[j]);
      for (size_t v = 0; v < vectors; ++v) {
        const size_t i = 8 * v;
        _mm512_store_pd(acc + i, _mm512_fmadd_pd(w, LoadAsDouble(u + i, mask_at(i)), _mm512_load_pd(acc + i)));
      }
    }
    float* o = out + block;
    for (size_t v = 0; v < vectors; ++v) {
      const size_t i = 8 * v;
      const __m256 rounded = _mm512_cvtpd_ps(_mm512_load_pd(acc + i));
      _mm512_mask_storeu_ps(o + i, mask_at(i), _mm512_castps256_ps512(rounded));
    }
  }
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(const float* const*, const double*, size_t, float*, size_t, size_t);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  switch (ActiveIsa()) {
    case Isa::kAvx512:
      return FedAvgRangeAvx512;
    case Isa::kAvx2:
      return FedAvgRangeAvx2;
    case Isa::kScalar:
      break;
  }
#endif
  return FedAvgRangeScalar;
}

}  // namespace

void FedAvg(ThreadPool& pool, const float* const* updates, const double* weights, size_t k, float* out, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  // Chunk boundaries on multiples of 16 floats: threads never write the same cache line of `out`.
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) { kernel(updates, weights, k, out, begin, end); });
}

}  // namespace cocogen
