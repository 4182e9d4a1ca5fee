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
#endif

namespace cocogen {
namespace {

// Accumulator block, in elements: 4096 float64 = 32 KiB. Each pass over the block streams kRowsPerPass updates through
// it, so the accumulator is read and written once per eight updates rather than once per four, and it stays in the
// near caches while the updates stream past. Measured on a 2-core Zen 4 VM (K = 64): in cache (P = 64K) eight rows
// per pass with the prefetch below run ~1.5x four rows over a 64 KiB block; from DRAM (P = 4M) they are equal within
// noise. Sixteen rows per pass lose in cache (more streams than the L1 keeps apart).
constexpr size_t kBlock = 4096;
constexpr size_t kRowsPerPass = 8;
// How far ahead of its loads each row is prefetched: eight 64-byte lines. In cache it hides the L3 latency the
// hardware prefetchers leave exposed with eight streams per core; from DRAM it neither helps nor hurts.
constexpr size_t kPrefetchFloats = 128;
// float32 exponent field: all ones means NaN or ±Infinity. Every stored result is tested on its bits, one AND and one
// compare per vector beside the store, so the caller learns whether `out` holds a non-finite value without reading
// it again.
constexpr uint32_t kExponentBits = 0x7f800000u;

// The accumulator of one thread, on the heap: 32 KiB is a large share of small thread stacks (musl's default is
// 128 KiB).
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

// One pass of G updates over an accumulator block of n elements: acc[i] = fma(w_g, u_g[i], acc[i]) for g = 0..G-1 in
// order, 16 elements (one cache line of each update) per step; the last n % 16 elements one at a time, by the same
// fused multiply-adds in the same order, so every element gets the same bits.
template <size_t G>
COCOGEN_TARGET_AVX2 inline void PassAvx2(const float* const* rows, const double* weights, size_t offset, size_t n,
                                         double* acc) {
  const float* u[G];
  __m256d w[G];
  for (size_t g = 0; g < G; ++g) {
    u[g] = rows[g] + offset;
    w[g] = _mm256_set1_pd(weights[g]);
  }
  const size_t body = n & ~size_t{15};
  for (size_t i = 0; i < body; i += 16) {
    for (size_t g = 0; g < G; ++g) _mm_prefetch(reinterpret_cast<const char*>(u[g] + i + kPrefetchFloats), _MM_HINT_T0);
    __m256d a0 = _mm256_load_pd(acc + i);
    __m256d a1 = _mm256_load_pd(acc + i + 4);
    __m256d a2 = _mm256_load_pd(acc + i + 8);
    __m256d a3 = _mm256_load_pd(acc + i + 12);
    for (size_t g = 0; g < G; ++g) {
      a0 = _mm256_fmadd_pd(w[g], _mm256_cvtps_pd(_mm_loadu_ps(u[g] + i)), a0);
      a1 = _mm256_fmadd_pd(w[g], _mm256_cvtps_pd(_mm_loadu_ps(u[g] + i + 4)), a1);
      a2 = _mm256_fmadd_pd(w[g], _mm256_cvtps_pd(_mm_loadu_ps(u[g] + i + 8)), a2);
      a3 = _mm256_fmadd_pd(w[g], _mm256_cvtps_pd(_mm_loadu_ps(u[g] + i + 12)), a3);
    }
    _mm256_store_pd(acc + i, a0);
    _mm256_store_pd(acc + i + 4, a1);
    _mm256_store_pd(acc + i + 8, a2);
    _mm256_store_pd(acc + i + 12, a3);
  }
  for (size_t i = body; i < n; ++i) {
    double a = acc[i];
    for (size_t g = 0; g < G; ++g) a = std::fma(weights[g], static_cast<double>(u[g][i]), a);
    acc[i] = a;
  }
}

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
    for (; j + kRowsPerPass <= k; j += kRowsPerPass) PassAvx2<kRowsPerPass>(updates + j, weights + j, block, n, acc);
    if (j + 4 <= k) {
      PassAvx2<4>(updates + j, weights + j, block, n, acc);
      j += 4;
    }
    for (; j < k; ++j) PassAvx2<1>(updates + j, weights + j, block, n, acc);
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

#endif  // COCOGEN_X86_DISPATCH

// Each range kernel returns whether it stored a non-finite value.
using RangeKernel = bool (*)(const float* const*, const double*, size_t, float*, size_t, size_t);

// AVX-512 CPUs run the 256-bit kernel. The loop is bound by the float32 → float64 conversions (one vcvtps2pd per
// four or eight floats, beside the FMA), and on Zen 4, which executes a 512-bit operation as two 256-bit halves, the
// 512-bit form of the same loop measured ~10 % slower in cache and equal from DRAM.
RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return FedAvgRangeAvx2;
#endif
  return FedAvgRangeScalar;
}

}  // namespace

const char* FedAvgVariant() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return "avx2";
#endif
  return "scalar";
}

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
