// Dynamic scheduling for the payoff kernels: blocks of indices handed out from a shared counter.
//
// ThreadPool::ParallelFor gives every thread one fixed contiguous chunk, so a loop lasts as long as its slowest
// thread; on a machine shared with other work a thread that loses its core for a few milliseconds delays the whole
// call. Here each thread takes the next block when it finishes one, and the others absorb the delay. Which thread
// computes a block never changes a value (each index is computed by the same expression whatever the split).
#ifndef COCOGEN_NATIVE_KERNELS_PAYOFF_BLOCKS_H_
#define COCOGEN_NATIVE_KERNELS_PAYOFF_BLOCKS_H_

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "kernels/thread_pool.h"

namespace cocogen {

// Runs body(begin, end) over [0, n) in blocks of `block` indices (block boundaries on multiples of `block`), on every
// thread of the pool, and returns when all blocks are done.
template <typename Body>
void ParallelBlocks(ThreadPool& pool, size_t n, size_t block, const Body& body) {
  if (n == 0) return;
  const size_t threads = std::min(pool.threads(), (n + block - 1) / block);
  if (threads <= 1) {
    for (size_t begin = 0; begin < n; begin += block) body(begin, std::min(n, begin + block));
    return;
  }
  std::atomic<size_t> next{0};
  pool.ParallelFor(threads, 1, [&](size_t, size_t) {
    for (size_t begin = next.fetch_add(block, std::memory_order_relaxed); begin < n;
         begin = next.fetch_add(block, std::memory_order_relaxed)) {
      body(begin, std::min(n, begin + block));
    }
  });
}

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_PAYOFF_BLOCKS_H_
