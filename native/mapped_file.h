// Memory-mapped files shown to JS as zero-copy ArrayBuffers (DESIGN §6: "aligned native memory or memory-mapped
// files").
//
// Ownership follows AlignedBuffer's pattern (explicit unmap, the GC only as a safety net):
//   handle object ──shared_ptr──┐
//   view ArrayBuffer ────────────┼──> MappedFile ──shared_ptr──> MappedRegion (the mapping; munmap in its destructor)
// Unmap() detaches the live view, so every typed array over it reads length 0, then drops the file's share of the
// region: the pages are unmapped at once. A view that was detached by someone else keeps the region until the
// finalizers run. Async work must not run over a view while its file is unmapped: the TS layer awaits its work before
// dispose() (there is no pin for mappings).
#ifndef COCOGEN_NATIVE_MAPPED_FILE_H_
#define COCOGEN_NATIVE_MAPPED_FILE_H_

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
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

// The native side of a mapFile handle.
class MappedFile : public std::enable_shared_from_this<MappedFile> {
 public:
  static std::shared_ptr<MappedFile> Open(const std::string& path, uint64_t offset, uint64_t length, bool writable);

  // An ArrayBuffer over the mapped range (one per file while it is alive). Requires !unmapped().
  Napi::ArrayBuffer View(Napi::Env env);
  void Sync() { region_->Sync(); }
  // Detaches the view and unmaps (see the header comment). Idempotent.
  void Unmap();
  bool unmapped() const { return unmapped_; }

 private:
  explicit MappedFile(std::shared_ptr<MappedRegion> region) : region_(std::move(region)) {}

  std::shared_ptr<MappedRegion> region_;
  bool unmapped_ = false;
  bool escaped_ = false;
  Napi::Reference<Napi::ArrayBuffer> view_;
};

// Bytes currently mapped by the addon in this process (for leak tests).
size_t MappedBytes();

// mapFile, mappedBuffer, syncMappedFile, unmapFile, mappedBytes: signatures in mapped_file.cc
void RegisterMappedFileExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_MAPPED_FILE_H_
