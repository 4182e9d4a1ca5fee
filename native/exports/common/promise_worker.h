// The one base class for async native work that returns a Promise, and ClosureWorker, its subclass for exports whose
// work is one closure.
//
// A subclass captures what it needs on the JS thread in its constructor (raw pointers and plain values, with Retain()
// and Pin() keeping the JS objects and native allocations behind them alive), computes in Compute() on a libuv worker
// thread without touching JS, and the promise settles on the JS thread: resolved with Resolution(), or rejected with
// the project's error class (INVALID_ARGUMENT / NATIVE_ERROR) when Compute() called Fail() or threw. Everything
// retained is released when the worker is destroyed, on the JS thread, after the promise settled.
#ifndef COCOGEN_NATIVE_EXPORTS_COMMON_PROMISE_WORKER_H_
#define COCOGEN_NATIVE_EXPORTS_COMMON_PROMISE_WORKER_H_

#include <napi.h>

#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "exports/common/errors.h"
#include "kernels/aligned_buffer.h"

namespace cocogen {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  // Queues the work and returns its promise. The worker owns itself from here and is deleted once it settles.
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  PromiseWorker(Napi::Env env, const char* resource_name)
      : Napi::AsyncWorker(env, resource_name),
        resource_name_(resource_name),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  // Keeps a JS argument alive until the promise settles.
  void Retain(Napi::Object value) { retained_.push_back(Napi::Persistent(value)); }

  // Keeps the typed array alive, and with it the addon allocation it views, if any: freeBuffer() while the work runs
  // detaches the views at once but releases the memory only when the work is done.
  void Pin(Napi::TypedArray array) {
    Retain(array);
    // The start of the underlying buffer, computed from the view (a SharedArrayBuffer is not an ArrayBuffer to
    // napi_get_arraybuffer_info).
    void* data = nullptr;
    size_t byte_offset = 0;
    NAPI_THROW_IF_FAILED_VOID(Env(),
                              napi_get_typedarray_info(Env(), array, nullptr, nullptr, &data, nullptr, &byte_offset));
    if (data == nullptr) return;
    if (auto allocation = PinAllocation(static_cast<const char*>(data) - byte_offset)) {
      pinned_.push_back(std::move(allocation));
    }
  }

  // Off the JS thread: no napi calls, no JS values.
  virtual void Compute() = 0;

  // On the JS thread, once Compute() succeeded: the value the promise resolves to.
  virtual Napi::Value Resolution(Napi::Env env) { return env.Undefined(); }

  // From Compute(): reject with `code` and `message` instead of resolving.
  void Fail(ErrorCode code, std::string message) {
    code_ = code;
    SetError(message);  // AsyncWorker keeps the message and calls OnError on the JS thread
  }

 private:
  void Execute() final {
    try {
      Compute();
    } catch (const std::bad_alloc&) {
      Fail(ErrorCode::kNativeError, std::string("Out of memory in ") + ResourceName());
    } catch (const std::exception& e) {
      Fail(ErrorCode::kNativeError, e.what());
    } catch (...) {
      Fail(ErrorCode::kNativeError, std::string("Unknown failure in ") + ResourceName());
    }
  }

  void OnOK() final { deferred_.Resolve(Resolution(Env())); }

  void OnError(const Napi::Error& error) final { deferred_.Reject(MakeError(Env(), code_, error.Message())); }

  const char* ResourceName() const { return resource_name_.c_str(); }

  std::string resource_name_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> retained_;
  std::vector<std::shared_ptr<AlignedAllocation>> pinned_;
  ErrorCode code_ = ErrorCode::kNativeError;
};

// A promise worker that runs one closure off the JS thread (the gemm, training and robust-rule exports): the export
// checks its arguments and pins its typed arrays on the JS thread, the closure touches raw pointers only, and the
// promise resolves with the number the closure stored (or undefined).
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

// Runs `compute` now, on the JS thread, and returns its promise already settled, as ClosureWorker would settle it:
// for work of a few tens of microseconds, where the hop to a libuv thread and back (~20 µs) would cost as much as
// the work itself. Nothing needs pinning: the arguments cannot go away while the call runs.
inline Napi::Promise RunNow(Napi::Env env, const char* name, const std::function<void()>& compute) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  try {
    compute();
    deferred.Resolve(env.Undefined());
  } catch (const std::bad_alloc&) {
    deferred.Reject(MakeError(env, ErrorCode::kNativeError, std::string("Out of memory in ") + name));
  } catch (const std::exception& e) {
    deferred.Reject(MakeError(env, ErrorCode::kNativeError, e.what()));
  }
  return deferred.Promise();
}

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_EXPORTS_COMMON_PROMISE_WORKER_H_
