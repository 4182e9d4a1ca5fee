// FedAvg: the weighted sum of K model updates, out[i] = Σ_k weights[k]·updates[k][i].
//
// Memory-bound from DRAM, bound by the float32 → float64 conversions in cache: every update is read once,
// sequentially, and out is written once. Each thread owns a contiguous slice of [0, n) and walks it in blocks whose
// float64 accumulator (32 KiB) stays in the near caches; for each block the K updates stream through eight at a time
// (each product added in order k = 0, 1, ... with one fused multiply-add), and the block is rounded to float32 and
// written once. The per-element arithmetic does not depend on how [0, n) is split, so results are bit-identical for
// any thread count and on every vector path (the scalar path rounds products separately).
#ifndef COCOGEN_NATIVE_KERNELS_FED_AVG_H_
#define COCOGEN_NATIVE_KERNELS_FED_AVG_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// Preconditions: updates[0..k) and out each hold n floats; out may be one of the updates but must not partially
// overlap one; no alignment is required. k == 0 writes zeros. NaN and infinities propagate as IEEE arithmetic does.
// Returns whether out now holds a non-finite value (NaN or ±Infinity: from a non-finite input or weight, or a sum
// beyond the float32 range), tested on each value as it is stored, by every thread and on every instruction set.
bool FedAvg(ThreadPool& pool, const float* const* updates, const double* weights, size_t k, float* out, size_t n);

// The kernel FedAvg runs on this CPU: "avx2" (also on AVX-512 CPUs) or "scalar".
const char* FedAvgVariant();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_FED_AVG_H_
