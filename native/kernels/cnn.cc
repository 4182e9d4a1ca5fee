#include "kernels/cnn.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu_features.h"
#include "kernels/train_kernels.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// One conv layer's sizes inside the step (square maps): input side h (c channels) padded to hp, conv output side s
// (o channels), pooled side q.
struct Layer {
  size_t c = 0, o = 0, h = 0, hp = 0, s = 0, q = 0;
  size_t taps = 0;           // K·K·c
  std::vector<int32_t> off;  // tap (kh, kw, ci) → (kh·hp + kw)·c + ci in the padded input
  size_t w_at = 0, b_at = 0;
};

std::vector<Layer> Layers(const CnnNetwork& net) {
  std::vector<Layer> layers;
  size_t c = 1, h = net.side, at = 0;
  for (size_t o : net.channels) {
    Layer l;
    l.c = c;
    l.o = o;
    l.h = h;
    l.hp = h + 2 * net.padding;
    l.s = l.hp - net.kernel + 1;
    l.q = l.s / net.pool;
    l.taps = net.kernel * net.kernel * c;
    for (size_t kh = 0; kh < net.kernel; ++kh)
      for (size_t kw = 0; kw < net.kernel; ++kw)
        for (size_t ci = 0; ci < c; ++ci) l.off.push_back(static_cast<int32_t>((kh * l.hp + kw) * c + ci));
    l.w_at = at;
    l.b_at = at + o * l.taps;
    at = l.b_at + o;
    layers.push_back(l);
    c = o;
    h = l.q;
  }
  return layers;
}

// ---- Forward: out (side×side×n, HWC) = the implicit GEMM of the padded input with w (taps × n), + bias, ReLU. ----

void ConvForwardScalar(const Layer& l, const float* in, const float* w, const float* bias, float* out) {
  const size_t n = l.o;
  std::vector<float> acc(n);
  for (size_t oh = 0; oh < l.s; ++oh) {
    for (size_t ow = 0; ow < l.s; ++ow) {
      const float* base = in + (oh * l.hp + ow) * l.c;
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (size_t k = 0; k < l.taps; ++k) {
        const float a = base[l.off[k]];
        const float* wk = w + k * n;
        for (size_t j = 0; j < n; ++j) acc[j] += a * wk[j];
      }
      float* dst = out + (oh * l.s + ow) * n;
      for (size_t j = 0; j < n; ++j) {
        const float v = acc[j] + bias[j];
        dst[j] = v > 0.0f ? v : 0.0f;
      }
    }
  }
}

#if COCOGEN_X86_DISPATCH
// R consecutive output positions × 16·NV channels in registers, over every tap: one broadcast per position and NV
// weight vectors per tap.
template <int R, int NV>
COCOGEN_TARGET_AVX512 void ConvTileAvx512(const float* in, size_t c, const int32_t* off, size_t taps, const float* w,
                                          size_t n, const float* bias, float* out) {
  __m512 acc[R][NV];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  for (size_t k = 0; k < taps; ++k) {
    const float* src = in + off[k];
    const float* wk = w + k * n;
    __m512 wv[NV];
    for (int v = 0; v < NV; ++v) wv[v] = _mm512_loadu_ps(wk + 16 * v);
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(src[r * c]);
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(a, wv[v], acc[r][v]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
  for (int v = 0; v < NV; ++v) {
    const __m512 b = _mm512_loadu_ps(bias + 16 * v);
    for (int r = 0; r < R; ++r) {
      // v > 0 ? v : 0, so NaN → 0 as in the reference's ReLU.
      const __m512 y = _mm512_add_ps(acc[r][v], b);
      _mm512_storeu_ps(out + r * n + 16 * v, _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, zero, _CMP_GT_OQ), y));
    }
  }
}

using ConvTileFn = void (*)(const float*, size_t, const int32_t*, size_t, const float*, size_t, const float*, float*);

template <int NV>
ConvTileFn ConvTile(size_t r) {
  switch (r) {
    case 1:
      return ConvTileAvx512<1, NV>;
    case 2:
      return ConvTileAvx512<2, NV>;
    case 3:
      return ConvTileAvx512<3, NV>;
    case 4:
      return ConvTileAvx512<4, NV>;
    case 5:
      return ConvTileAvx512<5, NV>;
    case 6:
      return ConvTileAvx512<6, NV>;
    case 7:
      return ConvTileAvx512<7, NV>;
    case 8:
      return ConvTileAvx512<8, NV>;
    case 9:
      return ConvTileAvx512<9, NV>;
    case 10:
      return ConvTileAvx512<10, NV>;
    case 11:
      return ConvTileAvx512<11, NV>;
    case 12:
      return ConvTileAvx512<12, NV>;
    case 13:
      return ConvTileAvx512<13, NV>;
    default:
      return ConvTileAvx512<14, NV>;
  }
}

constexpr size_t kTileRows = 14;  // 14 positions × 2 vectors: 28 accumulators + 2 weight vectors of 32 registers

void ConvForwardAvx512(const Layer& l, const float* in, const float* w, const float* bias, float* out) {
  const size_t n = l.o;
  for (size_t oh = 0; oh < l.s; ++oh) {
    for (size_t ow = 0; ow < l.s; ow += kTileRows) {
      const size_t r = std::min(kTileRows, l.s - ow);
      const float* base = in + (oh * l.hp + ow) * l.c;
      float* dst = out + (oh * l.s + ow) * n;
      for (size_t j = 0; j < n;) {
        if (n - j >= 32) {
          ConvTile<2>(r)(base, l.c, l.off.data(), l.taps, w + j, n, bias + j, dst + j);
          j += 32;
        } else {
          ConvTile<1>(r)(base, l.c, l.off.data(), l.taps, w + j, n, bias + j, dst + j);
          j += 16;
        }
      }
    }
  }
}

// y[0, len) += a·x[0, len), the tail masked.
COCOGEN_TARGET_AVX512 inline void AxpyAvx512(size_t len, float a, const float* x, float* y) {
  const __m512 av = _mm512_set1_ps(a);
  size_t i = 0;
  for (; i + 16 <= len; i += 16)
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(av, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
  if (i < len) {
    const __mmask16 m = static_cast<__mmask16>((1u << (len - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m,
                          _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i)));
  }
}
#endif

bool UseAvx512(const Layer& l) {
#if COCOGEN_X86_DISPATCH
  return ActiveIsa() == Isa::kAvx512 && l.o % 16 == 0;
#else
  (void)l;
  return false;
#endif
}

void ConvForward(const Layer& l, const float* in, const float* w, const float* bias, float* out) {
#if COCOGEN_X86_DISPATCH
  if (UseAvx512(l)) return ConvForwardAvx512(l, in, w, bias, out);
#endif
  ConvForwardScalar(l, in, w, bias, out);
}

// ---- Backward through pool, ReLU and conv, for one sample. ----
//
// Only a pooled element's argmax carries gradient, and only where the pooled value is > 0 (the ReLU), so the
// gradient of the conv output is sparse: for each such element (conv position p, channel oc, gradient g),
// dw[oc] += g·(the input window at p) and dx(window at p) += g·w[oc]. In the padded input a window row (kh) is K·c
// contiguous floats, and so is the row of w[oc] in (kh, kw, ci) order: each is one axpy of K·c.

template <bool kAvx512>
void SparseBackward(const CnnNetwork& net, const Layer& l, const float* in, const int32_t* idx, const float* dpool,
                    size_t dpool_row, const float* wt, float* dwt, double* db, float* dx) {
  const size_t span = net.kernel * l.c;
  for (size_t ph = 0; ph < l.q; ++ph) {
    for (size_t pw = 0; pw < l.q; ++pw) {
      for (size_t oc = 0; oc < l.o; ++oc) {
        const int32_t p = idx[(ph * l.q + pw) * l.o + oc];
        if (p < 0) continue;
        const float g = dpool[ph * dpool_row + pw * l.o + oc];
        db[oc] += g;
        const size_t oh = static_cast<size_t>(p) / l.s;
        const size_t ow = static_cast<size_t>(p) % l.s;
        const float* window = in + (oh * l.hp + ow) * l.c;
        float* dwindow = dx != nullptr ? dx + (oh * l.hp + ow) * l.c : nullptr;
        float* dw_row = dwt + oc * l.taps;
        const float* w_row = wt + oc * l.taps;
        for (size_t kh = 0; kh < net.kernel; ++kh) {
#if COCOGEN_X86_DISPATCH
          if constexpr (kAvx512) {
            AxpyAvx512(span, g, window + kh * l.hp * l.c, dw_row + kh * span);
            if (dwindow != nullptr) AxpyAvx512(span, g, w_row + kh * span, dwindow + kh * l.hp * l.c);
            continue;
          }
#endif
          const float* xs = window + kh * l.hp * l.c;
          float* ds = dw_row + kh * span;
          for (size_t i = 0; i < span; ++i) ds[i] += g * xs[i];
          if (dwindow != nullptr) {
            const float* ws = w_row + kh * span;
            float* dd = dwindow + kh * l.hp * l.c;
            for (size_t i = 0; i < span; ++i) dd[i] += g * ws[i];
          }
        }
      }
    }
  }
}

#if COCOGEN_X86_DISPATCH
COCOGEN_TARGET_AVX512 void SparseBackwardAvx512(const CnnNetwork& net, const Layer& l, const float* in,
                                                const int32_t* idx, const float* dpool, size_t dpool_row,
                                                const float* wt, float* dwt, double* db, float* dx) {
  SparseBackward<true>(net, l, in, idx, dpool, dpool_row, wt, dwt, db, dx);
}
#endif

void LayerBackward(const CnnNetwork& net, const Layer& l, const float* in, const int32_t* idx, const float* dpool,
                   size_t dpool_row, const float* wt, float* dwt, double* db, float* dx) {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() == Isa::kAvx512) return SparseBackwardAvx512(net, l, in, idx, dpool, dpool_row, wt, dwt, db, dx);
#endif
  SparseBackward<false>(net, l, in, idx, dpool, dpool_row, wt, dwt, db, dx);
}

// Runs body(begin, end) over [0, n) on the pool (contiguous chunks), or on this thread.
void ForRange(ThreadPool* pool, size_t n, const ThreadPool::RangeFn& body) {
  if (pool != nullptr && pool->threads() > 1 && n > 1) {
    pool->ParallelFor(n, 1, body);
  } else {
    body(0, n);
  }
}

// The forward of a batch of up to `capacity` samples, its buffers allocated once. in[l]: every sample's padded input
// of layer l (HWC, borders zero); idx[l]: every sample's pooled argmax (the conv position, −1 where the pooled value
// is not > 0); out: each sample's conv output (scratch); feat: the last pooled maps in NCHW order, one row each.
struct Forward {
  const CnnNetwork& net;
  std::vector<Layer> layers;
  size_t features = 0;
  size_t out_floats = 0;
  std::vector<std::vector<float>> in;
  std::vector<std::vector<int32_t>> idx;
  std::vector<float> out;
  std::vector<float> feat;
  std::vector<std::vector<float>> wk;  // W reordered taps × o, the implicit GEMM's
  size_t kk = 0;

  Forward(const CnnNetwork& network, size_t capacity) : net(network), layers(Layers(network)) {
    const Layer& last = layers.back();
    features = last.o * last.q * last.q;
    kk = net.kernel * net.kernel;
    in.resize(layers.size());
    idx.resize(layers.size());
    wk.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l) {
      const Layer& y = layers[l];
      in[l].assign(capacity * y.hp * y.hp * y.c, 0.0f);
      idx[l].resize(capacity * y.q * y.q * y.o);
      out_floats = std::max(out_floats, y.s * y.s * y.o);
      wk[l].resize(y.taps * y.o);
    }
    out.resize(capacity * out_floats);
    feat.resize(capacity * features);
  }

  void PrepareWeights(const float* params) {
    for (size_t l = 0; l < layers.size(); ++l) {
      const Layer& y = layers[l];
      const float* w = params + y.w_at;
      for (size_t oc = 0; oc < y.o; ++oc)
        for (size_t ci = 0; ci < y.c; ++ci)
          for (size_t t = 0; t < kk; ++t) wk[l][(t * y.c + ci) * y.o + oc] = w[(oc * y.c + ci) * kk + t];
    }
  }

  // Sample n of the batch: the image through every conv, ReLU and pool, into feat's row n.
  void Sample(size_t n, const float* image, const float* params) {
    const Layer& first = layers[0];
    float* in0 = in[0].data() + n * first.hp * first.hp;
    for (size_t r = 0; r < net.side; ++r)
      std::memcpy(in0 + (r + net.padding) * first.hp + net.padding, image + r * net.side, net.side * sizeof(float));
    float* o = out.data() + n * out_floats;
    for (size_t l = 0; l < layers.size(); ++l) {
      const Layer& y = layers[l];
      ConvForward(y, in[l].data() + n * y.hp * y.hp * y.c, wk[l].data(), params + y.b_at, o);
      int32_t* ix = idx[l].data() + n * y.q * y.q * y.o;
      const bool top = l + 1 == layers.size();
      float* next = top ? nullptr : in[l + 1].data() + n * layers[l + 1].hp * layers[l + 1].hp * y.o;
      const size_t next_hp = top ? 0 : layers[l + 1].hp;
      for (size_t ph = 0; ph < y.q; ++ph) {
        for (size_t pw = 0; pw < y.q; ++pw) {
          for (size_t oc = 0; oc < y.o; ++oc) {
            // The first maximum in row-major window order wins (ReLU outputs: no NaN).
            size_t at = ph * net.pool * y.s + pw * net.pool;
            float best = o[at * y.o + oc];
            for (size_t kh = 0; kh < net.pool; ++kh) {
              for (size_t kw = 0; kw < net.pool; ++kw) {
                const size_t p = (ph * net.pool + kh) * y.s + pw * net.pool + kw;
                const float v = o[p * y.o + oc];
                if (v > best) {
                  best = v;
                  at = p;
                }
              }
            }
            ix[(ph * y.q + pw) * y.o + oc] = best > 0.0f ? static_cast<int32_t>(at) : -1;
            if (top) {
              feat[n * features + (oc * y.q + ph) * y.q + pw] = best;
            } else {
              next[((ph + net.padding) * next_hp + pw + net.padding) * y.o + oc] = best;
            }
          }
        }
      }
    }
  }
};

}  // namespace

bool ValidCnnNetwork(const CnnNetwork& net) {
  if (net.side == 0 || net.channels.empty() || net.kernel == 0 || net.pool == 0 || net.classes == 0) return false;
  if (net.padding >= net.kernel) return false;
  size_t h = net.side;
  for (size_t o : net.channels) {
    if (o == 0 || h + 2 * net.padding < net.kernel) return false;
    const size_t s = h + 2 * net.padding - net.kernel + 1;
    if (s < net.pool) return false;
    h = s / net.pool;
  }
  return true;
}

size_t CnnParameterCount(const CnnNetwork& net) {
  const std::vector<Layer> layers = Layers(net);
  const Layer& last = layers.back();
  return last.b_at + last.o + last.o * last.q * last.q * net.classes + net.classes;
}

void CnnTrainSteps(ThreadPool* pool, const CnnTrainArgs& a) {
  const CnnNetwork& net = a.net;
  const size_t bs = a.batch_size;
  Forward f(net, bs);
  const std::vector<Layer>& layers = f.layers;
  const size_t depth = layers.size();
  const size_t count = CnnParameterCount(net);
  const size_t side2 = net.side * net.side;
  const Layer& last = layers.back();
  const size_t features = f.features;
  const size_t w3_at = last.b_at + last.o;
  const size_t b3_at = w3_at + features * net.classes;
  const size_t blocks_max = (bs + kCnnGradientBlock - 1) / kCnnGradientBlock;
  size_t dx_floats = 0;
  for (const Layer& y : layers) dx_floats = std::max(dx_floats, y.hp * y.hp * y.c);
  std::vector<float> logits(bs * net.classes), dlogits(bs * net.classes), dfeat(bs * features);
  std::vector<int32_t> yb(bs);
  // Per block: two padded input gradients (one read, one written, layer after layer), the last pooled gradient in
  // HWC, and each layer's partial dw and db.
  std::vector<float> dx(blocks_max * 2 * dx_floats);
  std::vector<float> dlast(blocks_max * features);
  std::vector<std::vector<float>> dwt(depth);
  std::vector<std::vector<double>> db(depth);
  // wt[l]: W as o × taps in (kh, kw, ci) order (the backward's).
  std::vector<std::vector<float>> wt(depth);
  for (size_t l = 0; l < depth; ++l) {
    dwt[l].resize(blocks_max * layers[l].o * layers[l].taps);
    db[l].resize(blocks_max * layers[l].o);
    wt[l].resize(layers[l].taps * layers[l].o);
  }
  std::vector<float> grad(count);
  const size_t kk = f.kk;

  size_t step = 0;
  for (size_t epoch_start = 0; epoch_start < a.rows; epoch_start += a.epoch_rows) {
    const size_t epoch_end = std::min(a.rows, epoch_start + a.epoch_rows);
    for (size_t start = epoch_start; start < epoch_end; start += bs, ++step) {
      const size_t b = std::min(bs, epoch_end - start);
      f.PrepareWeights(a.params);
      for (size_t l = 0; l < depth; ++l) {
        const Layer& y = layers[l];
        const float* w = a.params + y.w_at;
        for (size_t oc = 0; oc < y.o; ++oc)
          for (size_t t = 0; t < kk; ++t)
            for (size_t ci = 0; ci < y.c; ++ci) wt[l][oc * y.taps + t * y.c + ci] = w[(oc * y.c + ci) * kk + t];
      }
      for (size_t j = 0; j < b; ++j) yb[j] = a.labels[a.order[start + j]];

      // Forward, samples in parallel.
      ForRange(pool, b, [&](size_t begin, size_t end) {
        for (size_t n = begin; n < end; ++n)
          f.Sample(n, a.x + static_cast<size_t>(a.order[start + n]) * side2, a.params);
      });

      // The dense layer and the loss (a few µs: one thread).
      const float* w3 = a.params + w3_at;
      DenseForward(nullptr, f.feat.data(), w3, a.params + b3_at, b, features, net.classes, false, logits.data());
      a.losses[step] = SoftmaxCrossEntropy(logits.data(), yb.data(), b, net.classes, dlogits.data());
      DenseBackward(nullptr, f.feat.data(), w3, dlogits.data(), b, features, net.classes, grad.data() + w3_at,
                    grad.data() + b3_at, dfeat.data(), false);

      // Backward, fixed blocks of samples in parallel; each block's partial sums run in sample order.
      const size_t blocks = (b + kCnnGradientBlock - 1) / kCnnGradientBlock;
      ForRange(pool, blocks, [&](size_t begin, size_t end) {
        for (size_t blk = begin; blk < end; ++blk) {
          for (size_t l = 0; l < depth; ++l) {
            std::fill_n(dwt[l].data() + blk * layers[l].o * layers[l].taps, layers[l].o * layers[l].taps, 0.0f);
            std::fill_n(db[l].data() + blk * layers[l].o, layers[l].o, 0.0);
          }
          float* dxb[2] = {dx.data() + blk * 2 * dx_floats, dx.data() + (blk * 2 + 1) * dx_floats};
          float* dl = dlast.data() + blk * features;
          for (size_t n = blk * kCnnGradientBlock; n < std::min(b, (blk + 1) * kCnnGradientBlock); ++n) {
            const float* df = dfeat.data() + n * features;
            for (size_t oc = 0; oc < last.o; ++oc)
              for (size_t hw = 0; hw < last.q * last.q; ++hw) dl[hw * last.o + oc] = df[oc * last.q * last.q + hw];
            const float* dpool = dl;
            size_t dpool_row = last.q * last.o;
            for (size_t l = depth; l-- > 0;) {
              const Layer& y = layers[l];
              float* dxl = l > 0 ? dxb[l % 2] : nullptr;
              if (dxl != nullptr) std::fill_n(dxl, y.hp * y.hp * y.c, 0.0f);
              LayerBackward(net, y, f.in[l].data() + n * y.hp * y.hp * y.c, f.idx[l].data() + n * y.q * y.q * y.o,
                            dpool, dpool_row, wt[l].data(), dwt[l].data() + blk * y.o * y.taps,
                            db[l].data() + blk * y.o, dxl);
              // The gradient of the previous layer's pooled map: the interior of the padded input's gradient.
              dpool = dxb[l % 2] + (net.padding * y.hp + net.padding) * y.c;
              dpool_row = y.hp * y.c;
            }
          }
        }
      });
      for (size_t l = 0; l < depth; ++l) {
        const Layer& y = layers[l];
        float* gw = grad.data() + y.w_at;
        for (size_t oc = 0; oc < y.o; ++oc) {
          for (size_t ci = 0; ci < y.c; ++ci) {
            for (size_t t = 0; t < kk; ++t) {
              double sum = 0.0;
              for (size_t blk = 0; blk < blocks; ++blk) sum += dwt[l][(blk * y.o + oc) * y.taps + t * y.c + ci];
              gw[(oc * y.c + ci) * kk + t] = static_cast<float>(sum);
            }
          }
          double sum = 0.0;
          for (size_t blk = 0; blk < blocks; ++blk) sum += db[l][blk * y.o + oc];
          grad[y.b_at + oc] = static_cast<float>(sum);
        }
      }
      SgdMomentum(nullptr, a.params, grad.data(), a.velocity, count, a.lr, a.mu, a.wd);
    }
  }
}

void CnnLogits(ThreadPool* pool, const CnnNetwork& net, const float* params, const float* x, size_t samples,
               float* logits) {
  constexpr size_t kChunk = 256;  // samples per forward: the buffers stay a few MB whatever the set's size
  Forward f(net, std::min(samples, kChunk));
  f.PrepareWeights(params);
  const Layer& last = f.layers.back();
  const size_t w3_at = last.b_at + last.o;
  const size_t b3_at = w3_at + f.features * net.classes;
  const size_t side2 = net.side * net.side;
  for (size_t start = 0; start < samples; start += kChunk) {
    const size_t b = std::min(kChunk, samples - start);
    ForRange(pool, b, [&](size_t begin, size_t end) {
      for (size_t n = begin; n < end; ++n) {
        f.Sample(n, x + (start + n) * side2, params);
        // The dense layer per sample, in input order (not a batch SGEMM, whose order may follow the batch's
        // shape): each image's logits are its own, however the set is cut.
        float* z = logits + (start + n) * net.classes;
        std::fill_n(z, net.classes, 0.0f);
        const float* h = f.feat.data() + n * f.features;
        for (size_t i = 0; i < f.features; ++i) {
          const float* w = params + w3_at + i * net.classes;
          for (size_t j = 0; j < net.classes; ++j) z[j] += h[i] * w[j];
        }
        for (size_t j = 0; j < net.classes; ++j) z[j] += params[b3_at + j];
      }
    });
  }
}

}  // namespace cocogen
