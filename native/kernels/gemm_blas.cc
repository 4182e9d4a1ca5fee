#include "kernels/gemm_blas.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <mutex>

#include "kernels/gemm_own.h"

#if COCOGEN_HAVE_OPENBLAS
// OpenBLAS's C entry points, declared here rather than through cblas.h, whose location differs between
// distributions (Debian keeps one per threading variant). The enum arguments of cblas_sgemm are ints in the ABI.
extern "C" {
void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
void openblas_set_num_threads(int threads);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

namespace cocogen {
namespace {

#if COCOGEN_HAVE_OPENBLAS
constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;
// Below this many multiply-adds one OpenBLAS call on the calling thread beats splitting C over the pool.
constexpr size_t kParallelMinMacs = size_t{1} << 21;
// Blocks of C are whole multiples of this many rows or columns (OpenBLAS's register tiles are at most 16 wide).
constexpr size_t kBlockAlign = 16;

void Call(const SgemmArgs& g) {
  cblas_sgemm(kRowMajor, g.trans_a ? kTrans : kNoTrans, g.trans_b ? kTrans : kNoTrans, static_cast<int>(g.m),
              static_cast<int>(g.n), static_cast<int>(g.k), g.alpha, g.a, static_cast<int>(g.lda), g.b,
              static_cast<int>(g.ldb), g.beta, g.c, static_cast<int>(g.ldc));
}

void SingleThreaded() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}
#endif

bool Fits(size_t v) { return v <= static_cast<size_t>(INT_MAX); }

}  // namespace

bool BlasLinked() { return COCOGEN_HAVE_OPENBLAS != 0; }

std::string BlasConfig() {
#if COCOGEN_HAVE_OPENBLAS
  const char* config = openblas_get_config();
  return config != nullptr ? config : "OpenBLAS";
#else
  return "";
#endif
}

std::string BlasCoreName() {
#if COCOGEN_HAVE_OPENBLAS
  const char* core = openblas_get_corename();
  return core != nullptr ? core : "";
#else
  return "";
#endif
}

bool BlasAccepts(const SgemmArgs& g) {
  return BlasLinked() && Fits(g.m) && Fits(g.n) && Fits(g.k) && Fits(g.lda) && Fits(g.ldb) && Fits(g.ldc);
}

#if COCOGEN_HAVE_OPENBLAS
void SgemmBlas(ThreadPool* pool, const SgemmArgs& g) {
  SingleThreaded();
  const bool parallel = pool != nullptr && pool->threads() > 1 && g.m * g.n * g.k >= kParallelMinMacs;
  if (!parallel) {
    Call(g);
    return;
  }
  // Split the longer side of C into one block per thread: each block is one OpenBLAS call that packs its own share
  // of the other operand again, so fewer, larger blocks waste less than the own kernel's small tasks would.
  const bool split_rows = g.m >= g.n;
  const size_t extent = split_rows ? g.m : g.n;
  const size_t units = (extent + kBlockAlign - 1) / kBlockAlign;
  const size_t blocks = std::min(units, pool->threads());
  pool->ParallelFor(blocks, 1, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      const size_t lo = std::min(extent, units * t / blocks * kBlockAlign);
      const size_t hi = std::min(extent, units * (t + 1) / blocks * kBlockAlign);
      if (lo >= hi) continue;
      SgemmArgs part = g;
      if (split_rows) {
        part.m = hi - lo;
        part.a = g.trans_a ? g.a + lo : g.a + lo * g.lda;
        part.c = g.c + lo * g.ldc;
      } else {
        part.n = hi - lo;
        part.b = g.trans_b ? g.b + lo * g.ldb : g.b + lo;
        part.c = g.c + lo;
      }
      Call(part);
    }
  });
}
#else
// Never reached (BlasAccepts is false without a BLAS); the own kernel keeps the contract if it were.
void SgemmBlas(ThreadPool* pool, const SgemmArgs& args) { SgemmOwn(pool, args); }
#endif

}  // namespace cocogen
