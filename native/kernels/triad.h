// STREAM triad, a[i] = b[i] + scalar·c[i] over float32: the memory-bandwidth probe FedAvg is measured against.
//
// Same pool, same split and the same run-time instruction-set dispatch as FedAvg, with plain (temporal) stores like a
// STREAM build without streaming-store flags; 3·4 bytes per element are counted, as STREAM does.
#ifndef COCOGEN_NATIVE_KERNELS_TRIAD_H_
#define COCOGEN_NATIVE_KERNELS_TRIAD_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// a, b and c each hold n floats; they may alias one another exactly (element-wise), not partially.
void Triad(ThreadPool& pool, float* a, const float* b, const float* c, float scalar, size_t n);

// The kernel Triad runs on this CPU: IsaName(ActiveIsa()).
const char* TriadVariant();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_TRIAD_H_
