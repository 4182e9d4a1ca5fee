// Native, 64-byte aligned memory owned by the addon: the pure part of the allocFloat32 buffers. The allocations are
// counted (AllocatedBytes) and found again by address (PinAllocation), so that async work can keep the allocation
// behind a typed array alive. The handles, their zero-copy typed-array views and the reporting to V8 are the N-API
// side, in native/exports/aligned_buffer.cc (which also draws the ownership of the whole).
#ifndef COCOGEN_NATIVE_KERNELS_ALIGNED_BUFFER_H_
#define COCOGEN_NATIVE_KERNELS_ALIGNED_BUFFER_H_

#include <cstddef>
#include <memory>

namespace cocogen {

// Alignment of every allocation: one cache line, and one AVX-512 vector.
inline constexpr size_t kAlignment = 64;

// One zero-filled aligned allocation. Counted in AllocatedBytes() for as long as it lives.
class AlignedAllocation {
 public:
  // Throws std::bad_alloc when the memory is not available.
  explicit AlignedAllocation(size_t bytes);
  virtual ~AlignedAllocation();
  AlignedAllocation(const AlignedAllocation&) = delete;
  AlignedAllocation& operator=(const AlignedAllocation&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_;
  size_t bytes_;
};

// Makes `allocation` findable by PinAllocation for as long as it lives.
void TrackAllocation(const std::shared_ptr<AlignedAllocation>& allocation);

// The allocation whose memory starts at `arraybuffer_data` (the data pointer of an ArrayBuffer, as returned by
// napi_get_typedarray_info), or null when it is not one of ours. Async work holds the result until it settles, so that
// freeBuffer() while the work runs cannot release memory the work is reading or writing.
std::shared_ptr<AlignedAllocation> PinAllocation(const void* arraybuffer_data);

// Bytes currently allocated by the addon in this process.
size_t AllocatedBytes();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_ALIGNED_BUFFER_H_
