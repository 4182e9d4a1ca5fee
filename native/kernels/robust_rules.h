// Robust aggregation kernels: coordinate-wise median, trimmed mean, squared norms and the Gram matrix of K updates
// (contracts: src/engine/kernels/robust-rules/contract.ts).
//
// Median and trimmed mean. Values are compared as int32 keys (the float32 bits with the magnitude flipped for negative
// numbers), which orders float32 totally with −0 < +0 — TypedArray sort's order — so ties of signed zeros resolve
// exactly as in the reference. With AVX2 and K ≤ kMaxNetworkK, a block of 32 coordinates is loaded as K vectors of 8
// lanes (update j's values are contiguous, so the layout is already "transposed": each lane holds one coordinate) and
// a sorting network of min/max on the keys runs across the K vectors, each lane sorting its own coordinate. The network
// is Batcher's odd–even merge sort for the next power of two, with comparators that touch the +∞ padding dropped and
// then pruned backwards to those that reach the ranks the rule reads (the middle one or two, or [t, K − t)). Larger K
// and the scalar path select per coordinate (std::nth_element on the keys). Even-K medians average in float64 and round
// once; trimmed sums add the kept values in ascending order in float64. Optional per-update `scales` replace u by
// f32(scale·u) (one float32 multiply). A NaN among a coordinate's values makes the result NaN there; the return value
// says whether any input was NaN or ±Infinity.
#ifndef COCOGEN_NATIVE_KERNELS_ROBUST_RULES_H_
#define COCOGEN_NATIVE_KERNELS_ROBUST_RULES_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// Above this K the network (~K·log²K/4 comparators) loses to per-coordinate selection.
constexpr size_t kMaxNetworkK = 128;

// Preconditions: k ≥ 1; updates[0..k) and out hold n floats; out shares no memory with an update; scales is null or
// holds k floats. `trim_count` values are dropped from each end (k − 2·trim_count ≥ 1).
bool CoordinateMedian(ThreadPool& pool, const float* const* updates, size_t k, const float* scales, float* out,
                      size_t n);
bool TrimmedMean(ThreadPool& pool, const float* const* updates, size_t k, size_t trim_count, const float* scales,
                 float* out, size_t n);

// out[j] = Σ_i updates[j][i]² in float64.
void SquaredNorms(ThreadPool& pool, const float* const* updates, size_t k, size_t n, double* out);

// out[a·k + b] = updates[a]·updates[b] (k×k, float64, exactly symmetric). With AVX2, each thread walks blocks of 512
// columns and computes only the upper triangle in 4×3 tiles of dot products read straight from the updates (8 float32
// lanes per product within a block, float64 across lanes, blocks and threads); the scalar path packs blocks of columns
// into a k×B matrix and runs the SGEMM (gemm_sgemm.h) on it — float32 within a block, float64 across blocks and
// threads.
void Gram(ThreadPool& pool, const float* const* updates, size_t k, size_t n, double* out);

// The kernels the median, trimmed mean and Gram run on this CPU: "avx2" (also on AVX-512 CPUs; the median and trimmed
// mean of K above their sorting network's limit select per coordinate in scalar code) or "scalar".
const char* RobustRulesVariant();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_ROBUST_RULES_H_
