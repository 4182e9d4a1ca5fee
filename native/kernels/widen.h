// Widening of IEEE binary16 (F16) and bfloat16 (BF16) to float32, and narrowing of float64 (F64) to float32: what a
// tensor file's non-F32 data goes through on load (reference: src/interop/widen.ts, bit for bit).
//
// F16 and BF16 are exact. F16 NaN keeps its sign and payload (mantissa << 13) and comes out quiet, as vcvtph2ps
// makes it; BF16 is the top half of a float32, so its bits are copied (a signalling NaN stays signalling). F64 rounds
// to nearest, ties to even, as Math.fround (overflow to ±Infinity, subnormal results, NaN keeps its sign and the top
// 22 bits of its payload, quiet). Memory-bound: one sequential read of the source, one write of the destination.
#ifndef COCOGEN_NATIVE_KERNELS_WIDEN_H_
#define COCOGEN_NATIVE_KERNELS_WIDEN_H_

#include <cstddef>
#include <cstdint>

#include "kernels/thread_pool.h"

namespace cocogen {

// Values match the `dtype` argument of the widenToFloat32 export.
enum class WidenDtype : uint32_t { kFloat16 = 0, kBfloat16 = 1, kFloat64 = 2 };

// Bytes per source element: 2, 2 or 8.
size_t WidenSourceBytes(WidenDtype dtype);

// Inputs of at least this many elements are split over the pool; smaller ones run on the calling thread. Below this
// the source and destination sit in L2 / L3, where one core converts at 45-65 GB/s (AVX2, 2-core EPYC VM) and waking
// the pool (10-20 µs) costs more than a second core saves; 256K elements take ~35 µs (F16) to ~70 µs (F64) alone.
constexpr size_t kWidenParallelMinElements = size_t{1} << 18;

// Destinations of at least this many bytes are written with non-temporal stores: too large to stay in a last-level
// cache for the next reader anyway (32 MiB is the whole L3 of many parts, and twice the out-of-core default block of
// 4M floats, which stays cached), they then skip the read of each destination line before its write. Measured on a
// 2-core EPYC VM, F16 at 64M elements: 1.5-1.8× the bandwidth of ordinary stores.
constexpr size_t kWidenStreamMinBytes = size_t{32} << 20;

// dst[i] = element i of src (little-endian, WidenSourceBytes(dtype) bytes each, at any byte alignment) as float32.
// Preconditions: src holds n elements, dst n floats, and they share no memory. Results do not depend on the thread
// count or on the alignment of src or dst (every path converts each element the same way). May be called from the JS
// thread: it then waits for a pool loop already in flight to finish.
void WidenToFloat32(ThreadPool& pool, const uint8_t* src, WidenDtype dtype, float* dst, size_t n);

// The kernel WidenToFloat32 runs for a dtype on this CPU: "f16c" (F16 with F16C), "avx2" (also on AVX-512 CPUs) or
// "scalar".
const char* WidenVariant(WidenDtype dtype);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_WIDEN_H_
