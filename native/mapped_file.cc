#include "mapped_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "arguments.h"
#include "errors.h"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace cocogen {
namespace {

std::atomic<size_t> mapped_bytes{0};

// Tag of the objects mapFile returns; checked before a handle's native pointer is trusted.
constexpr napi_type_tag kMappedFileTag = {0x636f636f67656e00ULL, 0x6d617070656431ULL};

// 2^53: offsets and lengths arrive as JS numbers.
constexpr size_t kMaxSafeInteger = (size_t{1} << 53) - 1;

std::string OsError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

#ifndef _WIN32

MappedRegion::MappedRegion(const std::string& path, uint64_t offset, uint64_t length, bool writable) {
  const int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(OsError("Could not open", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string message = OsError("Could not stat", path);
    ::close(fd);
    throw std::runtime_error(message);
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (offset > size || length > size - offset) {
    ::close(fd);
    throw std::runtime_error("Could not map bytes [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                             ") of " + path + ": the file holds " + std::to_string(size) + " bytes");
  }
  if (length > 0) {
    const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset / page * page;
    mapped_ = static_cast<size_t>(offset - start + length);
    base_ = ::mmap(nullptr, mapped_, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd,
                   static_cast<off_t>(start));
    if (base_ == MAP_FAILED) {
      base_ = nullptr;
      const std::string message = OsError("Could not map", path);
      ::close(fd);
      throw std::runtime_error(message);
    }
    data_ = static_cast<uint8_t*>(base_) + (offset - start);
    length_ = static_cast<size_t>(length);
    mapped_bytes += mapped_;
  }
  ::close(fd);  // the mapping keeps its own reference to the file
}

MappedRegion::~MappedRegion() {
  if (base_ != nullptr) {
    ::munmap(base_, mapped_);
    mapped_bytes -= mapped_;
  }
}

void MappedRegion::Sync() {
  if (base_ != nullptr && ::msync(base_, mapped_, MS_SYNC) != 0) {
    throw std::runtime_error(std::string("msync failed: ") + std::strerror(errno));
  }
}

#else

MappedRegion::MappedRegion(const std::string&, uint64_t, uint64_t, bool) {
  throw std::runtime_error("Memory-mapped files are not implemented on Windows yet");
}
MappedRegion::~MappedRegion() = default;
void MappedRegion::Sync() {}

#endif

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

size_t MappedBytes() { return mapped_bytes.load(); }

namespace {

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

// mappedBuffer(handle: MappedFileHandle): ArrayBuffer
Napi::Value MappedBufferExport(const Napi::CallbackInfo& info) { return LiveMappedFile(info)->View(info.Env()); }

// syncMappedFile(handle: MappedFileHandle): void
void SyncMappedFileExport(const Napi::CallbackInfo& info) {
  std::shared_ptr<MappedFile> file = LiveMappedFile(info);
  try {
    file->Sync();
  } catch (const std::exception& e) {
    ThrowError(info.Env(), ErrorCode::kNativeError, e.what());
  }
}

// unmapFile(handle: MappedFileHandle): void
void UnmapFileExport(const Napi::CallbackInfo& info) { UnwrapMappedFile(Argument(info, 0), "handle")->Unmap(); }

// mappedBytes(): number
Napi::Value MappedBytesExport(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(MappedBytes()));
}

}  // namespace

void RegisterMappedFileExports(Napi::Env env, Napi::Object exports) {
  exports.Set("mapFile", Napi::Function::New(env, MapFileExport, "mapFile"));
  exports.Set("mappedBuffer", Napi::Function::New(env, MappedBufferExport, "mappedBuffer"));
  exports.Set("syncMappedFile", Napi::Function::New(env, SyncMappedFileExport, "syncMappedFile"));
  exports.Set("unmapFile", Napi::Function::New(env, UnmapFileExport, "unmapFile"));
  exports.Set("mappedBytes", Napi::Function::New(env, MappedBytesExport, "mappedBytes"));
}

}  // namespace cocogen
