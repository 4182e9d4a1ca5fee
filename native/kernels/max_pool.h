// 2-D max pooling (NCHW, square kernel, stride, no padding) with its argmax, and its backward: shapes and buffers
// only (src/engine/kernels/max-pool/contract.ts states the layout and the tie rule).
//
// Tie rule, the same as the JS reference and the WGSL kernel: the first maximum in row-major window order wins
// (strictly greater replaces), and the first NaN wins over every number and stays.
#ifndef COCOGEN_NATIVE_KERNELS_MAX_POOL_H_
#define COCOGEN_NATIVE_KERNELS_MAX_POOL_H_

#include <cstddef>
#include <cstdint>

#include "kernels/thread_pool.h"

namespace cocogen {

struct MaxPoolShape {
  size_t planes = 0;  // batch × channels
  size_t height = 0;
  size_t width = 0;
  size_t kernel = 0;
  size_t stride = 0;
  size_t out_h = 0;  // (height − kernel) / stride + 1
  size_t out_w = 0;
};

// All ≥ 1, kernel ≤ min(height, width), and out_h, out_w as above.
bool ValidMaxPoolShape(const MaxPoolShape& s);

// y[i] = the maximum of window i, indices[i] its position h·width + w inside the plane.
void MaxPoolForward(ThreadPool* pool, const MaxPoolShape& s, const float* x, float* y, int32_t* indices);

// dx[plane, indices[i]] += dy[i] in row-major window order (float64 sums, rounded once); every index lies inside its
// window (checked by the caller).
void MaxPoolBackward(ThreadPool* pool, const MaxPoolShape& s, const float* dy, const int32_t* indices, float* dx);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_MAX_POOL_H_
