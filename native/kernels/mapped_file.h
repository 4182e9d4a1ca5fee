// Memory-mapped files (DESIGN §6: "aligned native memory or memory-mapped files"): the pure part, one mmap of a byte
// range of a file. The handles and their zero-copy ArrayBuffer views are the N-API side, in
// native/exports/mapped_file.cc (which also draws the ownership of the whole).
#ifndef COCOGEN_NATIVE_KERNELS_MAPPED_FILE_H_
#define COCOGEN_NATIVE_KERNELS_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace cocogen {

// One mmap of [offset, offset + length) of a file. The mapping itself starts at the page boundary at or below offset;
// data() points at offset exactly.
class MappedRegion {
 public:
  // Throws std::runtime_error with the OS's reason when the file cannot be opened or mapped.
  MappedRegion(const std::string& path, uint64_t offset, uint64_t length, bool writable);
  ~MappedRegion();
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  uint8_t* data() const { return data_; }
  size_t length() const { return length_; }
  // msync(MS_SYNC) of the whole mapping; throws std::runtime_error on failure.
  void Sync();

 private:
  void* base_ = nullptr;  // page-aligned start of the mapping (null for an empty range)
  size_t mapped_ = 0;     // bytes mapped from base_
  uint8_t* data_ = nullptr;
  size_t length_ = 0;
};

// Bytes currently mapped by the addon in this process (for leak tests).
size_t MappedBytes();

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_MAPPED_FILE_H_
