// The exports of the module as a whole: the error class handed over by the loader, how the addon was built, and the
// size of the thread pool (kernels/thread_pool.h) every kernel runs on.
#include <cstdint>
#include <string>
#include <vector>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "kernels/aligned_buffer.h"
#include "kernels/cpu_features.h"
#include "kernels/fed_avg.h"
#include "kernels/gemm_blas.h"
#include "kernels/gemm_own.h"
#include "kernels/gemm_sgemm.h"
#include "kernels/optimizer.h"
#include "kernels/read_sum.h"
#include "kernels/robust_rules.h"
#include "kernels/thread_pool.h"
#include "kernels/triad.h"
#include "kernels/widen.h"

#ifndef COCOGEN_VERSION
#error "COCOGEN_VERSION must be defined by the build (CMakeLists.txt reads it from package.json)"
#endif
#ifndef COCOGEN_BUILD_TYPE
#define COCOGEN_BUILD_TYPE "unknown"
#endif

namespace cocogen {
namespace {

constexpr size_t kMaxThreads = 1024;

std::string CompilerName() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#elif defined(_MSC_VER)
  return "msvc " + std::to_string(_MSC_FULL_VER);
#else
  return "unknown";
#endif
}

// setErrorClass(ctor: BindingsErrorClass): void
void SetErrorClassExport(const Napi::CallbackInfo& info) {
  SetErrorClass(info.Env(), ExpectFunction(Argument(info, 0), "ctor"));
}
COCOGEN_EXPORT(setErrorClass, SetErrorClassExport);

// buildInfo(): AddonBuildInfo
Napi::Value BuildInfoExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("version", COCOGEN_VERSION);
  result.Set("compiler", CompilerName());
  result.Set("buildType", COCOGEN_BUILD_TYPE);
  const std::vector<std::string> features = IsaFeatureNames(ActiveIsa());
  Napi::Array simd = Napi::Array::New(env, features.size());
  for (uint32_t i = 0; i < features.size(); ++i) simd.Set(i, features[i]);
  result.Set("simd", simd);
  result.Set("threads", static_cast<double>(SharedPoolThreads()));
  result.Set("alignment", static_cast<double>(kAlignment));
  Napi::Object gemm = Napi::Object::New(env);
  gemm.Set("implementation", ActiveGemmImplementation() == GemmImplementation::kBlas ? "blas" : "own");
  gemm.Set("description", GemmDescription());
  gemm.Set("own", OwnMicroKernelName());
  if (BlasLinked()) {
    Napi::Object blas = Napi::Object::New(env);
    blas.Set("name", "OpenBLAS");
    blas.Set("config", BlasConfig());
    blas.Set("core", BlasCoreName());
    gemm.Set("blas", blas);
  } else {
    gemm.Set("blas", env.Null());
  }
  result.Set("gemm", gemm);
  // The variant each memory-bound kernel runs on this CPU (some run 256-bit code on AVX-512 CPUs), for bench rows.
  Napi::Object kernels = Napi::Object::New(env);
  kernels.Set("fedAvg", FedAvgVariant());
  kernels.Set("robustRules", RobustRulesVariant());
  kernels.Set("serverOptimizer", ServerOptimizerVariant());
  kernels.Set("widenF16", WidenVariant(WidenDtype::kFloat16));
  kernels.Set("widenBF16", WidenVariant(WidenDtype::kBfloat16));
  kernels.Set("widenF64", WidenVariant(WidenDtype::kFloat64));
  kernels.Set("readSum", ReadSumVariant());
  kernels.Set("triad", TriadVariant());
  result.Set("kernels", kernels);
  return result;
}
COCOGEN_EXPORT(buildInfo, BuildInfoExport);

// setThreads(n: number): void
void SetThreadsExport(const Napi::CallbackInfo& info) {
  ResizeSharedPool(ExpectInteger(Argument(info, 0), "n", 1, kMaxThreads));
}
COCOGEN_EXPORT(setThreads, SetThreadsExport);

}  // namespace
}  // namespace cocogen
