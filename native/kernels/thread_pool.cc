#include "kernels/thread_pool.h"

#include <algorithm>

namespace cocogen {
namespace {

// [begin, end) of chunk `part` out of `parts` over [0, n), boundaries rounded to multiples of `align`.
void ChunkBounds(size_t n, size_t align, size_t parts, size_t part, size_t* begin, size_t* end) {
  const size_t units = (n + align - 1) / align;
  const size_t per_part = units / parts;
  const size_t extra = units % parts;
  const size_t first = part * per_part + std::min(part, extra);
  const size_t count = per_part + (part < extra ? 1 : 0);
  *begin = std::min(n, first * align);
  *end = std::min(n, (first + count) * align);
}

struct PoolSlot {
  std::mutex mutex;
  std::shared_ptr<ThreadPool> pool;
};

// Never destroyed: at process exit a libuv worker may still be inside a loop, and joining threads from a static
// destructor then would be undefined behaviour.
PoolSlot& Slot() {
  static PoolSlot* slot = new PoolSlot();
  return *slot;
}

size_t DefaultThreads() { return std::max<size_t>(1, std::thread::hardware_concurrency()); }

}  // namespace

ThreadPool::ThreadPool(size_t threads) {
  const size_t count = std::max<size_t>(1, threads);
  workers_.reserve(count - 1);
  for (size_t i = 1; i < count; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::ParallelFor(size_t n, size_t align, const RangeFn& body) {
  if (n == 0) return;
  std::lock_guard<std::mutex> loop_lock(loop_mutex_);
  if (workers_.empty()) {
    body(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    n_ = n;
    align_ = std::max<size_t>(1, align);
    pending_ = workers_.size();
    error_ = nullptr;
    ++generation_;
  }
  start_cv_.notify_all();
  RunChunk(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, [this] { return pending_ == 0; });
  body_ = nullptr;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ThreadPool::RunChunk(size_t participant) {
  size_t begin = 0;
  size_t end = 0;
  ChunkBounds(n_, align_, threads(), participant, &begin, &end);
  if (begin >= end) return;
  try {
    (*body_)(begin, end);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
}

void ThreadPool::WorkerLoop(size_t participant) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    // body_, n_ and align_ stay unchanged until every participant has checked in below.
    RunChunk(participant);
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --pending_ == 0;
    }
    if (last) done_cv_.notify_one();
  }
}

std::shared_ptr<ThreadPool> SharedPool() {
  PoolSlot& slot = Slot();
  std::lock_guard<std::mutex> lock(slot.mutex);
  if (!slot.pool) slot.pool = std::make_shared<ThreadPool>(DefaultThreads());
  return slot.pool;
}

void ResizeSharedPool(size_t threads) {
  auto fresh = std::make_shared<ThreadPool>(threads);
  std::shared_ptr<ThreadPool> old;
  {
    PoolSlot& slot = Slot();
    std::lock_guard<std::mutex> lock(slot.mutex);
    old = std::exchange(slot.pool, std::move(fresh));
  }
  // `old` is joined here unless a loop still holds it, in which case its last holder joins it.
}

size_t SharedPoolThreads() { return SharedPool()->threads(); }

}  // namespace cocogen
