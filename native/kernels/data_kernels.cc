#include "kernels/data_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// Labels per block below which a histogram is not split further (thread start-up costs more than counting).
constexpr size_t kMinBlockLabels = size_t{1} << 16;
// Per-block private histograms in owner mode only while they total at most this many bins; beyond it every block
// adds into the output with relaxed atomic increments instead.
constexpr size_t kMaxPrivateBins = size_t{1} << 24;
// Rows per task of the L1 kernel, and rows interleaved in its inner loop (independent dependency chains).
constexpr size_t kL1RowsPerTask = 256;
constexpr size_t kL1Interleave = 4;

template <typename T>
inline uint32_t Load(const void* base, size_t i) {
  return static_cast<uint32_t>(static_cast<const T*>(base)[i]);
}

// Counts labels[begin, end) into hist[0, classes) (4 interleaved sub-histograms in `scratch`, 4 * classes zeroed
// entries, so consecutive equal labels do not wait on each other's store). Returns the first bad index, or -1.
template <typename L>
int64_t CountSegment(const void* labels, size_t begin, size_t end, uint32_t classes, uint32_t* hist,
                     uint32_t* scratch) {
  const L* in = static_cast<const L*>(labels);
  int64_t bad = -1;
  size_t i = begin;
  if (end - begin >= 64) {
    uint32_t* s0 = scratch;
    uint32_t* s1 = scratch + classes;
    uint32_t* s2 = scratch + 2 * classes;
    uint32_t* s3 = scratch + 3 * classes;
    for (; i + 4 <= end; i += 4) {
      const uint32_t a = in[i], b = in[i + 1], c = in[i + 2], d = in[i + 3];
      if ((a >= classes) | (b >= classes) | (c >= classes) | (d >= classes)) break;
      ++s0[a];
      ++s1[b];
      ++s2[c];
      ++s3[d];
    }
    for (uint32_t k = 0; k < classes; ++k) {
      hist[k] += s0[k] + s1[k] + s2[k] + s3[k];
      s0[k] = s1[k] = s2[k] = s3[k] = 0;
    }
  }
  for (; i < end; ++i) {
    const uint32_t c = in[i];
    if (c >= classes) {
      bad = static_cast<int64_t>(i);
      break;
    }
    ++hist[c];
  }
  return bad;
}

int64_t CountSegmentAny(size_t bytes, const void* labels, size_t begin, size_t end, uint32_t classes, uint32_t* hist,
                        uint32_t* scratch) {
  switch (bytes) {
    case 1:
      return CountSegment<uint8_t>(labels, begin, end, classes, hist, scratch);
    case 2:
      return CountSegment<uint16_t>(labels, begin, end, classes, hist, scratch);
    default:
      return CountSegment<uint32_t>(labels, begin, end, classes, hist, scratch);
  }
}

int64_t MinBad(int64_t a, int64_t b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

// CSR (or single-group) mode: block b covers labels [lo, hi), which lie in groups first..last; its private histogram
// holds those rows only, and the blocks are merged row-wise afterwards (serially: at most groups + blocks rows).
void HistogramsContiguous(ThreadPool& pool, const LabelHistogramsArgs& a, size_t blocks, DataKernelReport* report) {
  const uint32_t classes = static_cast<uint32_t>(a.classes);
  const size_t groups = a.offsets != nullptr ? a.groups : 1;
  std::vector<size_t> first(blocks), last(blocks);
  std::vector<std::vector<uint32_t>> priv(blocks);
  std::vector<int64_t> bad(blocks, -1);
  auto group_of = [&](size_t i) -> size_t {  // the g with offsets[g] <= i < offsets[g + 1] (skipping empty groups)
    if (a.offsets == nullptr) return 0;
    return static_cast<size_t>(std::upper_bound(a.offsets, a.offsets + groups + 1, static_cast<uint32_t>(i)) -
                               a.offsets) -
           1;
  };
  pool.ParallelFor(blocks, 1, [&](size_t b0, size_t b1) {
    std::vector<uint32_t> scratch(4 * a.classes, 0);
    for (size_t b = b0; b < b1; ++b) {
      const size_t lo = a.n * b / blocks;
      const size_t hi = a.n * (b + 1) / blocks;
      if (lo == hi) {
        first[b] = 1;
        last[b] = 0;
        continue;
      }
      const size_t g0 = group_of(lo);
      const size_t g1 = group_of(hi - 1);
      first[b] = g0;
      last[b] = g1;
      priv[b].assign((g1 - g0 + 1) * a.classes, 0);
      for (size_t g = g0; g <= g1; ++g) {
        const size_t s = a.offsets != nullptr ? std::max<size_t>(lo, a.offsets[g]) : lo;
        const size_t e = a.offsets != nullptr ? std::min<size_t>(hi, a.offsets[g + 1]) : hi;
        if (s >= e) continue;
        const int64_t found =
            CountSegmentAny(a.label_bytes, a.labels, s, e, classes, &priv[b][(g - g0) * a.classes], scratch.data());
        if (found >= 0) {
          bad[b] = found;
          break;
        }
      }
    }
  });
  std::memset(a.out, 0, a.groups * a.classes * sizeof(uint32_t));
  for (size_t b = 0; b < blocks; ++b) {
    report->bad_label = MinBad(report->bad_label, bad[b]);
    if (first[b] > last[b]) continue;
    uint32_t* dst = a.out + first[b] * a.classes;
    const std::vector<uint32_t>& src = priv[b];
    for (size_t k = 0; k < src.size(); ++k) dst[k] += src[k];
  }
}

// Counts labels[lo, hi) into hist[owner * classes + label] until the first label >= classes or owner >= groups;
// returns that index, or hi. Parameters by value: the loop keeps them in registers (a lambda's by-reference captures
// would be reloaded after every increment, which may alias them).
template <typename L, typename O, bool kAtomic>
size_t CountOwners(const L* labels, const O* owners, size_t lo, size_t hi, uint32_t classes, uint32_t groups,
                   uint32_t* hist) {
  for (size_t i = lo; i < hi; ++i) {
    const uint32_t c = labels[i];
    const uint32_t g = owners[i];
    if (c >= classes || g >= groups) return i;
    uint32_t* bin = hist + static_cast<size_t>(g) * classes + c;
    if (kAtomic) {
      __atomic_fetch_add(bin, 1u, __ATOMIC_RELAXED);
    } else {
      ++*bin;
    }
  }
  return hi;
}

// Owner mode: each block counts into a private full histogram (merged in parallel over bins), or into the output with
// atomic increments when private copies would be too large.
template <typename L, typename O>
void HistogramsOwners(ThreadPool& pool, const LabelHistogramsArgs& a, size_t blocks, DataKernelReport* report) {
  const size_t bins = a.groups * a.classes;
  const bool shared = bins * blocks > kMaxPrivateBins && blocks > 1;
  const uint32_t classes = static_cast<uint32_t>(a.classes);
  const uint32_t groups = static_cast<uint32_t>(std::min<size_t>(a.groups, std::numeric_limits<uint32_t>::max()));
  const L* labels = static_cast<const L*>(a.labels);
  const O* owners = static_cast<const O*>(a.owners);
  std::vector<std::vector<uint32_t>> priv(shared ? 0 : blocks);
  std::vector<int64_t> bad_label(blocks, -1), bad_owner(blocks, -1);
  if (shared) std::memset(a.out, 0, bins * sizeof(uint32_t));
  pool.ParallelFor(blocks, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const size_t lo = a.n * b / blocks;
      const size_t hi = a.n * (b + 1) / blocks;
      uint32_t* hist = a.out;
      if (!shared) {
        priv[b].assign(bins, 0);
        hist = priv[b].data();
      }
      const size_t stop = shared ? CountOwners<L, O, true>(labels, owners, lo, hi, classes, groups, hist)
                                 : CountOwners<L, O, false>(labels, owners, lo, hi, classes, groups, hist);
      // Past the first bad index only the other kind can still be reported earlier than in a later block.
      for (size_t j = stop; j < hi && (bad_label[b] < 0 || bad_owner[b] < 0); ++j) {
        if (bad_label[b] < 0 && static_cast<uint32_t>(labels[j]) >= classes) bad_label[b] = static_cast<int64_t>(j);
        if (bad_owner[b] < 0 && static_cast<uint32_t>(owners[j]) >= groups) bad_owner[b] = static_cast<int64_t>(j);
      }
    }
  });
  for (size_t b = 0; b < blocks; ++b) {
    report->bad_label = MinBad(report->bad_label, bad_label[b]);
    report->bad_owner = MinBad(report->bad_owner, bad_owner[b]);
  }
  if (shared) return;
  pool.ParallelFor(bins, 16, [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      uint32_t sum = 0;
      for (size_t b = 0; b < blocks; ++b) sum += priv[b][k];
      a.out[k] = sum;
    }
  });
}

template <typename L>
void HistogramsOwnersBy(ThreadPool& pool, const LabelHistogramsArgs& a, size_t blocks, DataKernelReport* report) {
  switch (a.owner_bytes) {
    case 1:
      return HistogramsOwners<L, uint8_t>(pool, a, blocks, report);
    case 2:
      return HistogramsOwners<L, uint16_t>(pool, a, blocks, report);
    default:
      return HistogramsOwners<L, uint32_t>(pool, a, blocks, report);
  }
}

template <typename C>
inline double CountAt(const void* counts, size_t i) {
  return static_cast<double>(static_cast<const C*>(counts)[i]);
}

// The first negative or non-finite count of rows [n, n + rows), in index order.
template <typename C>
int64_t FirstBad(const L1DistancesArgs& a, size_t n, size_t rows) {
  for (size_t i = n * a.classes; i < (n + rows) * a.classes; ++i) {
    const double v = CountAt<C>(a.counts, i);
    if (!(v >= 0 && v < std::numeric_limits<double>::infinity())) return static_cast<int64_t>(i);
  }
  return -1;
}

// Rows [begin, end), kL1Interleave at a time. Returns the first bad index, or -1.
template <typename C>
int64_t L1Rows(const L1DistancesArgs& a, size_t begin, size_t end) {
  const size_t classes = a.classes;
  const double* t = a.target;
  size_t n = begin;
  for (; n < end; n += kL1Interleave) {
    const size_t rows = std::min(kL1Interleave, end - n);
    double total[kL1Interleave] = {0, 0, 0, 0};
    // The rows' sums side by side (independent chains), each still in class order; checked as they are read.
    for (size_t c = 0; c < classes; ++c) {
      for (size_t r = 0; r < rows; ++r) {
        const size_t i = (n + r) * classes + c;
        const double v = CountAt<C>(a.counts, i);
        if (!(v >= 0 && v < std::numeric_limits<double>::infinity())) return FirstBad<C>(a, n, rows);
        total[r] += v;
      }
    }
    if (a.totals != nullptr) {
      for (size_t r = 0; r < rows; ++r) total[r] = a.totals[n + r];
    }
    double inv[kL1Interleave], acc[kL1Interleave] = {0, 0, 0, 0};
    for (size_t r = 0; r < kL1Interleave; ++r) inv[r] = r < rows ? 1 / total[r] : 0;
    if (rows == kL1Interleave) {
      const size_t r0 = n * classes;
      for (size_t c = 0; c < classes; ++c) {
        acc[0] += std::fabs(CountAt<C>(a.counts, r0 + c) * inv[0] - t[c]);
        acc[1] += std::fabs(CountAt<C>(a.counts, r0 + classes + c) * inv[1] - t[c]);
        acc[2] += std::fabs(CountAt<C>(a.counts, r0 + 2 * classes + c) * inv[2] - t[c]);
        acc[3] += std::fabs(CountAt<C>(a.counts, r0 + 3 * classes + c) * inv[3] - t[c]);
      }
    } else {
      for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < classes; ++c)
          acc[r] += std::fabs(CountAt<C>(a.counts, (n + r) * classes + c) * inv[r] - t[c]);
      }
    }
    for (size_t r = 0; r < rows; ++r) a.out[n + r] = total[r] == 0 ? std::numeric_limits<double>::quiet_NaN() : acc[r];
  }
  return -1;
}

#if COCOGEN_X86_DISPATCH

// The AVX2 L1 kernel vectorizes across rows: lane r of a __m256d holds row r of a 4-row tile, and every lane walks the
// classes in order with the scalar path's operations (add for the total, then 1 / T, multiply, subtract, clear the
// sign bit, add), each an explicit intrinsic and each rounded on its own (-ffp-contract=off, and no FMA is called), so
// every row gets the bits of L1Rows and of initialSkew. Tiles of 4 classes are loaded as 4 row vectors and transposed;
// the last classes % 4 are gathered one value per lane.

// 4 rows x classes [c, c + 4) as 4 column vectors (col[k]: class c + k of the 4 rows).
COCOGEN_TARGET_AVX2 inline void LoadTile(const double* p, size_t stride, size_t c, __m256d col[4]) {
  const __m256d r0 = _mm256_loadu_pd(p + c);
  const __m256d r1 = _mm256_loadu_pd(p + stride + c);
  const __m256d r2 = _mm256_loadu_pd(p + 2 * stride + c);
  const __m256d r3 = _mm256_loadu_pd(p + 3 * stride + c);
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1);
  const __m256d t1 = _mm256_unpackhi_pd(r0, r1);
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3);
  const __m256d t3 = _mm256_unpackhi_pd(r2, r3);
  col[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  col[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  col[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  col[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// uint32 -> double, exact: flip the top bit, convert as int32, add 2^31 back (the sum is an integer below 2^32).
COCOGEN_TARGET_AVX2 inline __m256d U32ToF64(__m128i v) {
  const __m128i flipped = _mm_xor_si128(v, _mm_set1_epi32(static_cast<int>(0x80000000u)));
  return _mm256_add_pd(_mm256_cvtepi32_pd(flipped), _mm256_set1_pd(2147483648.0));
}

COCOGEN_TARGET_AVX2 inline void LoadTile(const uint32_t* p, size_t stride, size_t c, __m256d col[4]) {
  const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + c));
  const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + stride + c));
  const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * stride + c));
  const __m128i r3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3 * stride + c));
  const __m128i t0 = _mm_unpacklo_epi32(r0, r1);
  const __m128i t1 = _mm_unpackhi_epi32(r0, r1);
  const __m128i t2 = _mm_unpacklo_epi32(r2, r3);
  const __m128i t3 = _mm_unpackhi_epi32(r2, r3);
  col[0] = U32ToF64(_mm_unpacklo_epi64(t0, t2));
  col[1] = U32ToF64(_mm_unpackhi_epi64(t0, t2));
  col[2] = U32ToF64(_mm_unpacklo_epi64(t1, t3));
  col[3] = U32ToF64(_mm_unpackhi_epi64(t1, t3));
}

// Class c of the 4 rows.
template <typename C>
COCOGEN_TARGET_AVX2 inline __m256d LoadColumn(const C* p, size_t stride, size_t c) {
  return _mm256_set_pd(static_cast<double>(p[3 * stride + c]), static_cast<double>(p[2 * stride + c]),
                       static_cast<double>(p[stride + c]), static_cast<double>(p[c]));
}

// Lanes whose value is >= 0 and finite (all ones), as the scalar test !(v >= 0 && v < inf) negated.
COCOGEN_TARGET_AVX2 inline __m256d GoodCounts(__m256d v) {
  return _mm256_and_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GE_OQ),
                       _mm256_cmp_pd(v, _mm256_set1_pd(std::numeric_limits<double>::infinity()), _CMP_LT_OQ));
}

// Rows [n, n + 4 * G): G independent 4-row tiles side by side (independent dependency chains). Returns false when a
// count is negative or not finite (nothing is then stored).
template <typename C, int G>
COCOGEN_TARGET_AVX2 bool L1TilesAvx2(const L1DistancesArgs& a, size_t n) {
  const size_t classes = a.classes;
  const size_t body = classes & ~size_t{3};
  const C* base = static_cast<const C*>(a.counts) + n * classes;
  const double* t = a.target;
  const bool check = std::is_same<C, double>::value;  // uint32 counts are always >= 0 and finite
  __m256d total[G], good[G];
  for (int g = 0; g < G; ++g) {
    total[g] = _mm256_setzero_pd();
    good[g] = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  }
  for (size_t c = 0; c < body; c += 4) {
    for (int g = 0; g < G; ++g) {
      __m256d col[4];
      LoadTile(base + 4 * g * classes, classes, c, col);
      for (int k = 0; k < 4; ++k) {
        if (check) good[g] = _mm256_and_pd(good[g], GoodCounts(col[k]));
        total[g] = _mm256_add_pd(total[g], col[k]);
      }
    }
  }
  for (size_t c = body; c < classes; ++c) {
    for (int g = 0; g < G; ++g) {
      const __m256d v = LoadColumn(base + 4 * g * classes, classes, c);
      if (check) good[g] = _mm256_and_pd(good[g], GoodCounts(v));
      total[g] = _mm256_add_pd(total[g], v);
    }
  }
  if (check) {
    for (int g = 0; g < G; ++g) {
      if (_mm256_movemask_pd(good[g]) != 0xF) return false;
    }
  }
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d sign = _mm256_set1_pd(-0.0);
  __m256d inv[G], acc[G];
  for (int g = 0; g < G; ++g) {
    if (a.totals != nullptr) total[g] = _mm256_loadu_pd(a.totals + n + 4 * g);
    inv[g] = _mm256_div_pd(one, total[g]);
    acc[g] = _mm256_setzero_pd();
  }
  for (size_t c = 0; c < body; c += 4) {
    for (int g = 0; g < G; ++g) {
      __m256d col[4];
      LoadTile(base + 4 * g * classes, classes, c, col);
      for (int k = 0; k < 4; ++k) {
        const __m256d d = _mm256_sub_pd(_mm256_mul_pd(col[k], inv[g]), _mm256_set1_pd(t[c + k]));
        acc[g] = _mm256_add_pd(acc[g], _mm256_andnot_pd(sign, d));
      }
    }
  }
  for (size_t c = body; c < classes; ++c) {
    for (int g = 0; g < G; ++g) {
      const __m256d v = LoadColumn(base + 4 * g * classes, classes, c);
      const __m256d d = _mm256_sub_pd(_mm256_mul_pd(v, inv[g]), _mm256_set1_pd(t[c]));
      acc[g] = _mm256_add_pd(acc[g], _mm256_andnot_pd(sign, d));
    }
  }
  const __m256d nan = _mm256_set1_pd(std::numeric_limits<double>::quiet_NaN());
  for (int g = 0; g < G; ++g) {
    const __m256d empty = _mm256_cmp_pd(total[g], _mm256_setzero_pd(), _CMP_EQ_OQ);
    _mm256_storeu_pd(a.out + n + 4 * g, _mm256_blendv_pd(acc[g], nan, empty));
  }
  return true;
}

// Rows [begin, end): 8 at a time, then 4, then the scalar kernel for the last rows % 4. Returns the first bad index,
// or -1.
template <typename C>
COCOGEN_TARGET_AVX2 int64_t L1RowsAvx2(const L1DistancesArgs& a, size_t begin, size_t end) {
  size_t n = begin;
  for (; n + 8 <= end; n += 8) {
    if (!L1TilesAvx2<C, 2>(a, n)) return FirstBad<C>(a, n, 8);
  }
  for (; n + 4 <= end; n += 4) {
    if (!L1TilesAvx2<C, 1>(a, n)) return FirstBad<C>(a, n, 4);
  }
  return n < end ? L1Rows<C>(a, n, end) : -1;
}

#endif  // COCOGEN_X86_DISPATCH

using L1Kernel = int64_t (*)(const L1DistancesArgs&, size_t, size_t);

template <typename C>
L1Kernel SelectL1Kernel() {
#if COCOGEN_X86_DISPATCH
  switch (ActiveIsa()) {
    case Isa::kAvx512:  // AVX2 is as wide as the rows' tiles need; AVX-512 adds nothing to a 4-row transpose
    case Isa::kAvx2:
      return L1RowsAvx2<C>;
    case Isa::kScalar:
      break;
  }
#endif
  return L1Rows<C>;
}

}  // namespace

void LabelHistograms(ThreadPool& pool, const LabelHistogramsArgs& args, DataKernelReport* report) {
  *report = DataKernelReport{};
  const size_t blocks = std::max<size_t>(1, std::min(pool.threads(), args.n / kMinBlockLabels));
  if (args.owners == nullptr) {
    HistogramsContiguous(pool, args, blocks, report);
    return;
  }
  switch (args.label_bytes) {
    case 1:
      return HistogramsOwnersBy<uint8_t>(pool, args, blocks, report);
    case 2:
      return HistogramsOwnersBy<uint16_t>(pool, args, blocks, report);
    default:
      return HistogramsOwnersBy<uint32_t>(pool, args, blocks, report);
  }
}

int64_t L1Distances(ThreadPool& pool, const L1DistancesArgs& args) {
  static const L1Kernel kernel_f64 = SelectL1Kernel<double>();
  static const L1Kernel kernel_u32 = SelectL1Kernel<uint32_t>();
  const L1Kernel kernel = args.counts_f64 ? kernel_f64 : kernel_u32;
  const size_t tasks = (args.groups + kL1RowsPerTask - 1) / kL1RowsPerTask;
  std::vector<int64_t> bad(tasks, -1);
  pool.ParallelFor(tasks, 1, [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; ++t) {
      const size_t begin = t * kL1RowsPerTask;
      const size_t end = std::min(args.groups, begin + kL1RowsPerTask);
      bad[t] = kernel(args, begin, end);
      if (bad[t] >= 0) break;  // this thread's later tasks cannot hold an earlier bad index
    }
  });
  int64_t first = -1;
  for (int64_t b : bad) first = MinBad(first, b);
  return first;
}

}  // namespace cocogen
