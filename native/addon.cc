// Module init and exports of the cocogen addon. bindings/addon.ts is the hand-written TS type of these exports; each
// one below carries its TS signature.
#include <napi.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "aligned_buffer.h"
#include "arguments.h"
#include "coalition_exports.h"
#include "cpu_features.h"
#include "data_exports.h"
#include "errors.h"
#include "fed_avg.h"
#include "gemm_exports.h"
#include "mapped_file.h"
#include "optimizer.h"
#include "payoff_exports.h"
#include "promise_worker.h"
#include "robust_exports.h"
#include "thread_pool.h"
#include "train_exports.h"
#include "triad.h"
#include "widen.h"

#ifndef COCOGEN_VERSION
#error "COCOGEN_VERSION must be defined by the build (CMakeLists.txt reads it from package.json)"
#endif
#ifndef COCOGEN_BUILD_TYPE
#define COCOGEN_BUILD_TYPE "unknown"
#endif

namespace cocogen {
namespace {

constexpr size_t kMaxThreads = 1024;
// V8's largest typed array on 64-bit targets (v8::TypedArray::kMaxLength): a longer allocation could have no view.
constexpr size_t kMaxFloat32Length = size_t{1} << 32;

// Tag of the objects allocFloat32 returns; checked before a handle's native pointer is trusted.
constexpr napi_type_tag kBufferHandleTag = {0x636f636f67656e00ULL, 0x616c69676e656431ULL};

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

// --- handles ---------------------------------------------------------------------------------------------------

Napi::Object MakeBufferHandle(Napi::Env env, std::shared_ptr<AlignedBuffer> buffer) {
  Napi::Object handle = Napi::Object::New(env);
  handle.TypeTag(&kBufferHandleTag);
  auto* share = new std::shared_ptr<AlignedBuffer>(std::move(buffer));
  napi_status status = napi_wrap(
      env, handle, share,
      [](napi_env, void* data, void*) { delete static_cast<std::shared_ptr<AlignedBuffer>*>(data); }, nullptr, nullptr);
  if (status != napi_ok) {
    delete share;
    NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  }
  handle.Freeze();
  return handle;
}

std::shared_ptr<AlignedBuffer> UnwrapBufferHandle(Napi::Value value, const std::string& name) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kBufferHandleTag)) {
    ThrowInvalidArgument(env, name, "a native buffer handle from allocFloat32()", value);
  }
  void* data = nullptr;
  if (napi_unwrap(env, value, &data) != napi_ok || data == nullptr) {
    ThrowError(env, ErrorCode::kNativeError, "The native buffer handle passed as " + name + " has no native buffer");
  }
  return *static_cast<std::shared_ptr<AlignedBuffer>*>(data);
}

// --- async work -------------------------------------------------------------------------------------------------

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

// True when [a, a + bytes) and [b, b + bytes) share memory without being the same range.
bool OverlapsPartially(const float* a, const float* b, size_t length) {
  const auto x = reinterpret_cast<uintptr_t>(a);
  const auto y = reinterpret_cast<uintptr_t>(b);
  const uintptr_t bytes = length * sizeof(float);
  return length != 0 && x != y && x < y + bytes && y < x + bytes;
}

// --- exports ----------------------------------------------------------------------------------------------------

// setErrorClass(ctor: typeof CocogenError): void
void SetErrorClassExport(const Napi::CallbackInfo& info) {
  SetErrorClass(info.Env(), ExpectFunction(Argument(info, 0), "ctor"));
}

// buildInfo(): AddonBuildInfo
Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
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
  return result;
}

// setThreads(n: number): void
void SetThreads(const Napi::CallbackInfo& info) {
  ResizeSharedPool(ExpectInteger(Argument(info, 0), "n", 1, kMaxThreads));
}

// allocFloat32(length: number): NativeBufferHandle
Napi::Value AllocFloat32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t length = ExpectInteger(Argument(info, 0), "length", 0, kMaxFloat32Length);
  std::shared_ptr<AlignedBuffer> buffer;
  try {
    buffer = AlignedBuffer::Allocate(env, length * sizeof(float));
  } catch (const std::bad_alloc&) {
    ThrowError(env, ErrorCode::kNativeError,
               "Could not allocate " + std::to_string(length * sizeof(float)) + " bytes for allocFloat32(" +
                   std::to_string(length) + ")");
  }
  return MakeBufferHandle(env, std::move(buffer));
}

// viewFloat32(handle: NativeBufferHandle): Float32Array
Napi::Value ViewFloat32(const Napi::CallbackInfo& info) {
  std::shared_ptr<AlignedBuffer> buffer = UnwrapBufferHandle(Argument(info, 0), "handle");
  if (buffer->freed()) {
    ThrowError(info.Env(), ErrorCode::kInvalidArgument,
               "Expected a live native buffer handle for handle but received one that was freed");
  }
  return buffer->View(info.Env());
}

// freeBuffer(handle: NativeBufferHandle): void
void FreeBuffer(const Napi::CallbackInfo& info) { UnwrapBufferHandle(Argument(info, 0), "handle")->Free(); }

// allocatedBytes(): number
Napi::Value AllocatedBytesExport(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(AllocatedBytes()));
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

// widenToFloat32(src: Uint8Array, dtype: 0 | 1 | 2, dst: Float32Array): void
// Synchronous (tensor files are read synchronously); large inputs are split over the pool.
void WidenToFloat32Export(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value src_value = Argument(info, 0);
  if (!src_value.IsTypedArray() || src_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalidArgument(env, "src", "a Uint8Array", src_value);
  }
  Napi::Uint8Array src = src_value.As<Napi::Uint8Array>();
  const auto dtype = static_cast<WidenDtype>(ExpectInteger(Argument(info, 1), "dtype", 0, 2));
  Napi::Float32Array dst = ExpectFloat32Array(Argument(info, 2), "dst");
  const size_t n = dst.ElementLength();
  const size_t element_bytes = WidenSourceBytes(dtype);
  if (src.ByteLength() != n * element_bytes) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Uint8Array of byte length " + std::to_string(n * element_bytes) + " (" +
                   std::to_string(element_bytes) + " bytes per element of dst) for src but received " +
                   DescribeValue(src));
  }
  if (n == 0) return;
  if (Overlaps(src.Data(), n * element_bytes, dst.Data(), n * sizeof(float))) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Float32Array that shares no memory with src for dst but received one that overlaps it");
  }
  try {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    WidenToFloat32(*pool, src.Data(), dtype, dst.Data(), n);
  } catch (const std::exception& e) {
    ThrowError(env, ErrorCode::kNativeError, std::string("widenToFloat32 failed: ") + e.what());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClassExport, "setErrorClass"));
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo, "buildInfo"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("allocFloat32", Napi::Function::New(env, AllocFloat32, "allocFloat32"));
  exports.Set("viewFloat32", Napi::Function::New(env, ViewFloat32, "viewFloat32"));
  exports.Set("freeBuffer", Napi::Function::New(env, FreeBuffer, "freeBuffer"));
  exports.Set("allocatedBytes", Napi::Function::New(env, AllocatedBytesExport, "allocatedBytes"));
  exports.Set("fedAvg", Napi::Function::New(env, FedAvgExport, "fedAvg"));
  exports.Set("triad", Napi::Function::New(env, TriadExport, "triad"));
  // payoffMatrix(...), denseRowSums(...): signatures in payoff_exports.cc
  RegisterPayoffExports(env, exports);
  // gemm(...); denseForward, denseBackward, softmaxCrossEntropy, sgdMomentum, denseTrainSteps: signatures in
  // gemm_exports.cc and train_exports.cc
  RegisterGemmExports(env, exports);
  RegisterTrainExports(env, exports);
  // coalitionValues(...): signature in coalition_exports.cc
  RegisterCoalitionExports(env, exports);
  // coordinateMedian, trimmedMean, squaredNorms, gram: signatures in robust_exports.cc
  RegisterRobustExports(env, exports);
  // mapFile, mappedBuffer, syncMappedFile, unmapFile, mappedBytes: signatures in mapped_file.cc
  RegisterMappedFileExports(env, exports);
  // serverOptimizerStep(...): signature in optimizer.cc
  RegisterOptimizerExports(env, exports);
  // labelHistograms, l1Distances: signatures in data_exports.cc
  RegisterDataExports(env, exports);
  exports.Set("widenToFloat32", Napi::Function::New(env, WidenToFloat32Export, "widenToFloat32"));
  return exports;
}

}  // namespace
}  // namespace cocogen

// NODE_API_MODULE pastes the init function's name into an identifier, so it must be unqualified.
static Napi::Object InitCocogen(Napi::Env env, Napi::Object exports) { return cocogen::Init(env, exports); }

NODE_API_MODULE(cocogen, InitCocogen)
