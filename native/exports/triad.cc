// The export of the STREAM triad (kernels/triad.h), the bandwidth probe: argument checks and the promise worker.
#include "kernels/triad.h"

#include <memory>
#include <utility>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

class TriadWorker : public PromiseWorker {
 public:
  TriadWorker(Napi::Env env, Napi::Float32Array a, Napi::Float32Array b, Napi::Float32Array c, float scalar)
      : PromiseWorker(env, "cocogen.triad"),
        a_(a.Data()),
        b_(b.Data()),
        c_(c.Data()),
        scalar_(scalar),
        length_(a.ElementLength()) {
    Pin(a);
    Pin(b);
    Pin(c);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    Triad(*pool, a_, b_, c_, scalar_, length_);
  }

 private:
  float* a_;
  const float* b_;
  const float* c_;
  float scalar_;
  size_t length_;
};

// triad(a: Float32Array, b: Float32Array, c: Float32Array, scalar: number): Promise<void>
Napi::Value TriadExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array a = ExpectFloat32Array(Argument(info, 0), "a");
  Napi::Float32Array b = ExpectFloat32Array(Argument(info, 1), "b");
  Napi::Float32Array c = ExpectFloat32Array(Argument(info, 2), "c");
  const double scalar = ExpectNumber(Argument(info, 3), "scalar");
  const size_t n = a.ElementLength();
  const std::pair<const char*, Napi::Float32Array> inputs[] = {{"b", b}, {"c", c}};
  for (const auto& [name, array] : inputs) {
    if (array.ElementLength() != n) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected " + LengthWording("Float32Array", n) + " (the length of a) for " + name + " but received " +
                     DescribeValue(array));
    }
  }
  auto* worker = new TriadWorker(env, a, b, c, static_cast<float>(scalar));
  return worker->Start();
}
COCOGEN_EXPORT(triad, TriadExport);

}  // namespace
}  // namespace cocogen
