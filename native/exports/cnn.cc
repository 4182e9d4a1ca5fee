// The exports of the fused CNN kernels (kernels/cnn.h): argument checks and the promise workers.
#include "kernels/cnn.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "exports/common/training_arguments.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

constexpr size_t kMaxDim = size_t{1} << 31;

// The network of [side, kernel, padding, pool, classes, channels...], or INVALID_ARGUMENT.
CnnNetwork NetworkOf(Napi::Env env, const Napi::Int32Array& network) {
  CnnNetwork net;
  if (network.ElementLength() < 6)
    ThrowInvalidArgument(env, "network", "an Int32Array [side, kernel, padding, pool, classes, channels...]", network);
  for (size_t i = 0; i < network.ElementLength(); ++i) {
    if (network[i] < 0 || (i != 2 && network[i] < 1)) ThrowInvalidArgument(env, "network", "sizes ≥ 1", network);
  }
  net.side = static_cast<size_t>(network[0]);
  net.kernel = static_cast<size_t>(network[1]);
  net.padding = static_cast<size_t>(network[2]);
  net.pool = static_cast<size_t>(network[3]);
  net.classes = static_cast<size_t>(network[4]);
  for (size_t i = 5; i < network.ElementLength(); ++i) net.channels.push_back(static_cast<size_t>(network[i]));
  if (!ValidCnnNetwork(net)) {
    ThrowInvalidArgument(env, "network", "padding < kernel and every conv output at least the pool", network);
  }
  return net;
}

// cnnTrainSteps(network: Int32Array [side, kernel, padding, pool, classes, channels...], params: Float32Array,
//               velocity: Float32Array, x: Float32Array, labels: Int32Array, order: Int32Array, epochRows: number,
//               batchSize: number, learningRate: number, momentum: number, weightDecay: number,
//               losses: Float64Array): Promise<void>
Napi::Value CnnTrainStepsExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Int32Array network = ExpectInt32Array(Argument(info, 0), "network");
  Napi::Float32Array params = ExpectFloat32Array(Argument(info, 1), "params");
  Napi::Float32Array velocity = ExpectFloat32Array(Argument(info, 2), "velocity");
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 3), "x");
  Napi::Int32Array labels = ExpectInt32Array(Argument(info, 4), "labels");
  Napi::Int32Array order = ExpectInt32Array(Argument(info, 5), "order");
  CnnTrainArgs a;
  a.epoch_rows = ExpectInteger(Argument(info, 6), "epochRows", 1, kMaxDim);
  a.batch_size = ExpectInteger(Argument(info, 7), "batchSize", 1, kMaxDim);
  a.lr = static_cast<float>(ExpectNumber(Argument(info, 8), "learningRate"));
  a.mu = static_cast<float>(ExpectNumber(Argument(info, 9), "momentum"));
  a.wd = static_cast<float>(ExpectNumber(Argument(info, 10), "weightDecay"));
  Napi::Float64Array losses = ExpectFloat64Array(Argument(info, 11), "losses");
  a.net = NetworkOf(env, network);
  const size_t count = CnnParameterCount(a.net);
  const size_t d0 = a.net.side * a.net.side;
  ExpectLength(params, count, "Float32Array", "params");
  ExpectLength(velocity, count, "Float32Array", "velocity");
  if (x.ElementLength() % d0 != 0) ThrowInvalidArgument(env, "x", "rows of side² floats", x);
  const size_t samples = x.ElementLength() / d0;
  ExpectLength(labels, samples, "Int32Array", "labels");
  ExpectLabels(labels, samples, a.net.classes, "labels");
  a.rows = order.ElementLength();
  ExpectSampleOrder(order, samples);
  ExpectLength(losses, TrainingStepCount(a.rows, a.epoch_rows, a.batch_size), "Float64Array", "losses (one per step)");
  a.params = params.Data();
  a.velocity = velocity.Data();
  a.x = x.Data();
  a.labels = labels.Data();
  a.order = order.Data();
  a.losses = losses.Data();
  auto* worker = new ClosureWorker(env, "cocogen.cnnTrainSteps", {params, velocity, x, labels, order, losses},
                                   [a](double*, bool*) {
                                     std::shared_ptr<ThreadPool> pool = SharedPool();
                                     CnnTrainSteps(pool.get(), a);
                                   });
  return worker->Start();
}
COCOGEN_EXPORT(cnnTrainSteps, CnnTrainStepsExport);

// cnnLogits(network: Int32Array, params: Float32Array, x: Float32Array, logits: Float32Array): Promise<void>
Napi::Value CnnLogitsExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Int32Array network = ExpectInt32Array(Argument(info, 0), "network");
  Napi::Float32Array params = ExpectFloat32Array(Argument(info, 1), "params");
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 2), "x");
  Napi::Float32Array logits = ExpectFloat32Array(Argument(info, 3), "logits");
  const CnnNetwork net = NetworkOf(env, network);
  ExpectLength(params, CnnParameterCount(net), "Float32Array", "params");
  const size_t d0 = net.side * net.side;
  if (x.ElementLength() % d0 != 0) ThrowInvalidArgument(env, "x", "rows of side² floats", x);
  const size_t samples = x.ElementLength() / d0;
  ExpectLength(logits, samples * net.classes, "Float32Array", "logits");
  const float* pp = params.Data();
  const float* xp = x.Data();
  float* lp = logits.Data();
  auto* worker = new ClosureWorker(env, "cocogen.cnnLogits", {params, x, logits}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    CnnLogits(pool.get(), net, pp, xp, samples, lp);
  });
  return worker->Start();
}
COCOGEN_EXPORT(cnnLogits, CnnLogitsExport);

}  // namespace
}  // namespace cocogen
