#include "kernels/aligned_buffer.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>

#ifdef _WIN32
#include <malloc.h>
#endif

namespace cocogen {
namespace {

std::atomic<size_t> allocated_bytes{0};

// Live allocations by address, so that typed arrays handed to async work can be traced back to their allocation.
// Shared by every environment of the process, hence the mutex.
struct Registry {
  std::mutex mutex;
  std::unordered_map<const void*, std::weak_ptr<AlignedAllocation>> by_address;
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();  // never destroyed: finalizers may run during process teardown
  return *registry;
}

void* AllocateAligned(size_t bytes) {
#ifdef _WIN32
  return _aligned_malloc(bytes, kAlignment);
#else
  return std::aligned_alloc(kAlignment, bytes);  // bytes is a multiple of kAlignment, as aligned_alloc requires
#endif
}

void FreeAligned(void* data) {
#ifdef _WIN32
  _aligned_free(data);
#else
  std::free(data);
#endif
}

}  // namespace

AlignedAllocation::AlignedAllocation(size_t bytes) : data_(nullptr), bytes_(bytes) {
  // Round up to whole cache lines (at least one, so that even an empty buffer has a unique address).
  const size_t rounded = bytes == 0 ? kAlignment : (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded < bytes) throw std::bad_alloc();
  data_ = AllocateAligned(rounded);
  if (data_ == nullptr) throw std::bad_alloc();
  std::memset(data_, 0, rounded);
  allocated_bytes += bytes_;
}

AlignedAllocation::~AlignedAllocation() {
  {
    Registry& registry = GetRegistry();
    std::lock_guard<std::mutex> lock(registry.mutex);
    auto it = registry.by_address.find(data_);
    if (it != registry.by_address.end() && it->second.expired()) registry.by_address.erase(it);
  }
  FreeAligned(data_);
  allocated_bytes -= bytes_;
}

void TrackAllocation(const std::shared_ptr<AlignedAllocation>& allocation) {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.by_address[allocation->data()] = allocation;
}

std::shared_ptr<AlignedAllocation> PinAllocation(const void* arraybuffer_data) {
  if (arraybuffer_data == nullptr) return nullptr;
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto it = registry.by_address.find(arraybuffer_data);
  return it == registry.by_address.end() ? nullptr : it->second.lock();
}

size_t AllocatedBytes() { return allocated_bytes.load(); }

}  // namespace cocogen
