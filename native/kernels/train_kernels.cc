#include "kernels/train_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gemm_sgemm.h"

namespace cocogen {

void DenseForward(ThreadPool* pool, const float* x, const float* w, const float* bias, size_t batch, size_t in,
                  size_t out, bool relu, float* y) {
  SgemmArgs g;
  g.m = batch;
  g.n = out;
  g.k = in;
  g.a = x;
  g.lda = in;
  g.b = w;
  g.ldb = out;
  g.c = y;
  g.ldc = out;
  Sgemm(pool, g);
  for (size_t i = 0; i < batch; ++i) {
    float* row = y + i * out;
    if (bias != nullptr) {
      for (size_t j = 0; j < out; ++j) row[j] += bias[j];
    }
    if (relu) {
      for (size_t j = 0; j < out; ++j) row[j] = row[j] > 0.0f ? row[j] : 0.0f;  // NaN → 0, as the reference
    }
  }
}

void DenseBackward(ThreadPool* pool, const float* x, const float* w, const float* dy, size_t batch, size_t in,
                   size_t out, float* dw, float* db, float* dx, bool relu_mask) {
  SgemmArgs g;  // dW = xᵀ·dy: (in×batch)·(batch×out)
  g.m = in;
  g.n = out;
  g.k = batch;
  g.a = x;
  g.lda = in;
  g.trans_a = true;
  g.b = dy;
  g.ldb = out;
  g.c = dw;
  g.ldc = out;
  Sgemm(pool, g);
  if (db != nullptr) {
    std::vector<double> sums(out, 0.0);
    for (size_t i = 0; i < batch; ++i) {
      for (size_t j = 0; j < out; ++j) sums[j] += dy[i * out + j];
    }
    for (size_t j = 0; j < out; ++j) db[j] = static_cast<float>(sums[j]);
  }
  if (dx != nullptr) {
    SgemmArgs h;  // dx = dy·Wᵀ: (batch×out)·(out×in)
    h.m = batch;
    h.n = in;
    h.k = out;
    h.a = dy;
    h.lda = out;
    h.b = w;
    h.ldb = out;
    h.trans_b = true;
    h.c = dx;
    h.ldc = in;
    Sgemm(pool, h);
    if (relu_mask) {
      for (size_t i = 0; i < batch * in; ++i) {
        if (!(x[i] > 0.0f)) dx[i] = 0.0f;
      }
    }
  }
}

double SoftmaxCrossEntropy(const float* logits, const int32_t* labels, size_t batch, size_t classes, float* dlogits) {
  std::vector<double> p(classes);
  double total = 0.0;
  for (size_t i = 0; i < batch; ++i) {
    const float* z = logits + i * classes;
    const size_t y = static_cast<size_t>(labels[i]);
    double max = -INFINITY;
    for (size_t c = 0; c < classes; ++c) max = std::max(max, static_cast<double>(z[c]));
    double sum = 0.0;
    for (size_t c = 0; c < classes; ++c) sum += p[c] = std::exp(static_cast<double>(z[c]) - max);
    total += std::log(sum) + max - static_cast<double>(z[y]);
    if (dlogits != nullptr) {
      float* d = dlogits + i * classes;
      for (size_t c = 0; c < classes; ++c) {
        d[c] = static_cast<float>((p[c] / sum - (c == y ? 1.0 : 0.0)) / static_cast<double>(batch));
      }
    }
  }
  return batch > 0 ? total / static_cast<double>(batch) : 0.0;
}

void SgdMomentum(ThreadPool* pool, float* params, const float* grad, float* velocity, size_t n, float lr, float mu,
                 float wd) {
  auto body = [=](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const float g = grad[i] + wd * params[i];
      velocity[i] = mu * velocity[i] + g;
      params[i] -= lr * velocity[i];
    }
  };
  // Memory-bound and short: worth the pool only for large models.
  if (pool != nullptr && n >= (size_t{1} << 18)) {
    pool->ParallelFor(n, 16, body);
  } else {
    body(0, n);
  }
}

size_t DenseParameterCount(const std::vector<size_t>& dims) {
  size_t count = 0;
  for (size_t l = 0; l + 1 < dims.size(); ++l) count += dims[l] * dims[l + 1] + dims[l + 1];
  return count;
}

void DenseTrainSteps(ThreadPool* /*pool*/, const DenseTrainArgs& a) {
  // Minibatch GEMMs are small (32×784×64 is ~50 µs on one core): handing them to the pool costs more than it saves,
  // and callers run several trainings at once (one per organization, each on its own libuv thread), which keeps
  // the cores busy without any hand-off. Measured on the 2-core EPYC, demo round: 10.5 ms on one thread per
  // training against 22 ms with pool-parallel GEMMs.
  ThreadPool* pool = nullptr;
  const size_t layers = a.dims.size() - 1;
  const size_t count = DenseParameterCount(a.dims);
  const size_t d0 = a.dims[0];
  const size_t bs = a.batch_size;
  std::vector<size_t> offset(layers);  // of W_l; b_l follows at offset + d_l·d_{l+1}
  for (size_t l = 0, at = 0; l < layers; ++l) {
    offset[l] = at;
    at += a.dims[l] * a.dims[l + 1] + a.dims[l + 1];
  }
  // acts[l]: input of layer l (acts[0] the gathered batch), acts[L] the logits; delta[l]: ∂L/∂acts[l].
  std::vector<std::vector<float>> acts(layers + 1);
  std::vector<std::vector<float>> delta(layers + 1);
  for (size_t l = 0; l <= layers; ++l) {
    acts[l].resize(bs * a.dims[l]);
    delta[l].resize(bs * a.dims[l]);
  }
  std::vector<int32_t> yb(bs);
  std::vector<float> grad(count);
  size_t step = 0;
  for (size_t epoch_start = 0; epoch_start < a.rows; epoch_start += a.epoch_rows) {
    const size_t epoch_end = std::min(a.rows, epoch_start + a.epoch_rows);
    for (size_t start = epoch_start; start < epoch_end; start += bs, ++step) {
      const size_t b = std::min(bs, epoch_end - start);
      for (size_t j = 0; j < b; ++j) {
        const size_t i = static_cast<size_t>(a.order[start + j]);
        std::memcpy(acts[0].data() + j * d0, a.x + i * d0, d0 * sizeof(float));
        yb[j] = a.labels[i];
      }
      for (size_t l = 0; l < layers; ++l) {
        const float* w = a.params + offset[l];
        DenseForward(pool, acts[l].data(), w, w + a.dims[l] * a.dims[l + 1], b, a.dims[l], a.dims[l + 1],
                     l + 1 < layers, acts[l + 1].data());
      }
      a.losses[step] = SoftmaxCrossEntropy(acts[layers].data(), yb.data(), b, a.dims[layers], delta[layers].data());
      for (size_t l = layers; l-- > 0;) {
        const float* w = a.params + offset[l];
        float* gw = grad.data() + offset[l];
        DenseBackward(pool, acts[l].data(), w, delta[l + 1].data(), b, a.dims[l], a.dims[l + 1], gw,
                      gw + a.dims[l] * a.dims[l + 1], l > 0 ? delta[l].data() : nullptr, l > 0);
      }
      SgdMomentum(pool, a.params, grad.data(), a.velocity, count, a.lr, a.mu, a.wd);
    }
  }
}

}  // namespace cocogen
