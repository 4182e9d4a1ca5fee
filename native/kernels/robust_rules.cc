#include "kernels/robust_rules.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/gemm_sgemm.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// float32 bits → an int32 whose signed order is float32's total order (−0 < +0); the map is its own inverse.
inline int32_t ToKey(float v) {
  int32_t bits;
  std::memcpy(&bits, &v, 4);
  return bits ^ ((bits >> 31) & 0x7fffffff);
}
inline float FromKey(int32_t key) {
  const int32_t bits = key ^ ((key >> 31) & 0x7fffffff);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}
inline bool IsNan(float v) { return v != v; }
inline bool IsNonFinite(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return (bits & 0x7f800000u) == 0x7f800000u;
}

// Which sorted ranks a rule reads: [lo, hi).
struct Ranks {
  size_t lo;
  size_t hi;
};

// The rule applied to one coordinate's sorted keys (only ranks [lo, hi) need be in place).
inline float Finish(const int32_t* sorted, size_t k, bool median, Ranks r) {
  if (median) {
    if (k & 1) return FromKey(sorted[k / 2]);
    return static_cast<float>((static_cast<double>(FromKey(sorted[k / 2 - 1])) + FromKey(sorted[k / 2])) * 0.5);
  }
  double sum = 0;
  for (size_t j = r.lo; j < r.hi; ++j) sum += FromKey(sorted[j]);
  return static_cast<float>(sum / static_cast<double>(r.hi - r.lo));
}

// One coordinate by selection (scalar path, tails, and K above the network limit).
inline float SelectOne(int32_t* keys, size_t k, bool median, Ranks r) {
  int32_t* first = keys;
  int32_t* last = keys + k;
  if (median) {
    const size_t hi = k / 2;
    std::nth_element(first, first + hi, last);
    if (k & 1) return FromKey(keys[hi]);
    const int32_t below = *std::max_element(first, first + hi);
    return static_cast<float>((static_cast<double>(FromKey(below)) + FromKey(keys[hi])) * 0.5);
  }
  if (r.lo > 0) std::nth_element(first, first + r.lo, last);
  if (r.hi < k) std::nth_element(first + r.lo, first + r.hi, last);
  std::sort(first + r.lo, first + r.hi);  // ascending sum, as the reference adds
  return Finish(keys, k, false, r);
}

void RangeScalar(const float* const* updates, size_t k, const float* scales, bool median, Ranks r, float* out,
                 size_t begin, size_t end, bool* saw_non_finite) {
  std::vector<int32_t> keys(k);
  bool non_finite = false;
  for (size_t i = begin; i < end; ++i) {
    bool nan = false;
    for (size_t j = 0; j < k; ++j) {
      const float u = updates[j][i];
      non_finite |= IsNonFinite(u);
      const float v = scales ? scales[j] * u : u;
      nan |= IsNan(v);
      keys[j] = ToKey(v);
    }
    out[i] = nan ? std::nanf("") : SelectOne(keys.data(), k, median, r);
  }
  *saw_non_finite = non_finite;
}

// Batcher's odd–even merge sort on the next power of two ≥ k, restricted to indices < k (the padding is +∞ and never
// moves), then pruned to the comparators that reach the ranks a rule needs in place. The median needs ranks
// [r.lo, r.hi). The trimmed mean needs only the extremes [0, r.lo) and [r.hi, k) in place: a comparator network
// permutes, so the middle positions then hold exactly the kept values, in some order, and their sum is all it reads.
// For K = 64, trim 6 that is 434 comparators instead of the 537 that sort the middle.
std::vector<std::pair<uint16_t, uint16_t>> Network(size_t k, bool median, Ranks r) {
  size_t n = 1;
  while (n < k) n <<= 1;
  std::vector<std::pair<uint16_t, uint16_t>> all;
  for (size_t p = 1; p < n; p += p) {
    for (size_t step = p; step > 0; step /= 2) {
      for (size_t j = step % p; j + step < n; j += step + step) {
        for (size_t i = 0; i < step && i + j + step < n; ++i) {
          const size_t a = i + j;
          const size_t b = i + j + step;
          if (a / (p + p) == b / (p + p) && b < k) all.emplace_back(a, b);
        }
      }
    }
  }
  std::vector<bool> needed(k, false);
  for (size_t j = 0; j < k; ++j) needed[j] = median ? (j >= r.lo && j < r.hi) : (j < r.lo || j >= r.hi);
  std::vector<std::pair<uint16_t, uint16_t>> kept;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (needed[it->first] || needed[it->second]) {
      needed[it->first] = needed[it->second] = true;
      kept.push_back(*it);
    }
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

#if COCOGEN_X86_DISPATCH

// Coordinates per block: 4 vectors of 8 lanes, so every comparator has 4 independent min/max pairs in flight.
constexpr size_t kLanes = 32;
// Floats ahead of the current block that the loads prefetch.
constexpr size_t kPrefetch = 512;

COCOGEN_TARGET_AVX2 void RangeAvx2(const float* const* updates, size_t k, const float* scales, bool median, Ranks r,
                                   const std::vector<std::pair<uint16_t, uint16_t>>& network, float* out, size_t begin,
                                   size_t end, bool* saw_non_finite) {
  // keys[j · kLanes + lane], 64-byte aligned (k ≤ 128: at most 16 KiB, in L1).
  struct AlignedFree {
    void operator()(int32_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  const std::unique_ptr<int32_t[], AlignedFree> storage(new (std::align_val_t{64}) int32_t[k * kLanes]);
  __m256i* keys = reinterpret_cast<__m256i*>(storage.get());
  const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
  const __m256i exp_mask = _mm256_set1_epi32(0x7f800000);
  __m256i non_finite = _mm256_setzero_si256();
  size_t i = begin;
  for (; i + kLanes <= end; i += kLanes) {
    __m256i nan[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    for (size_t j = 0; j < k; ++j) {
      const float* u = updates[j] + i;
      const __m256 s = _mm256_set1_ps(scales ? scales[j] : 1.0f);
      // 64 streams are more than the hardware prefetcher follows: fetch this update's lines a few blocks ahead.
      _mm_prefetch(reinterpret_cast<const char*>(u + kPrefetch), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(u + kPrefetch + 16), _MM_HINT_T0);
      for (size_t v = 0; v < 4; ++v) {
        const __m256 raw = _mm256_loadu_ps(u + 8 * v);
        const __m256i raw_bits = _mm256_castps_si256(raw);
        non_finite = _mm256_or_si256(non_finite, _mm256_cmpeq_epi32(_mm256_and_si256(raw_bits, exp_mask), exp_mask));
        const __m256i bits = _mm256_castps_si256(scales ? _mm256_mul_ps(s, raw) : raw);
        nan[v] = _mm256_or_si256(nan[v], _mm256_cmpgt_epi32(_mm256_and_si256(bits, abs_mask), exp_mask));
        keys[j * 4 + v] = _mm256_xor_si256(bits, _mm256_and_si256(_mm256_srai_epi32(bits, 31), abs_mask));
      }
    }
    for (const auto& [a, b] : network) {
      __m256i* x = keys + a * 4;
      __m256i* y = keys + b * 4;
      for (size_t v = 0; v < 4; ++v) {
        const __m256i lo = _mm256_min_epi32(x[v], y[v]);
        const __m256i hi = _mm256_max_epi32(x[v], y[v]);
        x[v] = lo;
        y[v] = hi;
      }
    }
    if (!median) {
      // Each lane adds its kept keys in float64, 32 lanes at once (in network order, not ascending as Finish adds:
      // float64 sums of ≤ 128 float32 values differ from the reference far below the float32 rounding of the mean).
      __m256d acc[8];
      for (size_t h = 0; h < 8; ++h) acc[h] = _mm256_setzero_pd();
      for (size_t j = r.lo; j < r.hi; ++j) {
        for (size_t v = 0; v < 4; ++v) {
          const __m256i key = keys[j * 4 + v];
          const __m256 value =
              _mm256_castsi256_ps(_mm256_xor_si256(key, _mm256_and_si256(_mm256_srai_epi32(key, 31), abs_mask)));
          acc[2 * v] = _mm256_add_pd(acc[2 * v], _mm256_cvtps_pd(_mm256_castps256_ps128(value)));
          acc[2 * v + 1] = _mm256_add_pd(acc[2 * v + 1], _mm256_cvtps_pd(_mm256_extractf128_ps(value, 1)));
        }
      }
      const __m256d count = _mm256_set1_pd(static_cast<double>(r.hi - r.lo));
      const __m256 nan_value = _mm256_set1_ps(std::nanf(""));
      for (size_t v = 0; v < 4; ++v) {
        const __m128 lo = _mm256_cvtpd_ps(_mm256_div_pd(acc[2 * v], count));
        const __m128 hi = _mm256_cvtpd_ps(_mm256_div_pd(acc[2 * v + 1], count));
        const __m256 mean = _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
        _mm256_storeu_ps(out + i + 8 * v, _mm256_blendv_ps(mean, nan_value, _mm256_castsi256_ps(nan[v])));
      }
      continue;
    }
    alignas(32) int32_t column[kMaxNetworkK];
    alignas(32) int32_t lane_nan[kLanes];
    for (size_t v = 0; v < 4; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(lane_nan + 8 * v), nan[v]);
    const int32_t* flat = reinterpret_cast<const int32_t*>(keys);
    for (size_t lane = 0; lane < kLanes; ++lane) {
      if (lane_nan[lane]) {
        out[i + lane] = std::nanf("");
        continue;
      }
      const size_t v = lane / 8;
      const size_t l = lane % 8;
      for (size_t j = r.lo; j < r.hi; ++j) column[j] = flat[(j * 4 + v) * 8 + l];
      out[i + lane] = Finish(column, k, median, r);
    }
  }
  bool tail_non_finite = false;
  RangeScalar(updates, k, scales, median, r, out, i, end, &tail_non_finite);
  *saw_non_finite = tail_non_finite || !_mm256_testz_si256(non_finite, non_finite);
}

#endif

bool Robust(ThreadPool& pool, const float* const* updates, size_t k, const float* scales, bool median, Ranks r,
            float* out, size_t n) {
  std::atomic<bool> non_finite{false};
#if COCOGEN_X86_DISPATCH
  if (k <= kMaxNetworkK && ActiveIsa() != Isa::kScalar) {
    const auto network = Network(k, median, r);
    pool.ParallelFor(n, 16, [&](size_t begin, size_t end) {
      bool saw = false;
      RangeAvx2(updates, k, scales, median, r, network, out, begin, end, &saw);
      if (saw) non_finite.store(true);
    });
    return non_finite.load();
  }
#endif
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) {
    bool saw = false;
    RangeScalar(updates, k, scales, median, r, out, begin, end, &saw);
    if (saw) non_finite.store(true);
  });
  return non_finite.load();
}

}  // namespace

bool CoordinateMedian(ThreadPool& pool, const float* const* updates, size_t k, const float* scales, float* out,
                      size_t n) {
  const Ranks r = (k & 1) ? Ranks{k / 2, k / 2 + 1} : Ranks{k / 2 - 1, k / 2 + 1};
  return Robust(pool, updates, k, scales, true, r, out, n);
}

bool TrimmedMean(ThreadPool& pool, const float* const* updates, size_t k, size_t trim_count, const float* scales,
                 float* out, size_t n) {
  return Robust(pool, updates, k, scales, false, Ranks{trim_count, k - trim_count}, out, n);
}

void SquaredNorms(ThreadPool& pool, const float* const* updates, size_t k, size_t n, double* out) {
  // Parallel over updates when there are enough of them, else each update's sum runs on one thread in four lanes.
  pool.ParallelFor(k, 1, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      const float* u = updates[j];
      double lane[4] = {0, 0, 0, 0};
      size_t i = 0;
      for (; i + 4 <= n; i += 4) {
        for (size_t l = 0; l < 4; ++l) lane[l] += static_cast<double>(u[i + l]) * u[i + l];
      }
      for (; i < n; ++i) lane[0] += static_cast<double>(u[i]) * u[i];
      out[j] = (lane[0] + lane[1]) + (lane[2] + lane[3]);
    }
  });
}

#if COCOGEN_X86_DISPATCH

// Columns per block of the AVX2 Gram: k rows of kGramBlock floats (k = 64: 128 KiB) stay in L2 while every tile of
// the upper triangle reads them.
constexpr size_t kGramBlock = 512;

// Horizontal float64 sum of one tile accumulator's 8 float32 lanes.
COCOGEN_TARGET_AVX2 inline double SumLanes(__m256 v) {
  const __m256d d =
      _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(d), _mm256_extractf128_pd(d, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

// acc[a·k + b] += Σ rows[a][i]·rows[b][i] over i in [start, start + width) for an RA×RB tile; 8 float32 lanes per
// dot product, width a multiple of 8.
template <size_t RA, size_t RB>
COCOGEN_TARGET_AVX2 void GramTile(const float* const* rows, size_t a0, size_t b0, size_t k, size_t start, size_t width,
                                  double* acc) {
  __m256 c[RA][RB];
  for (size_t x = 0; x < RA; ++x) {
    for (size_t y = 0; y < RB; ++y) c[x][y] = _mm256_setzero_ps();
  }
  for (size_t i = start; i < start + width; i += 8) {
    __m256 a[RA];
    for (size_t x = 0; x < RA; ++x) a[x] = _mm256_loadu_ps(rows[a0 + x] + i);
    for (size_t y = 0; y < RB; ++y) {
      const __m256 b = _mm256_loadu_ps(rows[b0 + y] + i);
      for (size_t x = 0; x < RA; ++x) c[x][y] = _mm256_fmadd_ps(a[x], b, c[x][y]);
    }
  }
  for (size_t x = 0; x < RA; ++x) {
    for (size_t y = 0; y < RB; ++y) acc[(a0 + x) * k + b0 + y] += SumLanes(c[x][y]);
  }
}

template <size_t RA>
COCOGEN_TARGET_AVX2 void GramTileRows(const float* const* rows, size_t a0, size_t b0, size_t rb, size_t k, size_t start,
                                      size_t width, double* acc) {
  if (rb == 3) GramTile<RA, 3>(rows, a0, b0, k, start, width, acc);
  if (rb == 2) GramTile<RA, 2>(rows, a0, b0, k, start, width, acc);
  if (rb == 1) GramTile<RA, 1>(rows, a0, b0, k, start, width, acc);
}

// The upper triangle (a ≤ b, plus the rest of the diagonal tiles) of one block's Gram matrix, in 4×3 tiles.
COCOGEN_TARGET_AVX2 void GramBlockAvx2(const float* const* rows, size_t k, size_t start, size_t width, double* acc) {
  for (size_t a0 = 0; a0 < k; a0 += 4) {
    const size_t ra = std::min<size_t>(4, k - a0);
    for (size_t b0 = a0 - a0 % 3; b0 < k; b0 += 3) {
      const size_t rb = std::min<size_t>(3, k - b0);
      if (ra == 4) GramTileRows<4>(rows, a0, b0, rb, k, start, width, acc);
      if (ra == 3) GramTileRows<3>(rows, a0, b0, rb, k, start, width, acc);
      if (ra == 2) GramTileRows<2>(rows, a0, b0, rb, k, start, width, acc);
      if (ra == 1) GramTileRows<1>(rows, a0, b0, rb, k, start, width, acc);
    }
  }
}

COCOGEN_TARGET_AVX2 void GramAvx2(ThreadPool& pool, const float* const* updates, size_t k, size_t n, double* out) {
  std::fill(out, out + k * k, 0.0);
  std::mutex merge;
  std::vector<std::pair<size_t, std::vector<double>>> partial;
  const size_t blocks = (n + kGramBlock - 1) / kGramBlock;
  pool.ParallelFor(blocks, 1, [&](size_t begin, size_t end) {
    std::vector<double> acc(k * k, 0.0);
    for (size_t block = begin; block < end; ++block) {
      const size_t start = block * kGramBlock;
      const size_t width = std::min(kGramBlock, n - start);
      const size_t body = width - width % 8;
      if (block + 1 < end) {
        // The next block's lines, ahead of the tiles (k streams are more than the hardware prefetcher follows).
        for (size_t j = 0; j < k; ++j) {
          for (size_t i = 0; i < kGramBlock; i += 16) {
            _mm_prefetch(reinterpret_cast<const char*>(updates[j] + start + kGramBlock + i), _MM_HINT_T0);
          }
        }
      }
      if (body > 0) GramBlockAvx2(updates, k, start, body, acc.data());
      for (size_t a = 0; a < k; ++a) {
        for (size_t b = a; b < k; ++b) {
          float tail = 0;
          for (size_t i = start + body; i < start + width; ++i) tail += updates[a][i] * updates[b][i];
          acc[a * k + b] += tail;
        }
      }
    }
    std::lock_guard<std::mutex> lock(merge);
    partial.emplace_back(begin, std::move(acc));
  });
  std::sort(partial.begin(), partial.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [begin, acc] : partial) {
    for (size_t e = 0; e < k * k; ++e) out[e] += acc[e];
  }
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = a + 1; b < k; ++b) out[b * k + a] = out[a * k + b];
  }
}

#endif

const char* RobustRulesVariant() { return ActiveIsa() == Isa::kScalar ? "scalar" : "avx2"; }

void Gram(ThreadPool& pool, const float* const* updates, size_t k, size_t n, double* out) {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) {
    GramAvx2(pool, updates, k, n, out);
    return;
  }
#endif
  // Columns per block: the packed k×B block (k = 64: 512 KiB) stays in L2 for the SGEMM's own packing.
  constexpr size_t kBlock = 2048;
  std::fill(out, out + k * k, 0.0);
  // Each thread's float64 sum, added in the order of the threads' ranges so the result does not depend on timing.
  std::mutex merge;
  std::vector<std::pair<size_t, std::vector<double>>> partial;
  const size_t blocks = (n + kBlock - 1) / kBlock;
  pool.ParallelFor(blocks, 1, [&](size_t begin, size_t end) {
    std::vector<float> packed(k * kBlock);
    std::vector<float> c(k * k);
    std::vector<double> acc(k * k, 0.0);
    for (size_t block = begin; block < end; ++block) {
      const size_t start = block * kBlock;
      const size_t width = std::min(kBlock, n - start);
      for (size_t j = 0; j < k; ++j) std::memcpy(packed.data() + j * width, updates[j] + start, width * 4);
      SgemmArgs args;
      args.m = k;
      args.n = k;
      args.k = width;
      args.a = packed.data();
      args.lda = width;
      args.b = packed.data();
      args.ldb = width;
      args.trans_b = true;
      args.c = c.data();
      args.ldc = k;
      Sgemm(nullptr, args);
      for (size_t e = 0; e < k * k; ++e) acc[e] += c[e];
    }
    std::lock_guard<std::mutex> lock(merge);
    partial.emplace_back(begin, std::move(acc));
  });
  std::sort(partial.begin(), partial.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [begin, acc] : partial) {
    for (size_t e = 0; e < k * k; ++e) out[e] += acc[e];
  }
  // The SGEMM computes c[a][b] and c[b][a] by different paths; make the result exactly symmetric.
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = a + 1; b < k; ++b) out[b * k + a] = out[a * k + b];
  }
}

}  // namespace cocogen
