// SGEMM: C ← α·op(A)·op(B) + β·C in float32, row-major, multithreaded over the shared pool.
//
// Algorithm (Goto/BLIS): op(A) and op(B) are first packed, in parallel, into contiguous micro-panels of MR rows
// (A) and NR columns (B) per block of KC along k, zero-padded to whole panels; every transpose is absorbed by the
// packing. The compute phase cuts C's panels (rows or columns, whichever has more panels) into small tasks that the
// pool's threads take from a shared counter, and walks, per KC block, MC-row blocks of A (kept in L2) against NR-column
// micro-panels of B (kept in L1); the micro-kernel holds an MR×NR block of C in registers (6×16 floats = 12 AVX2
// registers) and adds one rank-1 update per k with FMA. Edge tiles go through a small buffer. Accumulation is float32
// (FMA on the AVX2 path, separate multiply and add on the scalar path): per element the error is at most about
// k·2^-24·Σ_p |op(A)_ip·op(B)_pj|, in practice ~√k times that unit. Results do not depend on the thread count (each
// element's sum runs in the same order: k blocks in order, p in order within a block).
#ifndef COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_
#define COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_

#include <cstddef>

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

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_GEMM_SGEMM_H_
