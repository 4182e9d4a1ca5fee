#include "optimizer.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arguments.h"
#include "cpu_features.h"
#include "errors.h"
#include "promise_worker.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// The scalar path is the contract: the vector paths compute the same expressions in the same order (no FMA), so
// every instruction set gives the same bits.
void StepScalar(ServerOptimizerKind kind, const ServerOptimizerParams& p, float* x, const float* delta, float* m,
                float* v, size_t begin, size_t end) {
  if (kind == ServerOptimizerKind::kAvgM) {
    for (size_t i = begin; i < end; ++i) {
      const float mi = p.beta1 * m[i] + delta[i];
      m[i] = mi;
      x[i] = x[i] + p.eta * mi;
    }
    return;
  }
  const float one_minus_beta1 = 1.0f - p.beta1;
  const float one_minus_beta2 = 1.0f - p.beta2;
  for (size_t i = begin; i < end; ++i) {
    const float d = delta[i];
    const float mi = p.beta1 * m[i] + one_minus_beta1 * d;
    const float d2 = d * d;
    float vi;
    if (kind == ServerOptimizerKind::kAdam) {
      vi = p.beta2 * v[i] + one_minus_beta2 * d2;
    } else {
      const float diff = v[i] - d2;
      const float sign = diff > 0.0f ? 1.0f : diff < 0.0f ? -1.0f : 0.0f;
      vi = v[i] - one_minus_beta2 * d2 * sign;
    }
    m[i] = mi;
    v[i] = vi;
    x[i] = x[i] + p.eta * mi / (std::sqrt(vi) + p.tau);
  }
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 void StepAvx2(ServerOptimizerKind kind, const ServerOptimizerParams& p, float* x,
                                  const float* delta, float* m, float* v, size_t begin, size_t end) {
  const __m256 beta1 = _mm256_set1_ps(p.beta1);
  const __m256 eta = _mm256_set1_ps(p.eta);
  size_t i = begin;
  if (kind == ServerOptimizerKind::kAvgM) {
    for (; i + 8 <= end; i += 8) {
      const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_loadu_ps(delta + i));
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_mul_ps(eta, mi)));
    }
  } else {
    const __m256 beta2 = _mm256_set1_ps(p.beta2);
    const __m256 one_minus_beta1 = _mm256_set1_ps(1.0f - p.beta1);
    const __m256 one_minus_beta2 = _mm256_set1_ps(1.0f - p.beta2);
    const __m256 tau = _mm256_set1_ps(p.tau);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 one = _mm256_set1_ps(1.0f);
    const bool yogi = kind == ServerOptimizerKind::kYogi;
    for (; i + 8 <= end; i += 8) {
      const __m256 d = _mm256_loadu_ps(delta + i);
      const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(one_minus_beta1, d));
      const __m256 d2 = _mm256_mul_ps(d, d);
      const __m256 v0 = _mm256_loadu_ps(v + i);
      __m256 vi;
      if (!yogi) {
        vi = _mm256_add_ps(_mm256_mul_ps(beta2, v0), _mm256_mul_ps(one_minus_beta2, d2));
      } else {
        const __m256 diff = _mm256_sub_ps(v0, d2);
        // sign(diff) as +1, −1 or 0 (NaN → 0, as the scalar comparisons give)
        const __m256 sign = _mm256_sub_ps(_mm256_and_ps(_mm256_cmp_ps(diff, zero, _CMP_GT_OQ), one),
                                          _mm256_and_ps(_mm256_cmp_ps(diff, zero, _CMP_LT_OQ), one));
        vi = _mm256_sub_ps(v0, _mm256_mul_ps(_mm256_mul_ps(one_minus_beta2, d2), sign));
      }
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(v + i, vi);
      const __m256 step = _mm256_div_ps(_mm256_mul_ps(eta, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), tau));
      _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), step));
    }
  }
  StepScalar(kind, p, x, delta, m, v, i, end);
}

#endif  // COCOGEN_X86_DISPATCH

using RangeKernel = void (*)(ServerOptimizerKind, const ServerOptimizerParams&, float*, const float*, float*, float*,
                             size_t, size_t);

RangeKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return StepAvx2;  // AVX-512 adds nothing to a memory-bound stream here
#endif
  return StepScalar;
}

class ServerOptimizerWorker : public PromiseWorker {
 public:
  ServerOptimizerWorker(Napi::Env env, ServerOptimizerKind kind, ServerOptimizerParams params, Napi::Float32Array x,
                        Napi::Float32Array delta, Napi::Float32Array m, Napi::Float32Array v, bool has_v)
      : PromiseWorker(env, "cocogen.serverOptimizerStep"),
        kind_(kind),
        params_(params),
        x_(x.Data()),
        delta_(delta.Data()),
        m_(m.Data()),
        v_(has_v ? v.Data() : nullptr),
        n_(x.ElementLength()) {
    Pin(x);
    Pin(delta);
    Pin(m);
    if (has_v) Pin(v);
  }

 protected:
  void Compute() override {
    std::shared_ptr<ThreadPool> pool = SharedPool();
    ServerOptimizerStep(*pool, kind_, params_, x_, delta_, m_, v_, n_);
  }

 private:
  ServerOptimizerKind kind_;
  ServerOptimizerParams params_;
  float* x_;
  const float* delta_;
  float* m_;
  float* v_;
  size_t n_;
};

bool Overlaps(const Napi::Float32Array& a, const Napi::Float32Array& b) {
  const auto x = reinterpret_cast<uintptr_t>(a.Data());
  const auto y = reinterpret_cast<uintptr_t>(b.Data());
  return a.ElementLength() != 0 && b.ElementLength() != 0 && x < y + b.ByteLength() && y < x + a.ByteLength();
}

// serverOptimizerStep(kind: 0 | 1 | 2, x: Float32Array, delta: Float32Array, m: Float32Array,
//                     v: Float32Array | null, beta1: number, beta2: number, eta: number, tau: number): Promise<void>
Napi::Value ServerOptimizerStepExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto kind = static_cast<ServerOptimizerKind>(ExpectInteger(Argument(info, 0), "kind", 0, 2));
  Napi::Float32Array x = ExpectFloat32Array(Argument(info, 1), "x");
  Napi::Float32Array delta = ExpectFloat32Array(Argument(info, 2), "delta");
  Napi::Float32Array m = ExpectFloat32Array(Argument(info, 3), "m");
  const bool has_v = kind != ServerOptimizerKind::kAvgM;
  Napi::Float32Array v;
  if (has_v) v = ExpectFloat32Array(Argument(info, 4), "v");
  ServerOptimizerParams params{};
  params.beta1 = static_cast<float>(ExpectNumber(Argument(info, 5), "beta1"));
  params.beta2 = static_cast<float>(ExpectNumber(Argument(info, 6), "beta2"));
  params.eta = static_cast<float>(ExpectNumber(Argument(info, 7), "eta"));
  params.tau = static_cast<float>(ExpectNumber(Argument(info, 8), "tau"));
  const size_t n = x.ElementLength();
  std::vector<std::pair<const char*, Napi::Float32Array>> arrays = {{"x", x}, {"delta", delta}, {"m", m}};
  if (has_v) arrays.emplace_back("v", v);
  for (size_t a = 1; a < arrays.size(); ++a) {
    if (arrays[a].second.ElementLength() != n) {
      ThrowError(env, ErrorCode::kInvalidArgument,
                 std::string("Expected ") + LengthWording("Float32Array", n) + " (the length of x) for " +
                     arrays[a].first + " but received " + DescribeValue(arrays[a].second));
    }
    for (size_t b = 0; b < a; ++b) {
      if (Overlaps(arrays[a].second, arrays[b].second)) {
        ThrowError(env, ErrorCode::kInvalidArgument,
                   std::string("Expected a Float32Array that shares no memory with ") + arrays[b].first + " for " +
                       arrays[a].first + " but received one that overlaps it");
      }
    }
  }
  auto* worker = new ServerOptimizerWorker(env, kind, params, x, delta, m, v, has_v);
  return worker->Start();
}

}  // namespace

void ServerOptimizerStep(ThreadPool& pool, ServerOptimizerKind kind, const ServerOptimizerParams& params, float* x,
                         const float* delta, float* m, float* v, size_t n) {
  static const RangeKernel kernel = SelectKernel();
  pool.ParallelFor(n, 16, [&](size_t begin, size_t end) { kernel(kind, params, x, delta, m, v, begin, end); });
}

void RegisterOptimizerExports(Napi::Env env, Napi::Object exports) {
  exports.Set("serverOptimizerStep", Napi::Function::New(env, ServerOptimizerStepExport, "serverOptimizerStep"));
}

}  // namespace cocogen
