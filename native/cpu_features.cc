#include "cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace cocogen {
namespace {

Isa DetectIsa() {
#if COCOGEN_X86_DISPATCH
  // libgcc / compiler-rt also check that the OS saves the wider registers (XCR0) before reporting AVX features.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return Isa::kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
#endif
  return Isa::kScalar;
}

Isa CapFromEnvironment(Isa detected) {
  const char* cap = std::getenv("COCOGEN_NATIVE_ISA");
  if (cap == nullptr) return detected;
  Isa limit = detected;
  if (std::strcmp(cap, "scalar") == 0) limit = Isa::kScalar;
  if (std::strcmp(cap, "avx2") == 0) limit = Isa::kAvx2;
  return static_cast<int>(limit) < static_cast<int>(detected) ? limit : detected;
}

}  // namespace

Isa ActiveIsa() {
  static const Isa isa = CapFromEnvironment(DetectIsa());
  return isa;
}

std::vector<std::string> IsaFeatureNames(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return {"avx512f", "avx2", "fma"};
    case Isa::kAvx2:
      return {"avx2", "fma"};
    case Isa::kScalar:
      break;
  }
  return {"scalar"};
}

}  // namespace cocogen
