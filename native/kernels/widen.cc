#include "kernels/widen.h"

#include <cstring>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// --- one element, portable: the scalar path, and the tails of the vector paths --------------------------------

// Little-endian loads from any byte address, written so that they compile to one unaligned load on x86.
inline uint32_t LoadU16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8); }

inline uint64_t LoadU64(const uint8_t* p) {
  uint64_t value = 0;
  for (int b = 7; b >= 0; --b) value = (value << 8) | p[b];
  return value;
}

inline float FloatFromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// binary16 → float32 bits with integer operations only (no dependence on the FPU's denormal or NaN modes). NaN gets
// the quiet bit, as vcvtph2ps sets it, so that every path gives the same bits.
inline uint32_t HalfToFloatBits(uint32_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1fu) return sign | 0x7f800000u | (mantissa << 13) | (mantissa != 0 ? 0x00400000u : 0u);
  if (exponent != 0) return sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13);
  if (mantissa == 0) return sign;
  // Subnormal: mantissa·2^-24. Shift the leading one up to bit 10 (the implicit bit) and lower the exponent to match.
  uint32_t m = mantissa;
  uint32_t shift = 0;
  while ((m & 0x400u) == 0) {
    m <<= 1;
    ++shift;
  }
  return sign | ((127 - 14 - shift) << 23) | ((m & 0x3ffu) << 13);
}

inline float HalfAt(const uint8_t* src, size_t i) { return FloatFromBits(HalfToFloatBits(LoadU16(src + 2 * i))); }
inline float Bfloat16At(const uint8_t* src, size_t i) { return FloatFromBits(LoadU16(src + 2 * i) << 16); }
inline float Float64At(const uint8_t* src, size_t i) {
  const uint64_t bits = LoadU64(src + 8 * i);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return static_cast<float>(value);  // round to nearest even (the default mode), as Math.fround
}

void Float16RangeScalar(const uint8_t* src, float* dst, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) dst[i] = HalfAt(src, i);
}

void Bfloat16RangeScalar(const uint8_t* src, float* dst, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) dst[i] = Bfloat16At(src, i);
}

void Float64RangeScalar(const uint8_t* src, float* dst, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) dst[i] = Float64At(src, i);
}

#if COCOGEN_X86_DISPATCH

// The vector paths load unaligned throughout: a tensor's bytes start anywhere in a mapped file, and on current x86
// cores an unaligned access that stays inside a cache line costs the same as an aligned one. 16 elements per
// iteration keep two independent conversions in flight. AVX-512 CPUs run these too: the loops are memory-bound, and
// 256-bit vectors already outrun the memory system.
//
// kStream: the destination is written with non-temporal stores, which skip reading each line of dst before writing
// it (a third of the traffic for F16 / BF16) and leave the caches to the data that fits in them; results are the
// same bits. The scalar steps up to the first 32-byte boundary of dst make the streaming stores aligned; the fence
// orders them before the pool reports the chunk done.

template <bool kStream>
COCOGEN_TARGET_AVX2 inline void Store8(float* p, __m256 v) {
  if (kStream) {
    _mm256_stream_ps(p, v);
  } else {
    _mm256_storeu_ps(p, v);
  }
}

template <bool kStream, typename Element>
inline size_t AlignForStreaming(const uint8_t* src, float* dst, size_t i, size_t end, Element element) {
  if (kStream) {
    for (; i < end && (reinterpret_cast<uintptr_t>(dst + i) & 31u) != 0; ++i) dst[i] = element(src, i);
  }
  return i;
}

template <bool kStream>
COCOGEN_TARGET_AVX2_F16C void Float16RangeF16c(const uint8_t* src, float* dst, size_t begin, size_t end) {
  size_t i = AlignForStreaming<kStream>(src, dst, begin, end, HalfAt);
  for (; i + 16 <= end; i += 16) {
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i + 16));
    Store8<kStream>(dst + i, _mm256_cvtph_ps(lo));
    Store8<kStream>(dst + i + 8, _mm256_cvtph_ps(hi));
  }
  for (; i < end; ++i) dst[i] = HalfAt(src, i);
  if (kStream) _mm_sfence();
}

template <bool kStream>
COCOGEN_TARGET_AVX2 void Bfloat16RangeAvx2(const uint8_t* src, float* dst, size_t begin, size_t end) {
  size_t i = AlignForStreaming<kStream>(src, dst, begin, end, Bfloat16At);
  for (; i + 16 <= end; i += 16) {
    const __m256i lo = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i)));
    const __m256i hi = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i + 16)));
    Store8<kStream>(dst + i, _mm256_castsi256_ps(_mm256_slli_epi32(lo, 16)));
    Store8<kStream>(dst + i + 8, _mm256_castsi256_ps(_mm256_slli_epi32(hi, 16)));
  }
  for (; i < end; ++i) dst[i] = Bfloat16At(src, i);
  if (kStream) _mm_sfence();
}

template <bool kStream>
COCOGEN_TARGET_AVX2 void Float64RangeAvx2(const uint8_t* src, float* dst, size_t begin, size_t end) {
  size_t i = AlignForStreaming<kStream>(src, dst, begin, end, Float64At);
  for (; i + 8 <= end; i += 8) {
    const __m128 lo = _mm256_cvtpd_ps(_mm256_loadu_pd(reinterpret_cast<const double*>(src + 8 * i)));
    const __m128 hi = _mm256_cvtpd_ps(_mm256_loadu_pd(reinterpret_cast<const double*>(src + 8 * i + 32)));
    Store8<kStream>(dst + i, _mm256_set_m128(hi, lo));
  }
  for (; i < end; ++i) dst[i] = Float64At(src, i);
  if (kStream) _mm_sfence();
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(const uint8_t* src, float* dst, size_t begin, size_t end);

// The kernels of one store kind, per dtype.
struct Kernels {
  RangeKernel float16 = Float16RangeScalar;
  RangeKernel bfloat16 = Bfloat16RangeScalar;
  RangeKernel float64 = Float64RangeScalar;

  RangeKernel For(WidenDtype dtype) const {
    if (dtype == WidenDtype::kFloat16) return float16;
    if (dtype == WidenDtype::kBfloat16) return bfloat16;
    return float64;
  }
};

template <bool kStream>
Kernels SelectKernels() {
  Kernels kernels;
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) {
    if (HasF16c()) kernels.float16 = Float16RangeF16c<kStream>;
    kernels.bfloat16 = Bfloat16RangeAvx2<kStream>;
    kernels.float64 = Float64RangeAvx2<kStream>;
  }
#endif
  return kernels;
}

}  // namespace

size_t WidenSourceBytes(WidenDtype dtype) { return dtype == WidenDtype::kFloat64 ? 8 : 2; }

const char* WidenVariant(WidenDtype dtype) {
  static const Kernels kernels = SelectKernels<false>();
  const RangeKernel kernel = kernels.For(dtype);
  if (kernel == Float16RangeScalar || kernel == Bfloat16RangeScalar || kernel == Float64RangeScalar) return "scalar";
  return dtype == WidenDtype::kFloat16 ? "f16c" : "avx2";
}

void WidenToFloat32(ThreadPool& pool, const uint8_t* src, WidenDtype dtype, float* dst, size_t n) {
  static const Kernels cached = SelectKernels<false>();
  static const Kernels streaming = SelectKernels<true>();
  const RangeKernel kernel = (n * sizeof(float) >= kWidenStreamMinBytes ? streaming : cached).For(dtype);
  if (n < kWidenParallelMinElements) {
    kernel(src, dst, 0, n);
    return;
  }
  // Chunk boundaries on multiples of 16 floats: threads never write the same cache line of an aligned dst.
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) { kernel(src, dst, begin, end); });
}

}  // namespace cocogen
