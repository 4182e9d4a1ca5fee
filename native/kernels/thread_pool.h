// A fixed pool of threads for data-parallel loops over index ranges.
//
// The calling thread takes part: a pool of N threads owns N - 1 background threads, and ParallelFor splits the range
// into N contiguous chunks, one per thread, which is the right split for the memory-bound kernels here (each thread
// streams one contiguous slice). Calls come from libuv worker threads, and from the synchronous widenToFloat32 export
// on the JS thread (which then waits for a loop already in flight to finish).
#ifndef COCOGEN_NATIVE_KERNELS_THREAD_POOL_H_
#define COCOGEN_NATIVE_KERNELS_THREAD_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cocogen {

class ThreadPool {
 public:
  // Body of a loop: processes the indices [begin, end).
  using RangeFn = std::function<void(size_t begin, size_t end)>;

  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads taking part in a loop, the caller included.
  size_t threads() const { return workers_.size() + 1; }

  // Runs body over [0, n) split into threads() contiguous chunks whose boundaries are multiples of `align` indices
  // (so that chunks of a float array never share a cache line), and returns when every chunk is done. Concurrent
  // calls run one after the other. An exception thrown by the body is rethrown here after all chunks finished.
  void ParallelFor(size_t n, size_t align, const RangeFn& body);

 private:
  void WorkerLoop(size_t participant);
  void RunChunk(size_t participant);

  std::mutex loop_mutex_;  // one ParallelFor at a time
  std::mutex mutex_;       // guards everything below
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  const RangeFn* body_ = nullptr;
  size_t n_ = 0;
  size_t align_ = 1;
  uint64_t generation_ = 0;
  size_t pending_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

// The process-wide pool the kernels use (created on first use with one thread per hardware thread). A loop holds its
// pool through the shared pointer, so a resize while work is in flight never pulls the pool from under it.
std::shared_ptr<ThreadPool> SharedPool();

// Replaces the process-wide pool with one of `threads` threads (>= 1); loops already running finish on the old one.
void ResizeSharedPool(size_t threads);

// Threads of the process-wide pool.
size_t SharedPoolThreads();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_THREAD_POOL_H_
