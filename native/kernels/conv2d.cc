#include "kernels/conv2d.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "kernels/gemm_sgemm.h"

namespace cocogen {
namespace {

// Samples per float32 partial sum of dw: fixed, so that dw does not depend on the thread count.
constexpr size_t kWeightBlock = 4;

// col (C·KH·KW × OH·OW) ← the receptive fields of one sample x_n (C×H×W), zeros in the padding.
void Im2col(const Conv2dShape& s, const float* x, float* col) {
  const size_t positions = s.out_h * s.out_w;
  for (size_t c = 0; c < s.channels; ++c) {
    for (size_t kh = 0; kh < s.kernel_h; ++kh) {
      for (size_t kw = 0; kw < s.kernel_w; ++kw) {
        float* row = col + ((c * s.kernel_h + kh) * s.kernel_w + kw) * positions;
        for (size_t oh = 0; oh < s.out_h; ++oh) {
          float* out = row + oh * s.out_w;
          // ih = oh·stride − padding + kh, in signed arithmetic: it is negative inside the top padding.
          const long ih = static_cast<long>(oh * s.stride + kh) - static_cast<long>(s.padding);
          if (ih < 0 || ih >= static_cast<long>(s.height)) {
            std::fill(out, out + s.out_w, 0.0f);
            continue;
          }
          const float* in = x + (c * s.height + static_cast<size_t>(ih)) * s.width;
          for (size_t ow = 0; ow < s.out_w; ++ow) {
            const long iw = static_cast<long>(ow * s.stride + kw) - static_cast<long>(s.padding);
            out[ow] = iw >= 0 && iw < static_cast<long>(s.width) ? in[iw] : 0.0f;
          }
        }
      }
    }
  }
}

// dx_n (C×H×W) ← col2im(dcol): each column entry added back onto the input element it was copied from, in the same
// order as Im2col visits them.
void Col2im(const Conv2dShape& s, const float* dcol, float* dx) {
  const size_t positions = s.out_h * s.out_w;
  std::fill(dx, dx + s.channels * s.height * s.width, 0.0f);
  for (size_t c = 0; c < s.channels; ++c) {
    for (size_t kh = 0; kh < s.kernel_h; ++kh) {
      for (size_t kw = 0; kw < s.kernel_w; ++kw) {
        const float* row = dcol + ((c * s.kernel_h + kh) * s.kernel_w + kw) * positions;
        for (size_t oh = 0; oh < s.out_h; ++oh) {
          const long ih = static_cast<long>(oh * s.stride + kh) - static_cast<long>(s.padding);
          if (ih < 0 || ih >= static_cast<long>(s.height)) continue;
          float* out = dx + (c * s.height + static_cast<size_t>(ih)) * s.width;
          for (size_t ow = 0; ow < s.out_w; ++ow) {
            const long iw = static_cast<long>(ow * s.stride + kw) - static_cast<long>(s.padding);
            if (iw >= 0 && iw < static_cast<long>(s.width)) out[iw] += row[oh * s.out_w + ow];
          }
        }
      }
    }
  }
}

// Runs task(t, scratch) for t in [0, tasks) over the pool; `scratch` holds scratch_floats per thread. Every SGEMM
// inside a task runs single-threaded: a product split over threads may sum in another order (OpenBLAS picks its
// kernels by shape), and the results must not depend on the thread count. So the parallelism is over samples.
void RunTasks(ThreadPool* pool, size_t tasks, size_t scratch_floats, const std::function<void(size_t, float*)>& task) {
  if (pool != nullptr && pool->threads() > 1 && tasks > 1) {
    pool->ParallelFor(tasks, 1, [&](size_t begin, size_t end) {
      std::vector<float> scratch(scratch_floats);
      for (size_t t = begin; t < end; ++t) task(t, scratch.data());
    });
    return;
  }
  std::vector<float> scratch(scratch_floats);
  for (size_t t = 0; t < tasks; ++t) task(t, scratch.data());
}

}  // namespace

bool ValidConv2dShape(const Conv2dShape& s) {
  if (s.batch == 0 || s.channels == 0 || s.height == 0 || s.width == 0 || s.out_channels == 0 || s.kernel_h == 0 ||
      s.kernel_w == 0 || s.stride == 0) {
    return false;
  }
  if (s.padding >= std::min(s.kernel_h, s.kernel_w)) return false;
  if (s.height + 2 * s.padding < s.kernel_h || s.width + 2 * s.padding < s.kernel_w) return false;
  return s.out_h == (s.height + 2 * s.padding - s.kernel_h) / s.stride + 1 &&
         s.out_w == (s.width + 2 * s.padding - s.kernel_w) / s.stride + 1;
}

void Conv2dForward(ThreadPool* pool, const Conv2dShape& s, const float* x, const float* w, const float* bias, bool relu,
                   float* y) {
  const size_t ckk = s.channels * s.kernel_h * s.kernel_w;
  const size_t positions = s.out_h * s.out_w;
  RunTasks(pool, s.batch, ckk * positions, [&](size_t n, float* col) {
    Im2col(s, x + n * s.channels * s.height * s.width, col);
    float* yn = y + n * s.out_channels * positions;
    SgemmArgs g;  // y_n (O × positions) = W (O × ckk) · col (ckk × positions)
    g.m = s.out_channels;
    g.n = positions;
    g.k = ckk;
    g.a = w;
    g.lda = ckk;
    g.b = col;
    g.ldb = positions;
    g.c = yn;
    g.ldc = positions;
    Sgemm(nullptr, g);
    for (size_t o = 0; o < s.out_channels; ++o) {
      float* row = yn + o * positions;
      const float b = bias[o];
      for (size_t p = 0; p < positions; ++p) {
        const float v = row[p] + b;
        row[p] = relu ? (v > 0.0f ? v : 0.0f) : v;  // NaN → 0 under the ReLU, as the reference
      }
    }
  });
}

void Conv2dBackward(ThreadPool* pool, const Conv2dShape& s, const float* x, const float* w, const float* dy,
                    const float* y, float* dw, float* db, float* dx) {
  const size_t ckk = s.channels * s.kernel_h * s.kernel_w;
  const size_t positions = s.out_h * s.out_w;
  const size_t out_plane = s.out_channels * positions;
  const size_t in_plane = s.channels * s.height * s.width;
  std::vector<float> masked;
  const float* g = dy;
  if (y != nullptr) {
    masked.resize(s.batch * out_plane);
    for (size_t i = 0; i < masked.size(); ++i) masked[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    g = masked.data();
  }
  for (size_t o = 0; o < s.out_channels; ++o) {
    double sum = 0.0;
    for (size_t n = 0; n < s.batch; ++n) {
      const float* row = g + n * out_plane + o * positions;
      for (size_t p = 0; p < positions; ++p) sum += row[p];
    }
    db[o] = static_cast<float>(sum);
  }
  const size_t blocks = (s.batch + kWeightBlock - 1) / kWeightBlock;
  const size_t dw_len = s.out_channels * ckk;
  std::vector<float> partial(blocks * dw_len);
  const size_t scratch = ckk * positions * (dx != nullptr ? 2 : 1);
  RunTasks(pool, blocks, scratch, [&](size_t block, float* col) {
    float* dcol = col + ckk * positions;
    const size_t end = std::min(s.batch, (block + 1) * kWeightBlock);
    for (size_t n = block * kWeightBlock; n < end; ++n) {
      const float* gn = g + n * out_plane;
      Im2col(s, x + n * in_plane, col);
      SgemmArgs gw;  // partial (O × ckk) += g_n (O × positions) · col_nᵀ (positions × ckk)
      gw.m = s.out_channels;
      gw.n = ckk;
      gw.k = positions;
      gw.a = gn;
      gw.lda = positions;
      gw.b = col;
      gw.ldb = positions;
      gw.trans_b = true;
      gw.beta = n == block * kWeightBlock ? 0.0f : 1.0f;
      gw.c = partial.data() + block * dw_len;
      gw.ldc = ckk;
      Sgemm(nullptr, gw);
      if (dx == nullptr) continue;
      SgemmArgs gx;  // dcol (ckk × positions) = Wᵀ (ckk × O) · g_n (O × positions)
      gx.m = ckk;
      gx.n = positions;
      gx.k = s.out_channels;
      gx.a = w;
      gx.lda = ckk;
      gx.trans_a = true;
      gx.b = gn;
      gx.ldb = positions;
      gx.c = dcol;
      gx.ldc = positions;
      Sgemm(nullptr, gx);
      Col2im(s, dcol, dx + n * in_plane);
    }
  });
  for (size_t i = 0; i < dw_len; ++i) {
    double sum = 0.0;
    for (size_t b = 0; b < blocks; ++b) sum += partial[b * dw_len + i];
    dw[i] = static_cast<float>(sum);
  }
}

}  // namespace cocogen
