// The exports of the data kernels (kernels/data_kernels.h): argument checks and the promise workers.
#include "kernels/data_kernels.h"

#include <cstdint>
#include <memory>
#include <string>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

// Bytes per element of an integer array accepted as labels or owners (Int32Array is read as uint32), or 0.
size_t IntegerBytes(Napi::Value value) {
  if (!value.IsTypedArray()) return 0;
  switch (value.As<Napi::TypedArray>().TypedArrayType()) {
    case napi_uint8_array:
      return 1;
    case napi_uint16_array:
      return 2;
    case napi_uint32_array:
    case napi_int32_array:
      return 4;
    default:
      return 0;
  }
}

Napi::TypedArray ExpectIntegerArray(Napi::Value value, const std::string& name) {
  if (IntegerBytes(value) == 0) {
    ThrowInvalidArgument(value.Env(), name, "a Uint8Array, Uint16Array, Uint32Array or Int32Array", value);
  }
  return value.As<Napi::TypedArray>();
}

void* DataOf(Napi::TypedArray array) { return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset(); }

class LabelHistogramsWorker : public PromiseWorker {
 public:
  LabelHistogramsWorker(Napi::Env env, LabelHistogramsArgs args, Napi::TypedArray labels, Napi::Value owners,
                        Napi::Value offsets, Napi::Uint32Array out, Napi::Float64Array bad)
      : PromiseWorker(env, "cocogen.labelHistograms"), args_(args), bad_(bad.Data()) {
    Pin(labels);
    if (owners.IsTypedArray()) Pin(owners.As<Napi::TypedArray>());
    if (offsets.IsTypedArray()) Pin(offsets.As<Napi::TypedArray>());
    Pin(out);
    Pin(bad);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    DataKernelReport report;
    LabelHistograms(*pool, args_, &report);
    bad_[0] = static_cast<double>(report.bad_label);
    bad_[1] = static_cast<double>(report.bad_owner);
  }

 private:
  LabelHistogramsArgs args_;
  double* bad_;
};

// labelHistograms(labels: Uint8Array | Uint16Array | Uint32Array | Int32Array, owners: (same types) | null,
//                 offsets: Uint32Array | null, groups: number, classes: number, out: Uint32Array,
//                 bad: Float64Array): Promise<void>
// out (groups × classes) receives the counts; bad (2) the first index of a label ≥ classes and of an owner ≥ groups
// (−1: none). offsets must be non-decreasing from 0 to labels.length (checked here too: the kernel trusts them).
Napi::Value LabelHistogramsExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray labels = ExpectIntegerArray(Argument(info, 0), "labels");
  Napi::Value owners_value = Argument(info, 1);
  Napi::Value offsets_value = Argument(info, 2);
  const size_t groups = ExpectInteger(Argument(info, 3), "groups", 1, 0x7fffffff);
  const size_t classes = ExpectInteger(Argument(info, 4), "classes", 1, 0x7fffffff);
  Napi::Value out_value = Argument(info, 5);
  if (!out_value.IsTypedArray() || out_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    ThrowInvalidArgument(env, "out", "a Uint32Array", out_value);
  }
  Napi::Uint32Array out = out_value.As<Napi::Uint32Array>();
  Napi::Float64Array bad = ExpectFloat64Array(Argument(info, 6), "bad");
  const size_t n = labels.ElementLength();
  if (n > 0xffffffffULL) ThrowInvalidArgument(env, "labels", "at most 4294967295 labels", labels);
  if (groups * classes > 0x7fffffffULL || out.ElementLength() != groups * classes) {
    ThrowInvalidArgument(env, "out", LengthWording("Uint32Array", groups * classes) + " (groups × classes)", out);
  }
  if (bad.ElementLength() != 2) ThrowInvalidArgument(env, "bad", LengthWording("Float64Array", 2), bad);
  LabelHistogramsArgs args{};
  args.labels = DataOf(labels);
  args.label_bytes = IntegerBytes(labels);
  args.n = n;
  args.groups = groups;
  args.classes = classes;
  args.out = out.Data();
  size_t owners_bytes = 0;
  if (!owners_value.IsNull()) {
    Napi::TypedArray owners = ExpectIntegerArray(owners_value, "owners");
    if (owners.ElementLength() != n) {
      ThrowInvalidArgument(env, "owners", "an array of " + std::to_string(n) + " group ids (one per label)", owners);
    }
    args.owners = DataOf(owners);
    args.owner_bytes = IntegerBytes(owners);
    owners_bytes = owners.ByteLength();
  }
  if (!offsets_value.IsNull()) {
    if (!owners_value.IsNull()) ThrowInvalidArgument(env, "offsets", "null when owners is given", offsets_value);
    if (!offsets_value.IsTypedArray() || offsets_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowInvalidArgument(env, "offsets", "a Uint32Array or null", offsets_value);
    }
    Napi::Uint32Array offsets = offsets_value.As<Napi::Uint32Array>();
    if (offsets.ElementLength() != groups + 1) {
      ThrowInvalidArgument(env, "offsets", LengthWording("Uint32Array", groups + 1) + " (groups + 1)", offsets);
    }
    const uint32_t* o = offsets.Data();
    for (size_t g = 0; g <= groups; ++g) {
      const bool ok = g == 0 ? o[0] == 0 : o[g] >= o[g - 1] && (g < groups || o[g] == n);
      if (!ok) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   "Expected boundaries non-decreasing from 0 to " + std::to_string(n) + " for offsets[" +
                       std::to_string(g) + "] but received " + std::to_string(o[g]));
      }
    }
    args.offsets = o;
  }
  if (Overlaps(out.Data(), out.ByteLength(), args.labels, labels.ByteLength()) ||
      Overlaps(out.Data(), out.ByteLength(), args.owners, owners_bytes) ||
      Overlaps(out.Data(), out.ByteLength(), bad.Data(), bad.ByteLength())) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Uint32Array that shares no memory with the inputs for out but received one that overlaps "
               "them");
  }
  auto* worker = new LabelHistogramsWorker(env, args, labels, owners_value, offsets_value, out, bad);
  return worker->Start();
}
COCOGEN_EXPORT(labelHistograms, LabelHistogramsExport);

class L1DistancesWorker : public PromiseWorker {
 public:
  L1DistancesWorker(Napi::Env env, L1DistancesArgs args, Napi::TypedArray counts, Napi::Float64Array target,
                    Napi::Value totals, Napi::Float64Array out, Napi::Float64Array bad)
      : PromiseWorker(env, "cocogen.l1Distances"), args_(args), bad_(bad.Data()) {
    Pin(counts);
    Pin(target);
    if (totals.IsTypedArray()) Pin(totals.As<Napi::TypedArray>());
    Pin(out);
    Pin(bad);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    bad_[0] = static_cast<double>(L1Distances(*pool, args_));
  }

 private:
  L1DistancesArgs args_;
  double* bad_;
};

// l1Distances(counts: Float64Array | Uint32Array, target: Float64Array, totals: Float64Array | null,
//             out: Float64Array, bad: Float64Array): Promise<void>
// out[n] = Σ_c |counts[n·C + c]·(1/T_n) − target[c]| with C = target.length, T_n = totals[n] or the row sum; NaN when
// T_n = 0. bad[0] receives the first index of a negative or non-finite count (−1: none).
Napi::Value L1DistancesExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value counts_value = Argument(info, 0);
  const bool f64 =
      counts_value.IsTypedArray() && counts_value.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array;
  const bool u32 =
      counts_value.IsTypedArray() && counts_value.As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array;
  if (!f64 && !u32) ThrowInvalidArgument(env, "counts", "a Float64Array or Uint32Array", counts_value);
  Napi::TypedArray counts = counts_value.As<Napi::TypedArray>();
  Napi::Float64Array target = ExpectFloat64Array(Argument(info, 1), "target");
  Napi::Value totals_value = Argument(info, 2);
  Napi::Float64Array out = ExpectFloat64Array(Argument(info, 3), "out");
  Napi::Float64Array bad = ExpectFloat64Array(Argument(info, 4), "bad");
  const size_t classes = target.ElementLength();
  const size_t groups = out.ElementLength();
  if (classes == 0) ThrowInvalidArgument(env, "target", "a Float64Array of at least one value", target);
  if (counts.ElementLength() != groups * classes) {
    ThrowInvalidArgument(env, "counts",
                         "an array of " + std::to_string(groups * classes) +
                             " values (out.length × "
                             "target.length)",
                         counts);
  }
  if (bad.ElementLength() != 1) ThrowInvalidArgument(env, "bad", LengthWording("Float64Array", 1), bad);
  const double* totals = nullptr;
  if (!totals_value.IsNull()) {
    Napi::Float64Array t = ExpectFloat64Array(totals_value, "totals");
    if (t.ElementLength() != groups) ThrowInvalidArgument(env, "totals", LengthWording("Float64Array", groups), t);
    totals = t.Data();
  }
  if (Overlaps(out.Data(), out.ByteLength(), DataOf(counts), counts.ByteLength()) ||
      Overlaps(out.Data(), out.ByteLength(), target.Data(), target.ByteLength()) ||
      Overlaps(out.Data(), out.ByteLength(), totals, totals != nullptr ? groups * sizeof(double) : 0)) {
    ThrowError(env, ErrorCode::kInvalidArgument,
               "Expected a Float64Array that shares no memory with the inputs for out but received one that overlaps "
               "them");
  }
  const L1DistancesArgs args{DataOf(counts), f64, target.Data(), totals, groups, classes, out.Data()};
  auto* worker = new L1DistancesWorker(env, args, counts, target, totals_value, out, bad);
  return worker->Start();
}
COCOGEN_EXPORT(l1Distances, L1DistancesExport);

}  // namespace
}  // namespace cocogen
