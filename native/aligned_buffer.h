// Native, 64-byte aligned float memory owned by the addon and shown to JS as zero-copy typed-array views.
//
// Ownership (node-llama-cpp's pattern: explicit free, the GC only as a safety net):
//   handle object ──shared_ptr──┐
//   view ArrayBuffer(s) ─────────┼──> AlignedBuffer ──shared_ptr──> AlignedAllocation (the memory)
//   async work in flight ──────────────────────────────shared_ptr──┘ (a "pin", see PinAllocation)
// Free() detaches the live view so every typed array over it reads length 0, then drops the buffer's share of the
// memory: it is released at once unless async work still pins it, in which case the work's end releases it. A view that
// outlives its handle keeps the memory alive; the GC finalizers of the handle and the views drop their shares.
#ifndef COCOGEN_NATIVE_ALIGNED_BUFFER_H_
#define COCOGEN_NATIVE_ALIGNED_BUFFER_H_

#include <napi.h>

#include <cstddef>
#include <memory>

namespace cocogen {

// Alignment of every allocation: one cache line, and one AVX-512 vector.
inline constexpr size_t kAlignment = 64;

// One zero-filled aligned allocation. Counted in AllocatedBytes() and reported to V8 for as long as it lives.
class AlignedAllocation {
 public:
  // Throws std::bad_alloc when the memory is not available.
  AlignedAllocation(Napi::Env env, size_t bytes);
  ~AlignedAllocation();
  AlignedAllocation(const AlignedAllocation&) = delete;
  AlignedAllocation& operator=(const AlignedAllocation&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  napi_env env_;
  void* data_;
  size_t bytes_;
};

// The native side of an allocFloat32 handle.
class AlignedBuffer : public std::enable_shared_from_this<AlignedBuffer> {
 public:
  static std::shared_ptr<AlignedBuffer> Allocate(Napi::Env env, size_t bytes);
  ~AlignedBuffer();

  // A Float32Array over the whole allocation. Views share one external ArrayBuffer while it is alive, so that Free()
  // can detach all of them at once. Requires !freed().
  Napi::Float32Array View(Napi::Env env);

  // Detaches the views and lets the memory go (see the header comment). Idempotent.
  void Free();

  bool freed() const { return freed_; }

 private:
  explicit AlignedBuffer(std::shared_ptr<AlignedAllocation> memory);

  std::shared_ptr<AlignedAllocation> memory_;  // null once freed and every view is detached
  size_t bytes_;
  bool freed_ = false;
  bool escaped_ = false;                     // a view was detached by someone else: the memory waits for the finalizers
  Napi::Reference<Napi::ArrayBuffer> view_;  // weak: the current external ArrayBuffer, if still alive
};

// The allocation whose memory starts at `arraybuffer_data` (the data pointer of an ArrayBuffer, as returned by
// napi_get_typedarray_info), or null when it is not one of ours. Async work holds the result until it settles, so that
// freeBuffer() while the work runs cannot release memory the work is reading or writing.
std::shared_ptr<AlignedAllocation> PinAllocation(const void* arraybuffer_data);

// Bytes currently allocated by the addon in this process.
size_t AllocatedBytes();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_ALIGNED_BUFFER_H_
