#include "kernels/fed_avg.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>

#include "kernels/cpu_features.h"

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
// float32 exponent field: all ones means NaN or ±Infinity. Every stored result is tested on its bits, one AND and one
// compare per vector beside the store, so the caller learns whether `out` holds a non-finite value without reading
// it again.
constexpr uint32_t kExponentBits = 0x7f800000u;

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

// Whether a float32 is NaN or ±Infinity, from its exponent bits (all ones).
inline bool IsNonFinite(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return (bits & kExponentBits) == kExponentBits;
}

bool FedAvgRangeScalar(const float* const* updates, const double* weights, size_t k, float* out, size_t begin,
                       size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  bool non_finite = false;
  for (size_t block = begin; block < end; block += kBlock) {
    const size_t n = std::min(kBlock, end - block);
    std::fill(acc, acc + n, 0.0);
    for (size_t j = 0; j < k; ++j) {
      const float* u = updates[j] + block;
      const double w = weights[j];
      for (size_t i = 0; i < n; ++i) acc[i] += w * static_cast<double>(u[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const float v = static_cast<float>(acc[i]);
      out[block + i] = v;
      non_finite |= IsNonFinite(v);
    }
  }
  return non_finite;
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 bool FedAvgRangeAvx2(const float* const* updates, const double* weights, size_t k, float* out,
                                         size_t begin, size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  const __m128i exponent = _mm_set1_epi32(static_cast<int>(kExponentBits));
  __m128i non_finite = _mm_setzero_si128();  // lanes all ones where a stored value was NaN or ±Infinity
  bool tail_non_finite = false;
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
    for (size_t i = 0; i < vector_end; i += 4) {
      const __m128 rounded = _mm256_cvtpd_ps(_mm256_load_pd(acc + i));
      _mm_storeu_ps(o + i, rounded);
      const __m128i bits = _mm_and_si128(_mm_castps_si128(rounded), exponent);
      non_finite = _mm_or_si128(non_finite, _mm_cmpeq_epi32(bits, exponent));
    }
    for (size_t i = vector_end; i < n; ++i) {
      const float v = static_cast<float>(acc[i]);
      o[i] = v;
      tail_non_finite |= IsNonFinite(v);
    }
  }
  return tail_non_finite || !_mm_testz_si128(non_finite, non_finite);
}

// Masked loads and stores handle the last partial vector of a block, so every element takes the same vector path.
COCOGEN_TARGET_AVX512 inline __m512d LoadAsDouble(const float* p, __mmask16 mask) {
  return _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(mask, p)));
}

COCOGEN_TARGET_AVX512 bool FedAvgRangeAvx512(const float* const* updates, const double* weights, size_t k, float* out,
                                             size_t begin, size_t end) {
  Accumulator scratch;
  double* acc = scratch.data();
  const __m512i exponent = _mm512_set1_epi32(static_cast<int>(kExponentBits));
  __mmask16 non_finite = 0;  // bit l set once a stored value in lane l was NaN or ±Infinity
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
      const __mmask16 mask = mask_at(i);
      const __m512 rounded = _mm512_castps256_ps512(_mm512_cvtpd_ps(_mm512_load_pd(acc + i)));
      _mm512_mask_storeu_ps(o + i, mask, rounded);
      // Only the stored lanes: the upper eight are undefined, and the accumulator past n holds 0·w, NaN for w = NaN.
      const __m512i bits = _mm512_and_si512(_mm512_castps_si512(rounded), exponent);
      non_finite = static_cast<__mmask16>(non_finite | _mm512_mask_cmpeq_epi32_mask(mask, bits, exponent));
    }
  }
  return non_finite != 0;
}

#endif  // COCOGEN_X86_DISPATCH

// Each range kernel returns whether it stored a non-finite value.
using RangeKernel = bool (*)(const float* const*, const double*, size_t, float*, size_t, size_t);

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

bool FedAvg(ThreadPool& pool, const float* const* updates, const double* weights, size_t k, float* out, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  std::atomic<bool> non_finite{false};
  // Chunk boundaries on multiples of 16 floats: threads never write the same cache line of `out`.
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) {
    if (kernel(updates, weights, k, out, begin, end)) non_finite.store(true);
  });
  return non_finite.load();
}

}  // namespace cocogen
