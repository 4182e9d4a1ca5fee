// The export of the server optimizers (kernels/optimizer.h): argument checks and the promise worker.
#include "kernels/optimizer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

class ServerOptimizerWorker : public PromiseWorker {
 public:
  ServerOptimizerWorker(Napi::Env env, ServerOptimizerKind kind, ServerOptimizerParams params, Napi::Float32Array x,
                        Napi::Float32Array delta, Napi::Float32Array m, Napi::Float32Array v, bool has_v)
      : PromiseWorker(env, "cocogen.serverOptimizerStep"),
        kind_(kind),
        params_(params),
        x_(x.Data()),
        delta_(delta.Data()),
        m_(m.Data()),
        v_(has_v ? v.Data() : nullptr),
        n_(x.ElementLength()) {
    Pin(x);
    Pin(delta);
    Pin(m);
    if (has_v) Pin(v);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    ServerOptimizerStep(*pool, kind_, params_, x_, delta_, m_, v_, n_);
  }

 private:
  ServerOptimizerKind kind_;
  ServerOptimizerParams params_;
  float* x_;
  const float* delta_;
  float* m_;
  float* v_;
  size_t n_;
};

bool Overlaps(const Napi::Float32Array& a, const Napi::Float32Array& b) {
  const auto x = reinterpret_cast<uintptr_t>(a.Data());
  const auto y = reinterpret_cast<uintptr_t>(b.Data());
  return a.ElementLength() != 0 && b.ElementLength() != 0 && x < y + b.ByteLength() && y < x + a.ByteLength();
}

// serverOptimizerStep(kind: 0 | 1 | 2, x: Float32Array, delta: Float32Array, m: Float32Array,
//                     v: Float32Array | null, beta1: number, beta2: number, eta: number, tau: number): Promise<void>
Napi::Value ServerOptimizerStepExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto kind = static_cast<ServerOptimizerKind>(ExpectInteger(Argument(info, 0), "kind", 0, 2));
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 1), "x");
  Napi::Float32Array delta = ExpectFloat32Array(Argument(info, 2), "delta");
  Napi::Float32Array m = ExpectFloat32Array(Argument(info, 3), "m");
  const bool has_v = kind != ServerOptimizerKind::kAvgM;
  Napi::Float32Array v;
  if (has_v) v = ExpectFloat32Array(Argument(info, 4), "v");
  ServerOptimizerParams params{};
  params.beta1 = static_cast<float>(ExpectNumber(Argument(info, 5), "beta1"));
  params.beta2 = static_cast<float>(ExpectNumber(Argument(info, 6), "beta2"));
  params.eta = static_cast<float>(ExpectNumber(Argument(info, 7), "eta"));
  params.tau = static_cast<float>(ExpectNumber(Argument(info, 8), "tau"));
  const size_t n = x.ElementLength();
  std::vector<std::pair<const char*, Napi::Float32Array>> arrays = {{"x", x}, {"delta", delta}, {"m", m}};
  if (has_v) arrays.emplace_back("v", v);
  for (size_t a = 1; a < arrays.size(); ++a) {
    if (arrays[a].second.ElementLength() != n) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 std::string("Expected ") + LengthWording("Float32Array", n) + " (the length of x) for " +
                     arrays[a].first + " but received " + DescribeValue(arrays[a].second));
    }
    for (size_t b = 0; b < a; ++b) {
      if (Overlaps(arrays[a].second, arrays[b].second)) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   std::string("Expected a Float32Array that shares no memory with ") + arrays[b].first + " for " +
                       arrays[a].first + " but received one that overlaps it");
      }
    }
  }
  auto* worker = new ServerOptimizerWorker(env, kind, params, x, delta, m, v, has_v);
  return worker->Start();
}
COCOGEN_EXPORT(serverOptimizerStep, ServerOptimizerStepExport);

}  // namespace
}  // namespace cocogen
