// The export of the widening kernels (kernels/widen.h): argument checks, then the synchronous call.
#include "kernels/widen.h"

#include <exception>
#include <memory>
#include <string>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

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
COCOGEN_EXPORT(widenToFloat32, WidenToFloat32Export);

}  // namespace
}  // namespace cocogen
