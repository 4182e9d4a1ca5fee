// 2-D convolution (NCHW), forward and backward, in float32 on top of Sgemm (im2col): shapes and buffers only.
//
// Layout, shared with the JS reference and the WGSL kernels (src/engine/kernels/conv2d/contract.ts): x is
// batch×C×H×W, w is O×C×KH×KW, bias O, y batch×O×OH×OW with OH = (H + 2·padding − KH) / stride + 1 (OW likewise).
//
// Algorithm. Per sample, im2col lays the receptive fields out as a (C·KH·KW)×(OH·OW) matrix (zeros where a window
// reaches into the padding), so that y_n = W·col_n is one SGEMM (m = O, k = C·KH·KW, n = OH·OW). The backward reuses
// col_n: dw = Σ_n g_n·col_nᵀ and dcol_n = Wᵀ·g_n, scattered back (col2im) into dx_n. Samples are spread over the pool
// (each thread its own column buffer, single-threaded SGEMMs: a product split over threads may sum in another order
// under OpenBLAS). Results never depend on the thread count: dw is summed per fixed block of samples in float32, and
// the blocks in float64 in order; db is a float64 sum.
#ifndef COCOGEN_NATIVE_KERNELS_CONV2D_H_
#define COCOGEN_NATIVE_KERNELS_CONV2D_H_

#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

struct Conv2dShape {
  size_t batch = 0;
  size_t channels = 0;
  size_t height = 0;
  size_t width = 0;
  size_t out_channels = 0;
  size_t kernel_h = 0;
  size_t kernel_w = 0;
  size_t stride = 1;
  size_t padding = 0;
  size_t out_h = 0;  // (height + 2·padding − kernel_h) / stride + 1
  size_t out_w = 0;
};

// Whether the sizes are consistent: all ≥ 1 (padding ≥ 0), padding < min(kernel_h, kernel_w), and out_h, out_w as
// above and ≥ 1.
bool ValidConv2dShape(const Conv2dShape& s);

// y = conv(x, w) + bias, then y > 0 ? y : 0 when relu (NaN becomes 0, as in the reference).
void Conv2dForward(ThreadPool* pool, const Conv2dShape& s, const float* x, const float* w, const float* bias, bool relu,
                   float* y);

// Backward given dy: with y (the forward's ReLU output) not null, g = y > 0 ? dy : 0, else g = dy; then
// dw = Σ g ⋆ x, db = Σ g, and dx (when not null) = the transposed convolution of g with w.
void Conv2dBackward(ThreadPool* pool, const Conv2dShape& s, const float* x, const float* w, const float* dy,
                    const float* y, float* dw, float* db, float* dx);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_CONV2D_H_
