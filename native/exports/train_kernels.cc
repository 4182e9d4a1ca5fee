// The exports of the training kernels (kernels/train_kernels.h): argument checks and the promise workers.
#include "kernels/train_kernels.h"

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
#include "kernels/gemm_sgemm.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

constexpr size_t kMaxDim = size_t{1} << 31;

// denseForward(x: Float32Array, w: Float32Array, bias: Float32Array, batch: number, inputs: number,
//              outputs: number, relu: boolean, y: Float32Array): Promise<void>
Napi::Value DenseForwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 0), "x");
  Napi::Float32Array w = ExpectFloat32Array(Argument(info, 1), "w");
  Napi::Float32Array bias = ExpectFloat32Array(Argument(info, 2), "bias");
  const size_t batch = ExpectInteger(Argument(info, 3), "batch", 0, kMaxDim);
  const size_t in = ExpectInteger(Argument(info, 4), "inputs", 0, kMaxDim);
  const size_t out = ExpectInteger(Argument(info, 5), "outputs", 0, kMaxDim);
  const bool relu = ExpectBoolean(Argument(info, 6), "relu");
  Napi::Float32Array y = ExpectFloat32Array(Argument(info, 7), "y");
  ExpectLength(x, batch * in, "Float32Array", "x");
  ExpectLength(w, in * out, "Float32Array", "w");
  ExpectLength(bias, out, "Float32Array", "bias");
  ExpectLength(y, batch * out, "Float32Array", "y");
  const float* xp = x.Data();
  const float* wp = w.Data();
  const float* bp = bias.Data();
  float* yp = y.Data();
  if (batch * in * out <= kSgemmRunNowMaxMacs) {
    return RunNow(env, "cocogen.denseForward", [=] { DenseForward(nullptr, xp, wp, bp, batch, in, out, relu, yp); });
  }
  auto* worker = new ClosureWorker(env, "cocogen.denseForward", {x, w, bias, y}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    DenseForward(pool.get(), xp, wp, bp, batch, in, out, relu, yp);
  });
  return worker->Start();
}
COCOGEN_EXPORT(denseForward, DenseForwardExport);

// denseBackward(x: Float32Array, w: Float32Array, dy: Float32Array, batch: number, inputs: number,
//               outputs: number, reluMask: boolean, dw: Float32Array, db: Float32Array,
//               dx: Float32Array | null): Promise<void>
Napi::Value DenseBackwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 0), "x");
  Napi::Float32Array w = ExpectFloat32Array(Argument(info, 1), "w");
  Napi::Float32Array dy = ExpectFloat32Array(Argument(info, 2), "dy");
  const size_t batch = ExpectInteger(Argument(info, 3), "batch", 0, kMaxDim);
  const size_t in = ExpectInteger(Argument(info, 4), "inputs", 0, kMaxDim);
  const size_t out = ExpectInteger(Argument(info, 5), "outputs", 0, kMaxDim);
  const bool relu_mask = ExpectBoolean(Argument(info, 6), "reluMask");
  Napi::Float32Array dw = ExpectFloat32Array(Argument(info, 7), "dw");
  Napi::Float32Array db = ExpectFloat32Array(Argument(info, 8), "db");
  Napi::Value dx_value = Argument(info, 9);
  ExpectLength(x, batch * in, "Float32Array", "x");
  ExpectLength(w, in * out, "Float32Array", "w");
  ExpectLength(dy, batch * out, "Float32Array", "dy");
  ExpectLength(dw, in * out, "Float32Array", "dw");
  ExpectLength(db, out, "Float32Array", "db");
  float* dxp = nullptr;
  Napi::Float32Array dx;
  if (!dx_value.IsNull()) {
    dx = ExpectFloat32Array(dx_value, "dx");
    ExpectLength(dx, batch * in, "Float32Array", "dx");
    dxp = dx.Data();
  }
  const float* xp = x.Data();
  const float* wp = w.Data();
  const float* dyp = dy.Data();
  float* dwp = dw.Data();
  float* dbp = db.Data();
  if (2 * batch * in * out <= kSgemmRunNowMaxMacs) {  // dw and dx: two GEMMs of batch·in·out
    return RunNow(env, "cocogen.denseBackward",
                  [=] { DenseBackward(nullptr, xp, wp, dyp, batch, in, out, dwp, dbp, dxp, relu_mask); });
  }
  auto* worker = new ClosureWorker(env, "cocogen.denseBackward", {x, w, dy, dw, db}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    DenseBackward(pool.get(), xp, wp, dyp, batch, in, out, dwp, dbp, dxp, relu_mask);
  });
  if (dxp != nullptr) worker->PinArray(dx);
  return worker->Start();
}
COCOGEN_EXPORT(denseBackward, DenseBackwardExport);

// softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, batch: number, classes: number,
//                     dLogits: Float32Array): Promise<number>
Napi::Value SoftmaxCrossEntropyExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array logits = ExpectFloat32Array(Argument(info, 0), "logits");
  Napi::Int32Array labels = ExpectInt32Array(Argument(info, 1), "labels");
  const size_t batch = ExpectInteger(Argument(info, 2), "batch", 0, kMaxDim);
  const size_t classes = ExpectInteger(Argument(info, 3), "classes", 1, kMaxDim);
  Napi::Float32Array dlogits = ExpectFloat32Array(Argument(info, 4), "dLogits");
  ExpectLength(logits, batch * classes, "Float32Array", "logits");
  ExpectLength(labels, batch, "Int32Array", "labels");
  ExpectLength(dlogits, batch * classes, "Float32Array", "dLogits");
  ExpectLabels(labels, batch, classes, "labels");
  const float* zp = logits.Data();
  const int32_t* yp = labels.Data();
  float* dp = dlogits.Data();
  auto* worker = new ClosureWorker(env, "cocogen.softmaxCrossEntropy", {logits, labels, dlogits},
                                   [=](double* result, bool* has_result) {
                                     *result = SoftmaxCrossEntropy(zp, yp, batch, classes, dp);
                                     *has_result = true;
                                   });
  return worker->Start();
}
COCOGEN_EXPORT(softmaxCrossEntropy, SoftmaxCrossEntropyExport);

// sgdMomentum(params: Float32Array, grad: Float32Array, velocity: Float32Array, learningRate: number,
//             momentum: number, weightDecay: number): Promise<void>
Napi::Value SgdMomentumExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array params = ExpectFloat32Array(Argument(info, 0), "params");
  Napi::Float32Array grad = ExpectFloat32Array(Argument(info, 1), "grad");
  Napi::Float32Array velocity = ExpectFloat32Array(Argument(info, 2), "velocity");
  const float lr = static_cast<float>(ExpectNumber(Argument(info, 3), "learningRate"));
  const float mu = static_cast<float>(ExpectNumber(Argument(info, 4), "momentum"));
  const float wd = static_cast<float>(ExpectNumber(Argument(info, 5), "weightDecay"));
  const size_t n = params.ElementLength();
  ExpectLength(grad, n, "Float32Array", "grad");
  ExpectLength(velocity, n, "Float32Array", "velocity");
  float* pp = params.Data();
  const float* gp = grad.Data();
  float* vp = velocity.Data();
  auto* worker = new ClosureWorker(env, "cocogen.sgdMomentum", {params, grad, velocity}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    SgdMomentum(pool.get(), pp, gp, vp, n, lr, mu, wd);
  });
  return worker->Start();
}
COCOGEN_EXPORT(sgdMomentum, SgdMomentumExport);

// denseTrainSteps(dims: Int32Array, params: Float32Array, velocity: Float32Array, x: Float32Array,
//                 labels: Int32Array, order: Int32Array, epochRows: number, batchSize: number,
//                 learningRate: number, momentum: number, weightDecay: number, losses: Float64Array): Promise<void>
Napi::Value DenseTrainStepsExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Int32Array dims_array = ExpectInt32Array(Argument(info, 0), "dims");
  Napi::Float32Array params = ExpectFloat32Array(Argument(info, 1), "params");
  Napi::Float32Array velocity = ExpectFloat32Array(Argument(info, 2), "velocity");
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 3), "x");
  Napi::Int32Array labels = ExpectInt32Array(Argument(info, 4), "labels");
  Napi::Int32Array order = ExpectInt32Array(Argument(info, 5), "order");
  DenseTrainArgs a;
  a.epoch_rows = ExpectInteger(Argument(info, 6), "epochRows", 1, kMaxDim);
  a.batch_size = ExpectInteger(Argument(info, 7), "batchSize", 1, kMaxDim);
  a.lr = static_cast<float>(ExpectNumber(Argument(info, 8), "learningRate"));
  a.mu = static_cast<float>(ExpectNumber(Argument(info, 9), "momentum"));
  a.wd = static_cast<float>(ExpectNumber(Argument(info, 10), "weightDecay"));
  Napi::Float64Array losses = ExpectFloat64Array(Argument(info, 11), "losses");
  if (dims_array.ElementLength() < 2)
    ThrowInvalidArgument(env, "dims", "an Int32Array of at least 2 widths", dims_array);
  for (size_t l = 0; l < dims_array.ElementLength(); ++l) {
    if (dims_array[l] < 1) ThrowInvalidArgument(env, "dims", "widths ≥ 1", dims_array);
    a.dims.push_back(static_cast<size_t>(dims_array[l]));
  }
  const size_t count = DenseParameterCount(a.dims);
  const size_t d0 = a.dims.front();
  ExpectLength(params, count, "Float32Array", "params");
  ExpectLength(velocity, count, "Float32Array", "velocity");
  if (x.ElementLength() % d0 != 0) ThrowInvalidArgument(env, "x", "rows of dims[0] floats", x);
  const size_t samples = x.ElementLength() / d0;
  ExpectLength(labels, samples, "Int32Array", "labels");
  ExpectLabels(labels, samples, a.dims.back(), "labels");
  a.rows = order.ElementLength();
  ExpectSampleOrder(order, samples);
  ExpectLength(losses, TrainingStepCount(a.rows, a.epoch_rows, a.batch_size), "Float64Array", "losses (one per step)");
  a.params = params.Data();
  a.velocity = velocity.Data();
  a.x = x.Data();
  a.labels = labels.Data();
  a.order = order.Data();
  a.losses = losses.Data();
  auto* worker = new ClosureWorker(env, "cocogen.denseTrainSteps", {params, velocity, x, labels, order, losses},
                                   [a](double*, bool*) {
                                     std::shared_ptr<ThreadPool> pool = SharedPool();
                                     DenseTrainSteps(pool.get(), a);
                                   });
  return worker->Start();
}
COCOGEN_EXPORT(denseTrainSteps, DenseTrainStepsExport);

}  // namespace
}  // namespace cocogen
