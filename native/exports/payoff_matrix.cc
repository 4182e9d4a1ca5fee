// The exports of the payoff kernels (kernels/payoff_matrix.h, kernels/payoff_row_sums.h): argument checks and the
// promise workers.
#include "kernels/payoff_matrix.h"

#include <cstdint>
#include <memory>
#include <string>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/payoff_row_sums.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

// Rows, items and grid points are addressed with 32-bit indices by the TS layer and the GPU kernel.
constexpr size_t kMaxCount = size_t{1} << 32;

class PayoffMatrixWorker : public PromiseWorker {
 public:
  PayoffMatrixWorker(Napi::Env env, PayoffMatrixArgs args, Napi::Float64Array rows, Napi::Float64Array scenarios,
                     Napi::Float64Array grid, Napi::Value gains, Napi::Int32Array best_index,
                     Napi::Float64Array best_gain, Napi::Value current, Napi::Value levels)
      : PromiseWorker(env, "cocogen.payoffMatrix"), args_(args) {
    Pin(rows);
    Pin(scenarios);
    Pin(grid);
    if (gains.IsTypedArray()) Pin(gains.As<Napi::TypedArray>());
    Pin(best_index);
    Pin(best_gain);
    if (current.IsTypedArray()) Pin(current.As<Napi::TypedArray>());
    if (levels.IsTypedArray()) Pin(levels.As<Napi::TypedArray>());
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    PayoffMatrix(*pool, args_);
  }

 private:
  PayoffMatrixArgs args_;
};

class DenseRowSumsWorker : public PromiseWorker {
 public:
  DenseRowSumsWorker(Napi::Env env, Napi::Float64Array matrix, Napi::Float64Array vectors, size_t batch, size_t n,
                     size_t k, bool shared, Napi::Float64Array out)
      : PromiseWorker(env, "cocogen.denseRowSums"),
        matrix_(matrix.Data()),
        vectors_(vectors.Data()),
        out_(out.Data()),
        batch_(batch),
        n_(n),
        k_(k),
        shared_(shared) {
    Pin(matrix);
    Pin(vectors);
    Pin(out);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    DenseRowSums(*pool, matrix_, vectors_, batch_, n_, k_, shared_, out_);
  }

 private:
  const double* matrix_;
  const double* vectors_;
  double* out_;
  size_t batch_;
  size_t n_;
  size_t k_;
  bool shared_;
};

// Float64Array `value` of `length` elements, or nullptr for null / undefined.
double* OptionalFloat64Array(Napi::Value value, size_t length, const std::string& name, const std::string& why) {
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    ThrowInvalidArgument(value.Env(), name, "a Float64Array or null", value);
  }
  Napi::Float64Array array = value.As<Napi::Float64Array>();
  ExpectLength(array, length, "Float64Array", name, why);
  return array.Data();
}

// payoffMatrix(rows: Float64Array, scenarios: Float64Array, grid: Float64Array, rowsPerItem: number,
//              gains: Float64Array | null, bestIndex: Int32Array, bestGain: Float64Array,
//              current?: Float64Array | null, levels?: Float64Array | null): Promise<void>
// levels (rows × S, current[r] + gain) needs current (one level per row).
Napi::Value PayoffMatrixExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array rows = ExpectFloat64Array(Argument(info, 0), "rows");
  Napi::Float64Array scenarios = ExpectFloat64Array(Argument(info, 1), "scenarios");
  Napi::Float64Array grid = ExpectFloat64Array(Argument(info, 2), "grid");
  const size_t rows_per_item = ExpectInteger(Argument(info, 3), "rowsPerItem", 1, kMaxCount);
  Napi::Value gains_value = Argument(info, 4);
  Napi::Int32Array best_index = ExpectInt32Array(Argument(info, 5), "bestIndex");
  Napi::Float64Array best_gain = ExpectFloat64Array(Argument(info, 6), "bestGain");

  if (scenarios.ElementLength() == 0 || scenarios.ElementLength() % kPayoffScenarioFields != 0) {
    ThrowInvalidArgument(env, "scenarios", "a non-empty Float64Array whose length is a multiple of 8", scenarios);
  }
  const size_t batch = scenarios.ElementLength() / kPayoffScenarioFields;
  const size_t count = batch * rows_per_item;
  ExpectLength(rows, count * kPayoffRowFields, "Float64Array", "rows", "8 values per row, rowsPerItem rows per item");
  if (grid.ElementLength() == 0 || grid.ElementLength() > kMaxCount) {
    ThrowInvalidArgument(env, "grid", "a non-empty Float64Array", grid);
  }
  const size_t S = grid.ElementLength();
  ExpectLength(best_index, count, "Int32Array", "bestIndex", "one per row");
  ExpectLength(best_gain, count, "Float64Array", "bestGain", "one per row");
  double* gains = nullptr;
  if (!gains_value.IsNull()) {
    if (!gains_value.IsTypedArray() || gains_value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      ThrowInvalidArgument(env, "gains", "a Float64Array or null", gains_value);
    }
    Napi::Float64Array g = gains_value.As<Napi::Float64Array>();
    ExpectLength(g, count * S, "Float64Array", "gains", "rows × grid points");
    gains = g.Data();
  }
  Napi::Value current_value = Argument(info, 7);
  Napi::Value levels_value = Argument(info, 8);
  const double* current = OptionalFloat64Array(current_value, count, "current", "one per row");
  double* levels = OptionalFloat64Array(levels_value, count * S, "levels", "rows × grid points");
  if (levels != nullptr && current == nullptr) {
    ThrowInvalidArgument(env, "current", "a Float64Array (levels need one level per row)", current_value);
  }
  // The outputs must not alias the inputs or each other (the kernel reads and writes concurrently).
  const std::pair<const void*, size_t> inputs[] = {{rows.Data(), rows.ByteLength()},
                                                   {scenarios.Data(), scenarios.ByteLength()},
                                                   {grid.Data(), grid.ByteLength()},
                                                   {current, current != nullptr ? count * sizeof(double) : 0}};
  const std::pair<const void*, size_t> outputs[] = {{gains, gains != nullptr ? count * S * sizeof(double) : 0},
                                                    {best_index.Data(), best_index.ByteLength()},
                                                    {best_gain.Data(), best_gain.ByteLength()},
                                                    {levels, levels != nullptr ? count * S * sizeof(double) : 0}};
  constexpr size_t kOutputs = sizeof(outputs) / sizeof(outputs[0]);
  for (size_t o = 0; o < kOutputs; ++o) {
    for (const auto& in : inputs) {
      if (Overlaps(outputs[o].first, outputs[o].second, in.first, in.second)) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   "Expected outputs that share no memory with the inputs for payoffMatrix but received overlapping "
                   "arrays");
      }
    }
    for (size_t p = o + 1; p < kOutputs; ++p) {
      if (Overlaps(outputs[o].first, outputs[o].second, outputs[p].first, outputs[p].second)) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   "Expected outputs that share no memory with each other for payoffMatrix but received overlapping "
                   "arrays");
      }
    }
  }
  const PayoffMatrixArgs args{rows.Data(), scenarios.Data(),  grid.Data(),      batch,   rows_per_item, S,
                              gains,       best_index.Data(), best_gain.Data(), current, levels};
  auto* worker = new PayoffMatrixWorker(env, args, rows, scenarios, grid, gains_value, best_index, best_gain,
                                        current_value, levels_value);
  return worker->Start();
}
COCOGEN_EXPORT(payoffMatrix, PayoffMatrixExport);

// denseRowSums(matrix: Float64Array, vectors: Float64Array, n: number, batch: number, out: Float64Array):
//   Promise<void>
Napi::Value DenseRowSumsExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array matrix = ExpectFloat64Array(Argument(info, 0), "matrix");
  Napi::Float64Array vectors = ExpectFloat64Array(Argument(info, 1), "vectors");
  const size_t n = ExpectInteger(Argument(info, 2), "n", 1, kMaxCount);
  const size_t batch = ExpectInteger(Argument(info, 3), "batch", 1, kMaxCount);
  Napi::Float64Array out = ExpectFloat64Array(Argument(info, 4), "out");
  const size_t per_item = batch * n;
  if (vectors.ElementLength() == 0 || vectors.ElementLength() % per_item != 0) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a non-empty Float64Array whose length is a multiple of batch × n (" +
                   std::to_string(per_item) + ") for vectors but received " + DescribeValue(vectors));
  }
  const size_t k = vectors.ElementLength() / per_item;
  const bool shared = batch > 1 && matrix.ElementLength() == n * n;
  if (!shared) ExpectLength(matrix, batch * n * n, "Float64Array", "matrix", "batch × n × n, or n × n shared");
  ExpectLength(out, vectors.ElementLength(), "Float64Array", "out", "the length of vectors");
  if (Overlaps(out.Data(), out.ByteLength(), matrix.Data(), matrix.ByteLength()) ||
      Overlaps(out.Data(), out.ByteLength(), vectors.Data(), vectors.ByteLength())) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Float64Array that shares no memory with matrix or vectors for out but received one that "
               "overlaps them");
  }
  auto* worker = new DenseRowSumsWorker(env, matrix, vectors, batch, n, k, shared, out);
  return worker->Start();
}
COCOGEN_EXPORT(denseRowSums, DenseRowSumsExport);

}  // namespace
}  // namespace cocogen
