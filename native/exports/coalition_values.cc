// The export of the coalition-value kernel (kernels/coalition_values.h): argument checks and the promise worker.
#include "kernels/coalition_values.h"

#include <cmath>
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

// Values in the `stats` output: solves, passes, notConverged, nonConcave, worstKkt.
constexpr size_t kCoalitionStatsFields = 5;

class CoalitionValuesWorker : public PromiseWorker {
 public:
  CoalitionValuesWorker(Napi::Env env, CoalitionValuesArgs args, Napi::Float64Array members,
                        Napi::Float64Array pair_weights, Napi::Float64Array curve, Napi::Value masks,
                        Napi::Float64Array out, Napi::Float64Array stats)
      : PromiseWorker(env, "cocogen.coalitionValues"), args_(args), stats_out_(stats.Data()) {
    Pin(members);
    Pin(pair_weights);
    Pin(curve);
    if (masks.IsTypedArray()) Pin(masks.As<Napi::TypedArray>());
    Pin(out);
    Pin(stats);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    CoalitionValuesStats stats;
    CoalitionValues(*pool, args_, &stats);
    stats_out_[0] = static_cast<double>(stats.solves);
    stats_out_[1] = static_cast<double>(stats.passes);
    stats_out_[2] = static_cast<double>(stats.not_converged);
    stats_out_[3] = static_cast<double>(stats.non_concave);
    stats_out_[4] = stats.worst_kkt;
  }

 private:
  CoalitionValuesArgs args_;
  double* stats_out_;
};

// coalitionValues(members: Float64Array, pairWeights: Float64Array, curve: Float64Array, tolerance: number,
//                 masks: Uint32Array | null, first: number, out: Float64Array, stats: Float64Array): Promise<void>
Napi::Value CoalitionValuesExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array members = ExpectFloat64Array(Argument(info, 0), "members");
  Napi::Float64Array pair_weights = ExpectFloat64Array(Argument(info, 1), "pairWeights");
  Napi::Float64Array curve = ExpectFloat64Array(Argument(info, 2), "curve");
  const double tolerance = ExpectNumber(Argument(info, 3), "tolerance");
  Napi::Value masks_value = Argument(info, 4);
  Napi::Float64Array out = ExpectFloat64Array(Argument(info, 6), "out");
  Napi::Float64Array stats = ExpectFloat64Array(Argument(info, 7), "stats");

  const size_t fields = kCoalitionMemberFields;
  if (members.ElementLength() % fields != 0 || members.ElementLength() / fields > kCoalitionMaxMembers) {
    ThrowInvalidArgument(
        env, "members",
        "a Float64Array of 6 values per member, at most " + std::to_string(kCoalitionMaxMembers) + " members", members);
  }
  const size_t n = members.ElementLength() / fields;
  ExpectLength(pair_weights, n * n, "Float64Array", "pairWeights", "n × n");
  ExpectLength(curve, kCoalitionCurveFields, "Float64Array", "curve", "base, A, beta, eta");
  ExpectLength(stats, kCoalitionStatsFields, "Float64Array", "stats",
               "solves, passes, notConverged, nonConcave, "
               "worstKkt");
  if (!(tolerance > 0) || !std::isfinite(tolerance)) {
    ThrowInvalidArgument(env, "tolerance", "a positive finite number", Argument(info, 3));
  }
  const uint64_t total = uint64_t{1} << n;
  const uint64_t count = out.ElementLength();
  const uint32_t* masks = nullptr;
  uint64_t first = 0;
  if (!masks_value.IsNull()) {
    if (!masks_value.IsTypedArray() || masks_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowInvalidArgument(env, "masks", "a Uint32Array or null", masks_value);
    }
    Napi::Uint32Array list = masks_value.As<Napi::Uint32Array>();
    ExpectLength(list, count, "Uint32Array", "masks", "one mask per output value");
    masks = list.Data();
    for (size_t k = 0; k < count; ++k) {
      if (masks[k] >= total) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   "Expected a mask below 2^" + std::to_string(n) + " for masks[" + std::to_string(k) +
                       "] but received " + std::to_string(masks[k]));
      }
    }
  } else {
    first = ExpectInteger(Argument(info, 5), "first", 0, total);
    if (first + count > total) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected at most " + std::to_string(total - first) + " values (masks first .. 2^" +
                     std::to_string(n) + " − 1) for out but received " + DescribeValue(out));
    }
  }
  const std::pair<const void*, size_t> inputs[] = {{members.Data(), members.ByteLength()},
                                                   {pair_weights.Data(), pair_weights.ByteLength()},
                                                   {curve.Data(), curve.ByteLength()},
                                                   {masks, masks != nullptr ? count * sizeof(uint32_t) : 0},
                                                   {stats.Data(), stats.ByteLength()}};
  for (const auto& in : inputs) {
    if (Overlaps(out.Data(), out.ByteLength(), in.first, in.second)) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 "Expected a Float64Array that shares no memory with the inputs or stats for out but received one "
                 "that overlaps them");
    }
  }
  const CoalitionValuesArgs args{members.Data(), pair_weights.Data(), n, curve.Data(), tolerance, masks, first,
                                 count,          out.Data()};
  auto* worker = new CoalitionValuesWorker(env, args, members, pair_weights, curve, masks_value, out, stats);
  return worker->Start();
}
COCOGEN_EXPORT(coalitionValues, CoalitionValuesExport);

}  // namespace
}  // namespace cocogen
