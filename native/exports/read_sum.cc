// The export of the read-bandwidth probe (kernels/read_sum.h): argument checks and the promise worker.
#include "kernels/read_sum.h"

#include <memory>

#include "exports/common/arguments.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

class ReadSumWorker : public PromiseWorker {
 public:
  ReadSumWorker(Napi::Env env, Napi::Float32Array x)
      : PromiseWorker(env, "cocogen.readSum"), x_(x.Data()), length_(x.ElementLength()) {
    Pin(x);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    sum_ = ReadSum(*pool, x_, length_);
  }
  Napi::Value Resolution(Napi::Env env) override { return Napi::Number::New(env, sum_); }

 private:
  const float* x_;
  size_t length_;
  double sum_ = 0;
};

// readSum(x: Float32Array): Promise<number>
Napi::Value ReadSumExport(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 0), "x");
  auto* worker = new ReadSumWorker(info.Env(), x);
  return worker->Start();
}
COCOGEN_EXPORT(readSum, ReadSumExport);

}  // namespace
}  // namespace cocogen
