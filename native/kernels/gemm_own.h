// The project's own SGEMM, the fallback when no BLAS is linked and the `own` choice when one is.
//
// Algorithm (Goto/BLIS): op(A) and op(B) are first packed, in parallel, into contiguous micro-panels of MR rows
// (A) and NR columns (B) per block of KC along k, zero-padded to whole panels; every transpose is absorbed by the
// packing. The compute phase cuts C's panels (rows or columns, whichever has more panels) into small tasks that the
// pool's threads take from a shared counter, and walks, per KC block, MC-row blocks of A (kept in L2) against NR-column
// micro-panels of B (kept in L1); the micro-kernel holds an MR×NR block of C in registers (6×16 floats = 12 AVX2
// registers) and adds one rank-1 update per k with FMA. Edge tiles go through a small buffer. Accumulation is float32
// (FMA on the AVX2 path, separate multiply and add on the scalar path). Results do not depend on the thread count
// (each element's sum runs in the same order: k blocks in order, p in order within a block).
#ifndef COCOGEN_NATIVE_KERNELS_GEMM_OWN_H_
#define COCOGEN_NATIVE_KERNELS_GEMM_OWN_H_

#include "kernels/gemm_sgemm.h"
#include "kernels/thread_pool.h"

namespace cocogen {

// Preconditions as Sgemm's (kernels/gemm_sgemm.h).
void SgemmOwn(ThreadPool* pool, const SgemmArgs& args);

// The instruction set of the micro-kernel this CPU runs: "avx2" or "scalar" (AVX-512 CPUs run the AVX2 one).
const char* OwnMicroKernelName();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_GEMM_OWN_H_
