// The training kernels of a sequential dense network (dense layers with ReLU between them, softmax cross-entropy
// at the end, SGD with momentum), in float32 on top of Sgemm. They know nothing of FL: shapes and buffers only.
//
// Layout, shared with the JS reference (src/fl/models.ts) and the WGSL kernels: row-major; a layer's weights W are
// inputs×outputs (input-major), its bias follows; a network's parameters are W_0 | b_0 | W_1 | b_1 | ... in one
// flat array, and its gradient has the same layout.
#ifndef COCOGEN_NATIVE_KERNELS_TRAIN_KERNELS_H_
#define COCOGEN_NATIVE_KERNELS_TRAIN_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/thread_pool.h"

namespace cocogen {

// y (batch×out) = x (batch×in)·W (in×out) + bias, then y > 0 ? y : 0 when relu (NaN becomes 0, as in the reference).
// bias may be null.
void DenseForward(ThreadPool* pool, const float* x, const float* w, const float* bias, size_t batch, size_t in,
                  size_t out, bool relu, float* y);

// Backward of y = x·W + b given dy = ∂L/∂y: dw = xᵀ·dy, db = Σ_rows dy (float64 sums, rounded once), and, when dx is
// not null, dx = dy·Wᵀ, zeroed where x ≤ 0 when relu_mask (x being the previous layer's ReLU output). db may be null.
void DenseBackward(ThreadPool* pool, const float* x, const float* w, const float* dy, size_t batch, size_t in,
                   size_t out, float* dw, float* db, float* dx, bool relu_mask);

// Stable softmax cross-entropy, float64 inside: returns the mean over the batch of logsumexp(z_i) − z_i[y_i] and
// writes dlogits = (softmax(z_i) − onehot(y_i)) / batch (dlogits may alias logits). Labels must be in [0, classes).
double SoftmaxCrossEntropy(const float* logits, const int32_t* labels, size_t batch, size_t classes, float* dlogits);

// In place, PyTorch's convention: g = grad + wd·p; v ← μ·v + g; p ← p − lr·v (the stored v).
void SgdMomentum(ThreadPool* pool, float* params, const float* grad, float* velocity, size_t n, float lr, float mu,
                 float wd);

struct DenseTrainArgs {
  std::vector<size_t> dims;   // layer widths d_0 (inputs), ..., d_L (classes); L ≥ 1
  float* params = nullptr;    // W_0 | b_0 | ... | W_{L−1} | b_{L−1}
  float* velocity = nullptr;  // same length, carried between steps
  const float* x = nullptr;   // samples × d_0
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

// Minibatch SGD steps over the rows of `order`: per step, gather the batch, forward, loss, backward, update.
// Exactly the per-kernel sequence above, so results equal calling the kernels one by one. Runs on the calling
// thread (no pool): run several trainings concurrently for parallelism.
void DenseTrainSteps(ThreadPool* pool, const DenseTrainArgs& args);  // pool: unused, see above

// Number of parameters of a network with these widths.
size_t DenseParameterCount(const std::vector<size_t>& dims);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_TRAIN_KERNELS_H_
