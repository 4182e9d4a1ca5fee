// The exports of memory-mapped files (kernels/mapped_file.h): mapFile handles and their zero-copy ArrayBuffer views.
//
// Ownership follows aligned_buffer.cc's pattern (explicit unmap, the GC only as a safety net):
//   handle object ──shared_ptr──┐
//   view ArrayBuffer ────────────┼──> MappedFile ──shared_ptr──> MappedRegion (the mapping; munmap in its destructor)
// Unmap() detaches the live view, so every typed array over it reads length 0, then drops the file's share of the
// region: the pages are unmapped at once. A view that was detached by someone else keeps the region until the
// finalizers run. Async work must not run over a view while its file is unmapped: the TS layer awaits its work before
// dispose() (there is no pin for mappings).
#include "kernels/mapped_file.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"

namespace cocogen {
namespace {

// Tag of the objects mapFile returns; checked before a handle's native pointer is trusted.
constexpr napi_type_tag kMappedFileTag = {0x636f636f67656e00ULL, 0x6d617070656431ULL};

// 2^53: offsets and lengths arrive as JS numbers.
constexpr size_t kMaxSafeInteger = (size_t{1} << 53) - 1;

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

std::shared_ptr<MappedFile> MappedFile::Open(const std::string& path, uint64_t offset, uint64_t length, bool writable) {
  auto region = std::make_shared<MappedRegion>(path, offset, length, writable);
  return std::shared_ptr<MappedFile>(new MappedFile(std::move(region)));
}

Napi::ArrayBuffer MappedFile::View(Napi::Env env) {
  Napi::ArrayBuffer buffer;
  if (!view_.IsEmpty()) buffer = view_.Value();
  if (!buffer.IsEmpty() && buffer.IsDetached()) {
    escaped_ = true;  // detached by someone else: only the finalizers may release the region now
    buffer = Napi::ArrayBuffer();
  }
  if (buffer.IsEmpty()) {
    if (region_->length() == 0) {
      buffer = Napi::ArrayBuffer::New(env, 0);
    } else {
      // The buffer holds a share of this object (not of the region: Unmap() must be able to let the region go while a
      // detached view is still reachable).
      auto* share = new std::shared_ptr<MappedFile>(shared_from_this());
      buffer = Napi::ArrayBuffer::New(
          env, region_->data(), region_->length(),
          [](Napi::Env, void*, std::shared_ptr<MappedFile>* hint) { delete hint; }, share);
    }
    view_ = Napi::Weak(buffer);
  }
  return buffer;
}

void MappedFile::Unmap() {
  if (unmapped_) return;
  unmapped_ = true;
  if (!view_.IsEmpty()) {
    Napi::ArrayBuffer buffer = view_.Value();
    if (!buffer.IsEmpty() && buffer.IsDetached()) escaped_ = true;
    if (!buffer.IsEmpty() && !buffer.IsDetached()) {
      try {
        buffer.Detach();
      } catch (const Napi::Error&) {
        return;  // not detachable: the region lives until the view's finalizer
      }
    }
    view_.Reset();
  }
  if (!escaped_) region_.reset();
}

std::shared_ptr<MappedFile> UnwrapMappedFile(Napi::Value value, const std::string& name) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kMappedFileTag)) {
    ThrowInvalidArgument(env, name, "a mapped file handle from mapFile()", value);
  }
  void* data = nullptr;
  if (napi_unwrap(env, value, &data) != napi_ok || data == nullptr) {
    ThrowError(env, ErrorCode::kNativeError, "The mapped file handle passed as " + name + " has no mapping");
  }
  return *static_cast<std::shared_ptr<MappedFile>*>(data);
}

std::shared_ptr<MappedFile> LiveMappedFile(const Napi::CallbackInfo& info) {
  std::shared_ptr<MappedFile> file = UnwrapMappedFile(Argument(info, 0), "handle");
  if (file->unmapped()) {
    ThrowError(info.Env(), ErrorCode::kInvalidArgument,
               "Expected a live mapped file handle for handle but received one that was unmapped");
  }
  return file;
}

// mapFile(path: string, offset: number, length: number, writable: boolean): MappedFileHandle
Napi::Value MapFileExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value path_value = Argument(info, 0);
  if (!path_value.IsString()) ThrowInvalidArgument(env, "path", "a string", path_value);
  const std::string path = path_value.As<Napi::String>().Utf8Value();
  const size_t offset = ExpectInteger(Argument(info, 1), "offset", 0, kMaxSafeInteger);
  const size_t length = ExpectInteger(Argument(info, 2), "length", 0, kMaxSafeInteger);
  const bool writable = Argument(info, 3).ToBoolean().Value();
  std::shared_ptr<MappedFile> file;
  try {
    file = MappedFile::Open(path, offset, length, writable);
  } catch (const std::exception& e) {
    ThrowError(env, ErrorCode::kNativeError, e.what());
  }
  Napi::Object handle = Napi::Object::New(env);
  handle.TypeTag(&kMappedFileTag);
  auto* share = new std::shared_ptr<MappedFile>(std::move(file));
  napi_status status = napi_wrap(
      env, handle, share, [](napi_env, void* data, void*) { delete static_cast<std::shared_ptr<MappedFile>*>(data); },
      nullptr, nullptr);
  if (status != napi_ok) {
    delete share;
    NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  }
  handle.Freeze();
  return handle;
}
COCOGEN_EXPORT(mapFile, MapFileExport);

// mappedBuffer(handle: MappedFileHandle): ArrayBuffer
Napi::Value MappedBufferExport(const Napi::CallbackInfo& info) { return LiveMappedFile(info)->View(info.Env()); }
COCOGEN_EXPORT(mappedBuffer, MappedBufferExport);

// syncMappedFile(handle: MappedFileHandle): void
void SyncMappedFileExport(const Napi::CallbackInfo& info) {
  std::shared_ptr<MappedFile> file = LiveMappedFile(info);
  try {
    file->Sync();
  } catch (const std::exception& e) {
    ThrowError(info.Env(), ErrorCode::kNativeError, e.what());
  }
}
COCOGEN_EXPORT(syncMappedFile, SyncMappedFileExport);

// unmapFile(handle: MappedFileHandle): void
void UnmapFileExport(const Napi::CallbackInfo& info) { UnwrapMappedFile(Argument(info, 0), "handle")->Unmap(); }
COCOGEN_EXPORT(unmapFile, UnmapFileExport);

// mappedBytes(): number
Napi::Value MappedBytesExport(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(MappedBytes()));
}
COCOGEN_EXPORT(mappedBytes, MappedBytesExport);

}  // namespace
}  // namespace cocogen
