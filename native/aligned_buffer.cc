#include "aligned_buffer.h"

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

AlignedAllocation::AlignedAllocation(Napi::Env env, size_t bytes) : env_(env), data_(nullptr), bytes_(bytes) {
  // Round up to whole cache lines (at least one, so that even an empty buffer has a unique address).
  const size_t rounded = bytes == 0 ? kAlignment : (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded < bytes) throw std::bad_alloc();
  data_ = AllocateAligned(rounded);
  if (data_ == nullptr) throw std::bad_alloc();
  std::memset(data_, 0, rounded);
  allocated_bytes += bytes_;
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes_));
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
  // Every share of an allocation is dropped on its environment's JS thread (finalizers, freeBuffer, the end of async
  // work), where the env may be used.
  Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env_), -static_cast<int64_t>(bytes_));
}

std::shared_ptr<AlignedBuffer> AlignedBuffer::Allocate(Napi::Env env, size_t bytes) {
  auto memory = std::make_shared<AlignedAllocation>(env, bytes);
  {
    Registry& registry = GetRegistry();
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.by_address[memory->data()] = memory;
  }
  return std::shared_ptr<AlignedBuffer>(new AlignedBuffer(std::move(memory)));
}

AlignedBuffer::AlignedBuffer(std::shared_ptr<AlignedAllocation> memory)
    : memory_(std::move(memory)), bytes_(memory_->bytes()) {}

AlignedBuffer::~AlignedBuffer() = default;

Napi::Float32Array AlignedBuffer::View(Napi::Env env) {
  Napi::ArrayBuffer buffer;
  if (!view_.IsEmpty()) buffer = view_.Value();
  if (!buffer.IsEmpty() && buffer.IsDetached()) {
    // Detached by someone else (Node refuses to transfer external buffers, so another addon): we cannot tell whether
    // its backing store lives on elsewhere, so from now on only the finalizers may release the memory.
    escaped_ = true;
    buffer = Napi::ArrayBuffer();
  }
  if (buffer.IsEmpty()) {
    // Each external ArrayBuffer holds a share of this object (not of the memory: Free() must be able to let the
    // memory go while a detached view is still reachable).
    auto* share = new std::shared_ptr<AlignedBuffer>(shared_from_this());
    buffer = Napi::ArrayBuffer::New(
        env, memory_->data(), bytes_, [](Napi::Env, void*, std::shared_ptr<AlignedBuffer>* hint) { delete hint; },
        share);
    view_ = Napi::Weak(buffer);
  }
  return Napi::Float32Array::New(env, bytes_ / sizeof(float), buffer, 0);
}

void AlignedBuffer::Free() {
  if (freed_) return;
  freed_ = true;
  if (!view_.IsEmpty()) {
    Napi::ArrayBuffer buffer = view_.Value();
    if (!buffer.IsEmpty() && buffer.IsDetached()) escaped_ = true;  // see View()
    if (!buffer.IsEmpty() && !buffer.IsDetached()) {
      try {
        buffer.Detach();
      } catch (const Napi::Error&) {
        // Not detachable: JS can still reach the memory, so it stays alive until this object's last share (the
        // view's finalizer) goes.
        return;
      }
    }
    view_.Reset();
  }
  if (!escaped_) memory_.reset();
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
