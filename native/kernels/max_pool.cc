#include "kernels/max_pool.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cocogen {

bool ValidMaxPoolShape(const MaxPoolShape& s) {
  if (s.planes == 0 || s.height == 0 || s.width == 0 || s.kernel == 0 || s.stride == 0) return false;
  if (s.kernel > std::min(s.height, s.width)) return false;
  return s.out_h == (s.height - s.kernel) / s.stride + 1 && s.out_w == (s.width - s.kernel) / s.stride + 1;
}

void MaxPoolForward(ThreadPool* pool, const MaxPoolShape& s, const float* x, float* y, int32_t* indices) {
  const size_t plane_in = s.height * s.width;
  const size_t plane_out = s.out_h * s.out_w;
  auto planes = [&](size_t begin, size_t end) {
    for (size_t plane = begin; plane < end; ++plane) {
      const float* in = x + plane * plane_in;
      for (size_t oh = 0; oh < s.out_h; ++oh) {
        for (size_t ow = 0; ow < s.out_w; ++ow) {
          size_t at = oh * s.stride * s.width + ow * s.stride;
          float best = in[at];
          for (size_t kh = 0; kh < s.kernel; ++kh) {
            for (size_t kw = 0; kw < s.kernel; ++kw) {
              const size_t p = (oh * s.stride + kh) * s.width + ow * s.stride + kw;
              const float v = in[p];
              // Strictly greater keeps the first maximum; the first NaN wins and stays. A select, not a branch:
              // on data the comparison is unpredictable.
              const bool take = !std::isnan(best) & ((v > best) | std::isnan(v));
              best = take ? v : best;
              at = take ? p : at;
            }
          }
          const size_t o = plane * plane_out + oh * s.out_w + ow;
          y[o] = best;
          indices[o] = static_cast<int32_t>(at);
        }
      }
    }
  };
  if (pool == nullptr) {
    planes(0, s.planes);
  } else {
    pool->ParallelFor(s.planes, 1, planes);
  }
}

void MaxPoolBackward(ThreadPool* pool, const MaxPoolShape& s, const float* dy, const int32_t* indices, float* dx) {
  const size_t plane_in = s.height * s.width;
  const size_t plane_out = s.out_h * s.out_w;
  auto planes = [&](size_t begin, size_t end) {
    std::vector<double> sums(plane_in);
    for (size_t plane = begin; plane < end; ++plane) {
      std::fill(sums.begin(), sums.end(), 0.0);
      for (size_t i = plane * plane_out; i < (plane + 1) * plane_out; ++i) {
        sums[static_cast<size_t>(indices[i])] += dy[i];
      }
      float* out = dx + plane * plane_in;
      for (size_t p = 0; p < plane_in; ++p) out[p] = static_cast<float>(sums[p]);
    }
  };
  if (pool == nullptr) {
    planes(0, s.planes);
  } else {
    pool->ParallelFor(s.planes, 1, planes);
  }
}

}  // namespace cocogen
