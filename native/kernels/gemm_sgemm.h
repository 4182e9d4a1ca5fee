// SGEMM: C ← α·op(A)·op(B) + β·C in float32, row-major, multithreaded over the shared pool.
//
// Two implementations behind one entry point: OpenBLAS when the build linked it (kernels/gemm_blas.h), else the own
// packed kernel (kernels/gemm_own.h); SetGemmImplementation picks one for the whole process. Both accumulate in
// float32, so per element the error is at most about k·2^-24·Σ_p |op(A)_ip·op(B)_pj| (the classical bound of a
// float32 dot product, whatever the order of its sum), in practice ~√k times that unit.
#ifndef COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_
#define COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_

#include <cstddef>
#include <string>

#include "kernels/thread_pool.h"

namespace cocogen {

struct SgemmArgs {
  size_t m = 0;
  size_t n = 0;
  size_t k = 0;
  // op(A) is m×k: A stored m×k (lda ≥ k) or, with trans_a, k×m (lda ≥ m).
  const float* a = nullptr;
  size_t lda = 0;
  bool trans_a = false;
  // op(B) is k×n: B stored k×n (ldb ≥ n) or, with trans_b, n×k (ldb ≥ k).
  const float* b = nullptr;
  size_t ldb = 0;
  bool trans_b = false;
  float alpha = 1.0f;
  // β = 0: C is never read (NaN in C does not propagate), as in BLAS.
  float beta = 0.0f;
  float* c = nullptr;
  size_t ldc = 0;
};

// Preconditions: C shares no memory with A or B. m, n or k may be 0 (k = 0 gives C ← β·C).
// `pool` may be null: the work then runs on the calling thread only.
void Sgemm(ThreadPool* pool, const SgemmArgs& args);

// Up to this many multiply-adds (32×784×64 is 1.6M: ~40 µs on one core through OpenBLAS) the exports run GEMMs on
// the calling thread, single-threaded, and return the promise settled: the round trip through a libuv worker
// (~20 µs) and waking the pool would cost about as much as the work.
constexpr size_t kSgemmRunNowMaxMacs = size_t{1} << 21;

enum class GemmImplementation { kOwn, kBlas };

// What Sgemm runs in this process: kBlas when a BLAS is linked, until SetGemmImplementation says otherwise.
GemmImplementation ActiveGemmImplementation();

// Picks what Sgemm runs from the next call on; false (and nothing changes) for kBlas without a linked BLAS.
bool SetGemmImplementation(GemmImplementation implementation);

// A line naming what Sgemm runs now: the BLAS's own description, or "own, AVX2 micro-kernel" (or scalar).
std::string GemmDescription();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_
