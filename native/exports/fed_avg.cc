// The export of FedAvg (kernels/fed_avg.h): argument checks and the promise worker.
#include "kernels/fed_avg.h"

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

class FedAvgWorker : public PromiseWorker {
 public:
  FedAvgWorker(Napi::Env env, std::vector<Napi::Float32Array> updates, Napi::Float64Array weights,
               Napi::Float32Array out)
      : PromiseWorker(env, "cocogen.fedAvg"), out_(out.Data()), length_(out.ElementLength()) {
    updates_.reserve(updates.size());
    for (Napi::Float32Array& update : updates) {
      updates_.push_back(update.Data());
      Pin(update);
    }
    weights_.assign(weights.Data(), weights.Data() + weights.ElementLength());
    Pin(weights);
    Pin(out);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    non_finite_ = FedAvg(*pool, updates_.data(), weights_.data(), updates_.size(), out_, length_);
  }

  Napi::Value Resolution(Napi::Env env) override { return Napi::Boolean::New(env, non_finite_); }

 private:
  std::vector<const float*> updates_;
  std::vector<double> weights_;
  float* out_;
  size_t length_;
  bool non_finite_ = false;
};

// True when [a, a + bytes) and [b, b + bytes) share memory without being the same range.
bool OverlapsPartially(const float* a, const float* b, size_t length) {
  const auto x = reinterpret_cast<uintptr_t>(a);
  const auto y = reinterpret_cast<uintptr_t>(b);
  const uintptr_t bytes = length * sizeof(float);
  return length != 0 && x != y && x < y + bytes && y < x + bytes;
}

// fedAvg(updates: Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean>
Napi::Value FedAvgExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = ExpectArray(Argument(info, 0), "updates");
  Napi::Float64Array weights = ExpectFloat64Array(Argument(info, 1), "weights");
  Napi::Float32Array out = ExpectFloat32Array(Argument(info, 2), "out");
  const size_t k = list.Length();
  const size_t n = out.ElementLength();
  if (weights.ElementLength() != k) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected " + LengthWording("Float64Array", k) + " (one weight per update) for weights but received " +
                   DescribeValue(weights));
  }
  std::vector<Napi::Float32Array> updates;
  updates.reserve(k);
  for (uint32_t i = 0; i < k; ++i) {
    const std::string name = "updates[" + std::to_string(i) + "]";
    Napi::Float32Array update = ExpectFloat32Array(list.Get(i), name);
    if (update.ElementLength() != n) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected " + LengthWording("Float32Array", n) + " (the length of out) for " + name +
                     " but received " + DescribeValue(update));
    }
    if (OverlapsPartially(update.Data(), out.Data(), n)) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected a Float32Array that is " + name + " itself or shares no memory with it for out but " +
                     "received one that partially overlaps it");
    }
    updates.push_back(update);
  }
  auto* worker = new FedAvgWorker(env, std::move(updates), weights, out);
  return worker->Start();
}
COCOGEN_EXPORT(fedAvg, FedAvgExport);

}  // namespace
}  // namespace cocogen
