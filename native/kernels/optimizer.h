// Server optimizers of Reddi et al. 2021, "Adaptive Federated Optimization": one fused pass per round.
//
// With Δ = aggregate − global (the pseudo-gradient, passed in as delta):
//   FedAvgM: m ← β1·m + Δ;                                   x ← x + η·m
//   FedAdam: m ← β1·m + (1−β1)·Δ;  v ← β2·v + (1−β2)·Δ²;         x ← x + η·m / (√v + τ)
//   FedYogi: m ← β1·m + (1−β1)·Δ;  v ← v − (1−β2)·Δ²·sign(v − Δ²); x ← x + η·m / (√v + τ)
// Memory-bound: x, Δ, m (and v) are read once and x, m (and v) written once, in float32. Each thread streams one
// contiguous slice; the per-element arithmetic does not depend on the split, so results do not depend on the thread
// count (for a given instruction set).
#ifndef COCOGEN_NATIVE_KERNELS_OPTIMIZER_H_
#define COCOGEN_NATIVE_KERNELS_OPTIMIZER_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

enum class ServerOptimizerKind { kAvgM = 0, kAdam = 1, kYogi = 2 };

struct ServerOptimizerParams {
  float beta1;
  float beta2;
  float eta;
  float tau;
};

// Preconditions: x, delta, m (and v unless kAvgM, where it is ignored and may be null) each hold n floats and do not
// overlap one another.
void ServerOptimizerStep(ThreadPool& pool, ServerOptimizerKind kind, const ServerOptimizerParams& params, float* x,
                         const float* delta, float* m, float* v, size_t n);

// The kernel ServerOptimizerStep runs on this CPU: "avx2" (also on AVX-512 CPUs) or "scalar".
const char* ServerOptimizerVariant();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_OPTIMIZER_H_
