// The exports of the SGEMM kernel (kernels/gemm_sgemm.h): argument checks and the promise worker, and the choice of
// implementation.
#include "kernels/gemm_sgemm.h"

#include <cstdint>
#include <memory>
#include <string>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/gemm_blas.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

// Dimensions are 32-bit on the GPU path; the same cap here keeps products of two within 2^64.
constexpr size_t kMaxDim = size_t{1} << 31;

bool Overlaps(const Napi::TypedArray& a, const Napi::TypedArray& b) {
  const auto x = reinterpret_cast<uintptr_t>(static_cast<const char*>(a.ArrayBuffer().Data()) + a.ByteOffset());
  const auto y = reinterpret_cast<uintptr_t>(static_cast<const char*>(b.ArrayBuffer().Data()) + b.ByteOffset());
  return a.ByteLength() != 0 && b.ByteLength() != 0 && x < y + b.ByteLength() && y < x + a.ByteLength();
}

// gemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, transA: boolean,
//      transB: boolean, alpha: number, beta: number): Promise<void>
Napi::Value GemmExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SgemmArgs g;
  g.m = ExpectInteger(Argument(info, 0), "m", 0, kMaxDim);
  g.n = ExpectInteger(Argument(info, 1), "n", 0, kMaxDim);
  g.k = ExpectInteger(Argument(info, 2), "k", 0, kMaxDim);
  Napi::Float32Array a = ExpectFloat32Array(Argument(info, 3), "a");
  Napi::Float32Array b = ExpectFloat32Array(Argument(info, 4), "b");
  Napi::Float32Array c = ExpectFloat32Array(Argument(info, 5), "c");
  g.trans_a = ExpectBoolean(Argument(info, 6), "transA");
  g.trans_b = ExpectBoolean(Argument(info, 7), "transB");
  g.alpha = static_cast<float>(ExpectNumber(Argument(info, 8), "alpha"));
  g.beta = static_cast<float>(ExpectNumber(Argument(info, 9), "beta"));
  const std::pair<Napi::Float32Array, size_t> lengths[] = {{a, g.m * g.k}, {b, g.k * g.n}, {c, g.m * g.n}};
  const char* names[] = {"a", "b", "c"};
  for (size_t i = 0; i < 3; ++i) {
    if (lengths[i].first.ElementLength() != lengths[i].second) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected " + LengthWording("Float32Array", lengths[i].second) + " for " + names[i] +
                     " but received " + DescribeValue(lengths[i].first));
    }
  }
  if (Overlaps(c, a) || Overlaps(c, b)) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Float32Array that shares no memory with a or b for c but received one that overlaps them");
  }
  g.a = a.Data();
  g.lda = g.trans_a ? g.m : g.k;
  g.b = b.Data();
  g.ldb = g.trans_b ? g.k : g.n;
  g.c = c.Data();
  g.ldc = g.n;
  if (g.m * g.n * g.k <= kSgemmRunNowMaxMacs) return RunNow(env, "cocogen.gemm", [&g] { Sgemm(nullptr, g); });
  auto* worker = new ClosureWorker(env, "cocogen.gemm", {a, b, c}, [g](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    Sgemm(pool.get(), g);
  });
  return worker->Start();
}
COCOGEN_EXPORT(gemm, GemmExport);

// setGemm(implementation: 'own' | 'blas'): void — for the whole process, from the next call on.
void SetGemmExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value value = Argument(info, 0);
  const std::string name = value.IsString() ? value.As<Napi::String>().Utf8Value() : "";
  if (name == "own") {
    SetGemmImplementation(GemmImplementation::kOwn);
    return;
  }
  if (name == "blas" && !BlasLinked()) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected 'own' (this addon was built without a BLAS) for implementation but received 'blas'");
  }
  if (name != "blas") ThrowInvalidArgument(env, "implementation", BlasLinked() ? "'own' or 'blas'" : "'own'", value);
  SetGemmImplementation(GemmImplementation::kBlas);
}
COCOGEN_EXPORT(setGemm, SetGemmExport);

}  // namespace
}  // namespace cocogen
