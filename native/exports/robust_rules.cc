// The exports of the robust aggregation kernels (kernels/robust_rules.h): argument checks and the promise workers.
#include "kernels/robust_rules.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

constexpr size_t kMaxUpdates = size_t{1} << 24;

// The updates argument: a non-empty list of Float32Array of one length; each one pinned on `worker` later.
struct Updates {
  std::vector<Napi::Float32Array> arrays;
  std::vector<const float*> data;
  size_t length = 0;
};

Updates ExpectUpdates(Napi::Value value) {
  Napi::Env env = value.Env();
  Napi::Array list = ExpectArray(value, "updates");
  Updates u;
  const size_t k = list.Length();
  if (k == 0 || k > kMaxUpdates) ThrowInvalidArgument(env, "updates", "a non-empty array of Float32Array", value);
  for (uint32_t i = 0; i < k; ++i) {
    const std::string name = "updates[" + std::to_string(i) + "]";
    Napi::Float32Array update = ExpectFloat32Array(list.Get(i), name);
    if (i == 0) u.length = update.ElementLength();
    if (update.ElementLength() != u.length) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected " + LengthWording("Float32Array", u.length) + " (the length of updates[0]) for " + name +
                     " but received " + DescribeValue(update));
    }
    u.arrays.push_back(update);
    u.data.push_back(update.Data());
  }
  return u;
}

void ExpectNoOverlap(const Updates& u, const void* out, size_t bytes, const char* name) {
  for (size_t j = 0; j < u.data.size(); ++j) {
    if (Overlaps(u.data[j], u.length * 4, out, bytes)) {
      ThrowError(u.arrays[j].Env(), ErrorCode::kInvalidArgument,
                 std::string("Expected memory that no update shares for ") + name +
                     " but received memory shared with updates[" + std::to_string(j) + "]");
    }
  }
}

// Shared by median and trimmed mean: (updates, [trimCount,] scales | null, out) → Promise<number>.
Napi::Value RobustExport(const Napi::CallbackInfo& info, bool median) {
  Napi::Env env = info.Env();
  Updates u = ExpectUpdates(Argument(info, 0));
  const size_t k = u.data.size();
  size_t arg = 1;
  size_t trim_count = 0;
  if (!median) trim_count = ExpectInteger(Argument(info, arg++), "trimCount", 0, (k - 1) / 2);
  Napi::Value scales_value = Argument(info, arg++);
  Napi::Float32Array out = ExpectFloat32Array(Argument(info, arg), "out");
  if (out.ElementLength() != u.length) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected " + LengthWording("Float32Array", u.length) + " (the length of the updates) for out but " +
                   "received " + DescribeValue(out));
  }
  ExpectNoOverlap(u, out.Data(), out.ByteLength(), "out");
  const float* scales = nullptr;
  Napi::Float32Array scales_array;
  if (!scales_value.IsNull() && !scales_value.IsUndefined()) {
    scales_array = ExpectFloat32Array(scales_value, "scales");
    if (scales_array.ElementLength() != k) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected " + LengthWording("Float32Array", k) + " (one scale per update) for scales but received " +
                     DescribeValue(scales_array));
    }
    scales = scales_array.Data();
  }
  float* out_data = out.Data();
  const size_t n = u.length;
  auto* worker = new ClosureWorker(
      env, median ? "cocogen.coordinateMedian" : "cocogen.trimmedMean", {out},
      [data = u.data, scales, out_data, n, median, trim_count](double* result, bool* has_result) {
        std::shared_ptr<ThreadPool> pool = SharedPool();
        const bool non_finite = median ? CoordinateMedian(*pool, data.data(), data.size(), scales, out_data, n)
                                       : TrimmedMean(*pool, data.data(), data.size(), trim_count, scales, out_data, n);
        *result = non_finite ? 1 : 0;
        *has_result = true;
      });
  for (const Napi::Float32Array& a : u.arrays) worker->PinArray(a);
  if (scales != nullptr) worker->PinArray(scales_array);
  return worker->Start();
}

// coordinateMedian(updates: Float32Array[], scales: Float32Array | null, out: Float32Array): Promise<number>
Napi::Value CoordinateMedianExport(const Napi::CallbackInfo& info) { return RobustExport(info, true); }
COCOGEN_EXPORT(coordinateMedian, CoordinateMedianExport);

// trimmedMean(updates: Float32Array[], trimCount: number, scales: Float32Array | null, out: Float32Array):
//   Promise<number>
Napi::Value TrimmedMeanExport(const Napi::CallbackInfo& info) { return RobustExport(info, false); }
COCOGEN_EXPORT(trimmedMean, TrimmedMeanExport);

// Shared by squaredNorms (out: k) and gram (out: k×k).
Napi::Value NormsOrGramExport(const Napi::CallbackInfo& info, bool gram) {
  Napi::Env env = info.Env();
  Updates u = ExpectUpdates(Argument(info, 0));
  const size_t k = u.data.size();
  Napi::Float64Array out = ExpectFloat64Array(Argument(info, 1), "out");
  const size_t want = gram ? k * k : k;
  if (out.ElementLength() != want) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected " + LengthWording("Float64Array", want) + " for out but received " + DescribeValue(out));
  }
  ExpectNoOverlap(u, out.Data(), out.ByteLength(), "out");
  double* out_data = out.Data();
  const size_t n = u.length;
  auto* worker = new ClosureWorker(env, gram ? "cocogen.gram" : "cocogen.squaredNorms", {out},
                                   [data = u.data, out_data, n, gram](double*, bool*) {
                                     std::shared_ptr<ThreadPool> pool = SharedPool();
                                     if (gram) {
                                       Gram(*pool, data.data(), data.size(), n, out_data);
                                     } else {
                                       SquaredNorms(*pool, data.data(), data.size(), n, out_data);
                                     }
                                   });
  for (const Napi::Float32Array& a : u.arrays) worker->PinArray(a);
  return worker->Start();
}

// squaredNorms(updates: Float32Array[], out: Float64Array): Promise<void>
Napi::Value SquaredNormsExport(const Napi::CallbackInfo& info) { return NormsOrGramExport(info, false); }
COCOGEN_EXPORT(squaredNorms, SquaredNormsExport);

// gram(updates: Float32Array[], out: Float64Array): Promise<void>
Napi::Value GramExport(const Napi::CallbackInfo& info) { return NormsOrGramExport(info, true); }
COCOGEN_EXPORT(gram, GramExport);

}  // namespace
}  // namespace cocogen
