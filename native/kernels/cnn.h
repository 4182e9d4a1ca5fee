// Minibatch SGD with momentum of a small CNN in one call: conv (stride 1, zero padding) → ReLU → max-pool, repeated,
// then one dense layer and softmax cross-entropy (src/engine/kernels/cnn/contract.ts states the network and
// the parameter layout, which is src/fl/models.ts': W_l (O×C×K×K) | b_l per conv layer, then W (F×classes) | b with
// F the last pooled map in NCHW order).
//
// Algorithm. Inside a step the activations are kept channel-last (HWC) and zero-padded, so that a convolution is an
// implicit GEMM: an output row of R positions × 16·NV channels accumulates in registers over the K·K·C taps, each
// tap a broadcast of one input element and NV vector loads of the reordered weights (AVX-512; a scalar loop of the
// same sums elsewhere). The same kernel runs the input gradient (a convolution of the padded output gradient with
// the flipped weights), and a second one the weight gradient (taps × channels, summed over positions in registers).
// Nothing is unfolded into im2col columns, and no buffer is allocated inside a step.
//
// Threads. The forward runs samples in parallel; the dense layer and the loss run on one thread (a few µs); the
// backward runs fixed blocks of kCnnGradientBlock samples in parallel, each summing its weight gradient in float32
// in a fixed order, and the blocks are summed in float64 in block order: bits never depend on the thread count.
#ifndef COCOGEN_NATIVE_KERNELS_CNN_H_
#define COCOGEN_NATIVE_KERNELS_CNN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/thread_pool.h"

namespace cocogen {

// Samples per float32 partial sum of a weight gradient: fixed, so that the gradient does not depend on the threads.
constexpr size_t kCnnGradientBlock = 4;

struct CnnNetwork {
  size_t side = 0;               // the input image's side (one channel, side² pixels)
  std::vector<size_t> channels;  // output channels of each conv layer (≥ 1 layer)
  size_t kernel = 0;             // K: every conv is K×K, stride 1
  size_t padding = 0;            // P < K, zero padding on every side
  size_t pool = 0;               // every pool is pool×pool, stride pool, no padding
  size_t classes = 0;            // the dense layer's outputs
};

// Whether the sizes are consistent: ≥ 1 layer, all sizes ≥ 1, padding < kernel, every conv output ≥ the pool.
bool ValidCnnNetwork(const CnnNetwork& net);

// Parameters of the network (conv layers then the dense layer, each W then b).
size_t CnnParameterCount(const CnnNetwork& net);

struct CnnTrainArgs {
  CnnNetwork net;
  float* params = nullptr;    // CnnParameterCount floats
  float* velocity = nullptr;  // same length, carried between steps
  const float* x = nullptr;   // samples × side²
  const int32_t* labels = nullptr;
  const int32_t* order = nullptr;  // sample index of every row of every step, steps after each other
  size_t rows = 0;                 // length of order
  size_t epoch_rows = 0;           // rows per epoch: batches never straddle an epoch (the last one is shorter)
  size_t batch_size = 0;
  float lr = 0.0f;
  float mu = 0.0f;
  float wd = 0.0f;
  double* losses = nullptr;  // one mean loss per step
};

// The SGD steps over the rows of `order`: per step gather, forward, loss, backward, one SGD-with-momentum update of
// every parameter (PyTorch's convention, as SgdMomentum). `pool` may be null (one thread).
void CnnTrainSteps(ThreadPool* pool, const CnnTrainArgs& args);

// The logits (samples × classes) of `samples` images through the same forward, for evaluation; `pool` may be null.
// Each sample's logits depend on that sample alone.
void CnnLogits(ThreadPool* pool, const CnnNetwork& net, const float* params, const float* x, size_t samples,
               float* logits);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_CNN_H_
