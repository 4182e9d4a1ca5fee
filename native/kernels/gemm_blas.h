// SGEMM through the OpenBLAS the build linked (CMakeLists.txt: FindBLAS, vendor OpenBLAS), when it found one.
//
// Threads: OpenBLAS is told to run single-threaded (openblas_set_num_threads(1), once) and the addon's own pool
// splits C into row or column blocks, one OpenBLAS call per block. So a GEMM uses exactly the threads the pool has
// (setThreads / the engine's `threads`), OpenBLAS's own threads never compete with the pool's on a small machine,
// and concurrent calls (several libuv workers, the training steps' single-threaded GEMMs) run side by side without
// OpenBLAS's global thread count in between. Accumulation is float32 (with FMA where the core has it), in OpenBLAS's
// order: per element within k·2^-24·Σ_p |op(A)_ip·op(B)_pj| like any float32 dot product (kernels/gemm_sgemm.h).
#ifndef COCOGEN_NATIVE_KERNELS_GEMM_BLAS_H_
#define COCOGEN_NATIVE_KERNELS_GEMM_BLAS_H_

#include <string>

#include "kernels/gemm_sgemm.h"
#include "kernels/thread_pool.h"

namespace cocogen {

// Whether the build linked a BLAS.
bool BlasLinked();

// What the linked BLAS says it is: openblas_get_config() (version, build options, the core it chose), e.g.
// "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"; empty when none is linked.
std::string BlasConfig();

// The core (kernel set) OpenBLAS picked for this CPU, e.g. "Cooperlake"; empty when none is linked.
std::string BlasCoreName();

// Whether the BLAS can take these arguments: linked, and every dimension and stride fits its 32-bit integers.
bool BlasAccepts(const SgemmArgs& args);

// Preconditions: BlasAccepts(args), m, n and k > 0, C shares no memory with A or B. `pool` may be null (the calling
// thread only).
void SgemmBlas(ThreadPool* pool, const SgemmArgs& args);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_GEMM_BLAS_H_
