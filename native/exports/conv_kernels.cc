// The exports of the convolution and max-pool kernels (kernels/conv2d.h, kernels/max_pool.h): argument checks and
// the promise workers. Sizes travel as one Int32Array each; the output sizes are recomputed and checked here.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"
#include "exports/common/promise_worker.h"
#include "kernels/conv2d.h"
#include "kernels/max_pool.h"
#include "kernels/thread_pool.h"

namespace cocogen {
namespace {

// The sizes array: `count` integers ≥ 0.
std::vector<size_t> ExpectSizes(const Napi::Value& value, size_t count, const std::string& name) {
  Napi::Int32Array sizes = ExpectInt32Array(value, name);
  ExpectLength(sizes, count, "Int32Array", name);
  std::vector<size_t> out(count);
  for (size_t i = 0; i < count; ++i) {
    if (sizes[i] < 0) {
      ThrowError(value.Env(), ErrorCode::kInvalidArgument,
                 "Expected sizes ≥ 0 for " + name + " but received " + std::to_string(sizes[i]) + " at index " +
                     std::to_string(i));
    }
    out[i] = static_cast<size_t>(sizes[i]);
  }
  return out;
}

// sizes = [batch, channels, height, width, outChannels, kernelHeight, kernelWidth, stride, padding]
Conv2dShape ExpectConvShape(const Napi::Value& value) {
  const std::vector<size_t> v = ExpectSizes(value, 9, "sizes");
  Conv2dShape s;
  s.batch = v[0];
  s.channels = v[1];
  s.height = v[2];
  s.width = v[3];
  s.out_channels = v[4];
  s.kernel_h = v[5];
  s.kernel_w = v[6];
  s.stride = v[7];
  s.padding = v[8];
  if (s.stride > 0 && s.height + 2 * s.padding >= s.kernel_h && s.width + 2 * s.padding >= s.kernel_w) {
    s.out_h = (s.height + 2 * s.padding - s.kernel_h) / s.stride + 1;
    s.out_w = (s.width + 2 * s.padding - s.kernel_w) / s.stride + 1;
  }
  if (!ValidConv2dShape(s)) {
    ThrowError(value.Env(), ErrorCode::kInvalidArgument,
               "Expected sizes ≥ 1, padding < the kernel and an output ≥ 1×1 for sizes but received an inconsistent "
               "shape");
  }
  return s;
}

// sizes = [planes, height, width, kernel, stride]
MaxPoolShape ExpectPoolShape(const Napi::Value& value) {
  const std::vector<size_t> v = ExpectSizes(value, 5, "sizes");
  MaxPoolShape s;
  s.planes = v[0];
  s.height = v[1];
  s.width = v[2];
  s.kernel = v[3];
  s.stride = v[4];
  if (s.stride > 0 && s.kernel <= s.height && s.kernel <= s.width) {
    s.out_h = (s.height - s.kernel) / s.stride + 1;
    s.out_w = (s.width - s.kernel) / s.stride + 1;
  }
  if (!ValidMaxPoolShape(s)) {
    ThrowError(value.Env(), ErrorCode::kInvalidArgument,
               "Expected sizes ≥ 1 and a kernel ≤ the input for sizes but received an inconsistent shape");
  }
  return s;
}

void ExpectApart(const Napi::TypedArray& out, const std::string& name, std::initializer_list<Napi::TypedArray> ins) {
  for (const Napi::TypedArray& in : ins) {
    if (Overlaps(static_cast<const char*>(out.ArrayBuffer().Data()) + out.ByteOffset(), out.ByteLength(),
                 static_cast<const char*>(in.ArrayBuffer().Data()) + in.ByteOffset(), in.ByteLength())) {
      ThrowError(out.Env(), ErrorCode::kInvalidArgument,
                 "Expected an array that shares no memory with the inputs for " + name +
                     " but received one that overlaps them");
    }
  }
}

// conv2dForward(sizes: Int32Array, x: Float32Array, w: Float32Array, bias: Float32Array, relu: boolean,
//               y: Float32Array): Promise<void>
Napi::Value Conv2dForwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = ExpectConvShape(Argument(info, 0));
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 1), "x");
  Napi::Float32Array w = ExpectFloat32Array(Argument(info, 2), "w");
  Napi::Float32Array bias = ExpectFloat32Array(Argument(info, 3), "bias");
  const bool relu = ExpectBoolean(Argument(info, 4), "relu");
  Napi::Float32Array y = ExpectFloat32Array(Argument(info, 5), "y");
  ExpectLength(x, s.batch * s.channels * s.height * s.width, "Float32Array", "x");
  ExpectLength(w, s.out_channels * s.channels * s.kernel_h * s.kernel_w, "Float32Array", "w");
  ExpectLength(bias, s.out_channels, "Float32Array", "bias");
  ExpectLength(y, s.batch * s.out_channels * s.out_h * s.out_w, "Float32Array", "y");
  ExpectApart(y, "y", {x, w, bias});
  const float* xp = x.Data();
  const float* wp = w.Data();
  const float* bp = bias.Data();
  float* yp = y.Data();
  auto* worker = new ClosureWorker(env, "cocogen.conv2dForward", {x, w, bias, y}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    Conv2dForward(pool.get(), s, xp, wp, bp, relu, yp);
  });
  return worker->Start();
}
COCOGEN_EXPORT(conv2dForward, Conv2dForwardExport);

// conv2dBackward(sizes: Int32Array, x: Float32Array, w: Float32Array, dy: Float32Array, y: Float32Array | null,
//                dw: Float32Array, db: Float32Array, dx: Float32Array | null): Promise<void>
Napi::Value Conv2dBackwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = ExpectConvShape(Argument(info, 0));
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 1), "x");
  Napi::Float32Array w = ExpectFloat32Array(Argument(info, 2), "w");
  Napi::Float32Array dy = ExpectFloat32Array(Argument(info, 3), "dy");
  Napi::Value y_value = Argument(info, 4);
  Napi::Float32Array dw = ExpectFloat32Array(Argument(info, 5), "dw");
  Napi::Float32Array db = ExpectFloat32Array(Argument(info, 6), "db");
  Napi::Value dx_value = Argument(info, 7);
  const size_t in_len = s.batch * s.channels * s.height * s.width;
  const size_t out_len = s.batch * s.out_channels * s.out_h * s.out_w;
  ExpectLength(x, in_len, "Float32Array", "x");
  ExpectLength(w, s.out_channels * s.channels * s.kernel_h * s.kernel_w, "Float32Array", "w");
  ExpectLength(dy, out_len, "Float32Array", "dy");
  ExpectLength(dw, w.ElementLength(), "Float32Array", "dw");
  ExpectLength(db, s.out_channels, "Float32Array", "db");
  ExpectApart(dw, "dw", {x, w, dy, db});
  ExpectApart(db, "db", {x, w, dy});
  const float* yp = nullptr;
  Napi::Float32Array y;
  if (!y_value.IsNull()) {
    y = ExpectFloat32Array(y_value, "y");
    ExpectLength(y, out_len, "Float32Array", "y");
    ExpectApart(dw, "dw", {y});
    ExpectApart(db, "db", {y});
    yp = y.Data();
  }
  float* dxp = nullptr;
  Napi::Float32Array dx;
  if (!dx_value.IsNull()) {
    dx = ExpectFloat32Array(dx_value, "dx");
    ExpectLength(dx, in_len, "Float32Array", "dx");
    ExpectApart(dx, "dx", {x, w, dy, dw, db});
    if (yp != nullptr) ExpectApart(dx, "dx", {y});
    dxp = dx.Data();
  }
  const float* xp = x.Data();
  const float* wp = w.Data();
  const float* dyp = dy.Data();
  float* dwp = dw.Data();
  float* dbp = db.Data();
  auto* worker = new ClosureWorker(env, "cocogen.conv2dBackward", {x, w, dy, dw, db}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    Conv2dBackward(pool.get(), s, xp, wp, dyp, yp, dwp, dbp, dxp);
  });
  if (yp != nullptr) worker->PinArray(y);
  if (dxp != nullptr) worker->PinArray(dx);
  return worker->Start();
}
COCOGEN_EXPORT(conv2dBackward, Conv2dBackwardExport);

// maxPoolForward(sizes: Int32Array, x: Float32Array, y: Float32Array, indices: Int32Array): Promise<void>
Napi::Value MaxPoolForwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const MaxPoolShape s = ExpectPoolShape(Argument(info, 0));
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 1), "x");
  Napi::Float32Array y = ExpectFloat32Array(Argument(info, 2), "y");
  Napi::Int32Array indices = ExpectInt32Array(Argument(info, 3), "indices");
  ExpectLength(x, s.planes * s.height * s.width, "Float32Array", "x");
  ExpectLength(y, s.planes * s.out_h * s.out_w, "Float32Array", "y");
  ExpectLength(indices, y.ElementLength(), "Int32Array", "indices");
  ExpectApart(y, "y", {x, indices});
  ExpectApart(indices, "indices", {x});
  const float* xp = x.Data();
  float* yp = y.Data();
  int32_t* ip = indices.Data();
  auto* worker = new ClosureWorker(env, "cocogen.maxPoolForward", {x, y, indices}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    MaxPoolForward(pool.get(), s, xp, yp, ip);
  });
  return worker->Start();
}
COCOGEN_EXPORT(maxPoolForward, MaxPoolForwardExport);

// maxPoolBackward(sizes: Int32Array, dy: Float32Array, indices: Int32Array, dx: Float32Array): Promise<void>
Napi::Value MaxPoolBackwardExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const MaxPoolShape s = ExpectPoolShape(Argument(info, 0));
  Napi::Float32Array dy = ExpectFloat32Array(Argument(info, 1), "dy");
  Napi::Int32Array indices = ExpectInt32Array(Argument(info, 2), "indices");
  Napi::Float32Array dx = ExpectFloat32Array(Argument(info, 3), "dx");
  const size_t out_len = s.planes * s.out_h * s.out_w;
  ExpectLength(dy, out_len, "Float32Array", "dy");
  ExpectLength(indices, out_len, "Int32Array", "indices");
  ExpectLength(dx, s.planes * s.height * s.width, "Float32Array", "dx");
  ExpectApart(dx, "dx", {dy, indices});
  // An index outside its window would write outside the plane: checked here too, not only in TS.
  const int32_t* checked = indices.Data();
  for (size_t plane = 0, i = 0; plane < s.planes; ++plane) {
    for (size_t oh = 0; oh < s.out_h; ++oh) {
      for (size_t ow = 0; ow < s.out_w; ++ow, ++i) {
        const int32_t v = checked[i];
        const size_t h = v >= 0 ? static_cast<size_t>(v) / s.width : 0;
        const size_t w = v >= 0 ? static_cast<size_t>(v) % s.width : 0;
        if (v < 0 || h < oh * s.stride || h >= oh * s.stride + s.kernel || w < ow * s.stride ||
            w >= ow * s.stride + s.kernel) {
          ThrowError(env, ErrorCode::kInvalidArgument,
                     "Expected a position inside its window for indices[" + std::to_string(i) + "] but received " +
                         std::to_string(v));
        }
      }
    }
  }
  const float* dyp = dy.Data();
  const int32_t* ip = indices.Data();
  float* dxp = dx.Data();
  auto* worker = new ClosureWorker(env, "cocogen.maxPoolBackward", {dy, indices, dx}, [=](double*, bool*) {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    MaxPoolBackward(pool.get(), s, dyp, ip, dxp);
  });
  return worker->Start();
}
COCOGEN_EXPORT(maxPoolBackward, MaxPoolBackwardExport);

}  // namespace
}  // namespace cocogen
