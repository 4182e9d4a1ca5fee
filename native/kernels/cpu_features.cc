#include "kernels/cpu_features.h"

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

bool DetectF16c() {
#if COCOGEN_X86_DISPATCH
  __builtin_cpu_init();
  return __builtin_cpu_supports("f16c") != 0;
#else
  return false;
#endif
}

}  // namespace

Isa ActiveIsa() {
  static const Isa isa = CapFromEnvironment(DetectIsa());
  return isa;
}

bool HasF16c() {
  static const bool f16c = ActiveIsa() != Isa::kScalar && DetectF16c();
  return f16c;
}

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kScalar:
      break;
  }
  return "scalar";
}

std::vector<std::string> IsaFeatureNames(Isa isa) {
  std::vector<std::string> names;
  switch (isa) {
    case Isa::kAvx512:
      names = {"avx512f", "avx2", "fma"};
      break;
    case Isa::kAvx2:
      names = {"avx2", "fma"};
      break;
    case Isa::kScalar:
      return {"scalar"};
  }
  if (HasF16c()) names.push_back("f16c");
  return names;
}

}  // namespace cocogen
