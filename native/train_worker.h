// A promise worker that runs one closure off the JS thread (the gemm and training exports): the export checks its
// arguments and pins its typed arrays on the JS thread, the closure touches raw pointers only, and the promise
// resolves with the number the closure stored (or undefined).
#ifndef COCOGEN_NATIVE_TRAIN_WORKER_H_
#define COCOGEN_NATIVE_TRAIN_WORKER_H_

#include <napi.h>

#include <functional>
#include <initializer_list>
#include <utility>

#include "promise_worker.h"

namespace cocogen {

class ClosureWorker : public PromiseWorker {
 public:
  // compute(result) runs on a libuv thread; it may set *result to resolve with a number.
  ClosureWorker(Napi::Env env, const char* name, std::initializer_list<Napi::TypedArray> pinned,
                std::function<void(double* result, bool* has_result)> compute)
      : PromiseWorker(env, name), compute_(std::move(compute)) {
    for (const Napi::TypedArray& array : pinned) Pin(array);
  }

  // Pins one more array (an optional argument) before Start().
  void PinArray(Napi::TypedArray array) { Pin(array); }

 protected:
  void Compute() override { compute_(&result_, &has_result_); }
  Napi::Value Resolution(Napi::Env env) override {
    return has_result_ ? Napi::Number::New(env, result_) : env.Undefined();
  }

 private:
  std::function<void(double*, bool*)> compute_;
  double result_ = 0.0;
  bool has_result_ = false;
};

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_TRAIN_WORKER_H_
