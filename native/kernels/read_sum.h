// The read-bandwidth probe: the sum of n float32, read once each, with nothing written but the result.
//
// FedAvg only reads its K updates (its K·P·4 bytes dwarf the P·4 it writes), so its bandwidth target is this probe's,
// not the triad's (which writes a third of its traffic). Same pool, split and run-time instruction-set dispatch as
// FedAvg; per thread, independent float32 vector accumulators (so the adds are not the limit), summed in float64 at
// the end. Counted bytes: 4 per element.
#ifndef COCOGEN_NATIVE_KERNELS_READ_SUM_H_
#define COCOGEN_NATIVE_KERNELS_READ_SUM_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// Σ x[i]. Exact for small integers (each accumulator lane stays below 2^24); otherwise float32 partial sums.
double ReadSum(ThreadPool& pool, const float* x, size_t n);

// The kernel ReadSum runs on this CPU: IsaName(ActiveIsa()).
const char* ReadSumVariant();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_READ_SUM_H_
