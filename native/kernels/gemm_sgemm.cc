#include "kernels/gemm_sgemm.h"

#include <atomic>

#include "kernels/gemm_blas.h"
#include "kernels/gemm_own.h"

namespace cocogen {
namespace {

std::atomic<GemmImplementation>& Active() {
  static std::atomic<GemmImplementation> active{BlasLinked() ? GemmImplementation::kBlas : GemmImplementation::kOwn};
  return active;
}

}  // namespace

GemmImplementation ActiveGemmImplementation() { return Active().load(std::memory_order_relaxed); }

bool SetGemmImplementation(GemmImplementation implementation) {
  if (implementation == GemmImplementation::kBlas && !BlasLinked()) return false;
  Active().store(implementation, std::memory_order_relaxed);
  return true;
}

std::string GemmDescription() {
  if (ActiveGemmImplementation() == GemmImplementation::kBlas) return BlasConfig();
  return std::string("own, ") + OwnMicroKernelName() + " micro-kernel";
}

void Sgemm(ThreadPool* pool, const SgemmArgs& g) {
  // Empty products (k = 0 included) stay with the own kernel, which defines them without a library call.
  const bool blas =
      ActiveGemmImplementation() == GemmImplementation::kBlas && g.m > 0 && g.n > 0 && g.k > 0 && BlasAccepts(g);
  if (blas) {
    SgemmBlas(pool, g);
  } else {
    SgemmOwn(pool, g);
  }
}

}  // namespace cocogen
