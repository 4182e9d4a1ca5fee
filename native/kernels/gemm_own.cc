#include "kernels/gemm_own.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>

#include "kernels/cpu_features.h"

#if COCOGEN_X86_DISPATCH
#include <immintrin.h>
#endif

namespace cocogen {
namespace {

// Micro-tile: 6 rows × 16 columns of C, 12 AVX2 accumulators plus 2 for B and 1 broadcast (of 16 registers).
constexpr size_t kMr = 6;
constexpr size_t kNr = 16;
// Largest k block: an NR-column micro-panel of B is KC·NR·4 = 16 KiB (L1); the k extent is split evenly.
constexpr size_t kKcMax = 256;
// Rows of A per L2 block: MC·KC·4 = 120 KiB, within the 512 KiB L2 of the 2-core EPYC this is tuned on.
constexpr size_t kMcPanels = 20;
// Below this many multiply-adds (~15 µs of one core) the work runs on the calling thread: waking the pool and
// handing out tasks costs more than it saves (32×784×64 measured no faster on two threads than on one).
constexpr size_t kParallelMinMacs = size_t{1} << 20;
// Tasks per thread of the pool in each parallel phase (see Sgemm).
constexpr size_t kTasksPerThread = 4;

// Grow-only, 64-byte aligned scratch owned by one calling thread (packing buffers are reused between calls).
class Scratch {
 public:
  ~Scratch() { Release(); }
  float* Get(size_t floats) {
    if (floats > capacity_) {
      Release();
      data_ = new (std::align_val_t{64}) float[floats];
      capacity_ = floats;
    }
    return data_;
  }

 private:
  void Release() {
    if (data_ != nullptr) ::operator delete[](data_, std::align_val_t{64});
    data_ = nullptr;
    capacity_ = 0;
  }
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

struct Plan {
  size_t m_panels;
  size_t n_panels;
  size_t m_pad;  // m_panels·MR
  size_t n_pad;  // n_panels·NR
  size_t kc;     // k block (the last one may be shorter)
  size_t k_blocks;
};

inline float ElementA(const SgemmArgs& g, size_t i, size_t p) {
  return g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p];
}

// Packs rows [ir·MR, ir·MR + MR) of op(A), every k block: block at p0 holds, at p0·m_pad + ir·MR·kb, kb rows of MR.
void PackAPanel(const SgemmArgs& g, const Plan& plan, size_t ir, float* packed) {
  const size_t i0 = ir * kMr;
  const size_t rows = std::min(kMr, g.m - i0);
  for (size_t p0 = 0; p0 < g.k; p0 += plan.kc) {
    const size_t kb = std::min(plan.kc, g.k - p0);
    float* dst = packed + p0 * plan.m_pad + ir * kMr * kb;
    if (!g.trans_a) {
      for (size_t r = 0; r < rows; ++r) {
        const float* src = g.a + (i0 + r) * g.lda + p0;
        for (size_t p = 0; p < kb; ++p) dst[p * kMr + r] = src[p];
      }
    } else {
      for (size_t p = 0; p < kb; ++p) {
        const float* src = g.a + (p0 + p) * g.lda + i0;
        for (size_t r = 0; r < rows; ++r) dst[p * kMr + r] = src[r];
      }
    }
    for (size_t r = rows; r < kMr; ++r) {
      for (size_t p = 0; p < kb; ++p) dst[p * kMr + r] = 0.0f;
    }
  }
}

// Packs columns [jr·NR, jr·NR + NR) of op(B), every k block: block at p0 holds, at p0·n_pad + jr·NR·kb, kb rows of NR.
void PackBPanel(const SgemmArgs& g, const Plan& plan, size_t jr, float* packed) {
  const size_t j0 = jr * kNr;
  const size_t cols = std::min(kNr, g.n - j0);
  for (size_t p0 = 0; p0 < g.k; p0 += plan.kc) {
    const size_t kb = std::min(plan.kc, g.k - p0);
    float* dst = packed + p0 * plan.n_pad + jr * kNr * kb;
    for (size_t p = 0; p < kb; ++p) {
      float* row = dst + p * kNr;
      if (!g.trans_b) {
        std::memcpy(row, g.b + (p0 + p) * g.ldb + j0, cols * sizeof(float));
      } else {
        for (size_t c = 0; c < cols; ++c) row[c] = g.b[(j0 + c) * g.ldb + p0 + p];
      }
      for (size_t c = cols; c < kNr; ++c) row[c] = 0.0f;
    }
  }
}

// C (MR×NR at c, stride ldc) ← α·Σ_p ap[p]ᵀ·bp[p] + β·C, β = 0 reading nothing.
using MicroKernel = void (*)(size_t kb, const float* ap, const float* bp, float* c, size_t ldc, float alpha,
                             float beta);

void MicroScalar(size_t kb, const float* ap, const float* bp, float* c, size_t ldc, float alpha, float beta) {
  float acc[kMr * kNr] = {};
  for (size_t p = 0; p < kb; ++p) {
    for (size_t r = 0; r < kMr; ++r) {
      const float a = ap[p * kMr + r];
      for (size_t j = 0; j < kNr; ++j) acc[r * kNr + j] += a * bp[p * kNr + j];
    }
  }
  for (size_t r = 0; r < kMr; ++r) {
    for (size_t j = 0; j < kNr; ++j) {
      const float v = alpha * acc[r * kNr + j];
      c[r * ldc + j] = beta == 0.0f ? v : v + beta * c[r * ldc + j];
    }
  }
}

#if COCOGEN_X86_DISPATCH

COCOGEN_TARGET_AVX2 void MicroAvx2(size_t kb, const float* ap, const float* bp, float* c, size_t ldc, float alpha,
                                   float beta) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (size_t p = 0; p < kb; ++p) {
    const __m256 b0 = _mm256_load_ps(bp);
    const __m256 b1 = _mm256_load_ps(bp + 8);
    __m256 a = _mm256_broadcast_ss(ap);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    ap += kMr;
    bp += kNr;
  }
  const __m256 va = _mm256_set1_ps(alpha);
  const __m256 acc[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (beta == 0.0f) {
    for (size_t r = 0; r < kMr; ++r) {
      _mm256_storeu_ps(c + r * ldc, _mm256_mul_ps(va, acc[r][0]));
      _mm256_storeu_ps(c + r * ldc + 8, _mm256_mul_ps(va, acc[r][1]));
    }
  } else {
    const __m256 vb = _mm256_set1_ps(beta);
    for (size_t r = 0; r < kMr; ++r) {
      float* row = c + r * ldc;
      _mm256_storeu_ps(row, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), _mm256_mul_ps(va, acc[r][0])));
      _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), _mm256_mul_ps(va, acc[r][1])));
    }
  }
}

#endif  // COCOGEN_X86_DISPATCH

MicroKernel SelectKernel() {
#if COCOGEN_X86_DISPATCH
  if (ActiveIsa() != Isa::kScalar) return MicroAvx2;
#endif
  return MicroScalar;
}

// One MR×NR tile of C for the k block starting at p0 (first: the block that applies β).
void Tile(const SgemmArgs& g, const Plan& plan, MicroKernel kernel, const float* apack, const float* bpack, size_t ir,
          size_t jr, size_t p0, size_t kb) {
  const float* ap = apack + p0 * plan.m_pad + ir * kMr * kb;
  const float* bp = bpack + p0 * plan.n_pad + jr * kNr * kb;
  const size_t i0 = ir * kMr;
  const size_t j0 = jr * kNr;
  const size_t rows = std::min(kMr, g.m - i0);
  const size_t cols = std::min(kNr, g.n - j0);
  const float beta = p0 == 0 ? g.beta : 1.0f;
  float* c = g.c + i0 * g.ldc + j0;
  if (rows == kMr && cols == kNr) {
    kernel(kb, ap, bp, c, g.ldc, g.alpha, beta);
    return;
  }
  alignas(64) float tile[kMr * kNr];
  kernel(kb, ap, bp, tile, kNr, g.alpha, 0.0f);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < cols; ++j) {
      float& out = c[r * g.ldc + j];
      out = beta == 0.0f ? tile[r * kNr + j] : tile[r * kNr + j] + beta * out;
    }
  }
}

}  // namespace

const char* OwnMicroKernelName() { return SelectKernel() == MicroScalar ? "scalar" : "avx2"; }

void SgemmOwn(ThreadPool* pool, const SgemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    for (size_t i = 0; i < g.m; ++i) {
      float* row = g.c + i * g.ldc;
      for (size_t j = 0; j < g.n; ++j) row[j] = g.beta == 0.0f ? 0.0f : g.beta * row[j];
    }
    return;
  }
  static const MicroKernel kernel = SelectKernel();
  Plan plan{};
  plan.m_panels = (g.m + kMr - 1) / kMr;
  plan.n_panels = (g.n + kNr - 1) / kNr;
  plan.m_pad = plan.m_panels * kMr;
  plan.n_pad = plan.n_panels * kNr;
  plan.k_blocks = (g.k + kKcMax - 1) / kKcMax;
  plan.kc = (g.k + plan.k_blocks - 1) / plan.k_blocks;

  thread_local Scratch a_scratch;
  thread_local Scratch b_scratch;
  float* apack = a_scratch.Get(plan.m_pad * g.k);
  float* bpack = b_scratch.Get(plan.n_pad * g.k);

  const bool parallel = pool != nullptr && pool->threads() > 1 && g.m * g.n * g.k >= kParallelMinMacs;
  // Work is handed out in small tasks from a shared counter, not one fixed chunk per thread: on a loaded machine a
  // thread that loses its core then takes fewer tasks instead of holding up the call. Which thread runs a task does
  // not change any result.
  auto run = [&](size_t count, const ThreadPool::RangeFn& body) {
    if (!parallel) {
      body(0, count);
      return;
    }
    const size_t participants = pool->threads();
    const size_t grain = std::max<size_t>(1, count / (participants * kTasksPerThread));
    const size_t tasks = (count + grain - 1) / grain;
    std::atomic<size_t> next{0};
    pool->ParallelFor(participants, 1, [&](size_t, size_t) {
      for (size_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) {
        body(t * grain, std::min(count, (t + 1) * grain));
      }
    });
  };

  run(plan.m_panels + plan.n_panels, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (i < plan.m_panels) {
        PackAPanel(g, plan, i, apack);
      } else {
        PackBPanel(g, plan, i - plan.m_panels, bpack);
      }
    }
  });

  // Split whichever dimension has more panels; a thread then owns whole tiles of C.
  const bool split_rows = plan.m_panels >= plan.n_panels;
  run(split_rows ? plan.m_panels : plan.n_panels, [&](size_t begin, size_t end) {
    const size_t ir_begin = split_rows ? begin : 0;
    const size_t ir_end = split_rows ? end : plan.m_panels;
    const size_t jr_begin = split_rows ? 0 : begin;
    const size_t jr_end = split_rows ? plan.n_panels : end;
    for (size_t p0 = 0; p0 < g.k; p0 += plan.kc) {
      const size_t kb = std::min(plan.kc, g.k - p0);
      for (size_t ic = ir_begin; ic < ir_end; ic += kMcPanels) {
        const size_t ic_end = std::min(ir_end, ic + kMcPanels);
        for (size_t jr = jr_begin; jr < jr_end; ++jr) {
          for (size_t ir = ic; ir < ic_end; ++ir) Tile(g, plan, kernel, apack, bpack, ir, jr, p0, kb);
        }
      }
    }
  });
}

}  // namespace cocogen
