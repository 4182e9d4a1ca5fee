// The exports of the addon's aligned buffers (kernels/aligned_buffer.h): allocFloat32 handles and their zero-copy
// Float32Array views.
//
// Ownership (node-llama-cpp's pattern: explicit free, the GC only as a safety net):
//   handle object ──shared_ptr──┐
//   view ArrayBuffer(s) ─────────┼──> AlignedBuffer ──shared_ptr──> AlignedAllocation (the memory)
//   async work in flight ──────────────────────────────shared_ptr──┘ (a "pin", see PinAllocation)
// Free() detaches the live view so every typed array over it reads length 0, then drops the buffer's share of the
// memory: it is released at once unless async work still pins it, in which case the work's end releases it. A view that
// outlives its handle keeps the memory alive; the GC finalizers of the handle and the views drop their shares.
#include "kernels/aligned_buffer.h"

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "exports/common/arguments.h"
#include "exports/common/errors.h"
#include "exports/common/export_registry.h"

namespace cocogen {
namespace {

// V8's largest typed array on 64-bit targets (v8::TypedArray::kMaxLength): a longer allocation could have no view.
constexpr size_t kMaxFloat32Length = size_t{1} << 32;

// Tag of the objects allocFloat32 returns; checked before a handle's native pointer is trusted.
constexpr napi_type_tag kBufferHandleTag = {0x636f636f67656e00ULL, 0x616c69676e656431ULL};

// An allocation reported to V8 (as external memory) for as long as it lives.
class ReportedAllocation : public AlignedAllocation {
 public:
  // Throws std::bad_alloc when the memory is not available.
  ReportedAllocation(Napi::Env env, size_t bytes) : AlignedAllocation(bytes), env_(env) {
    Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(this->bytes()));
  }
  ~ReportedAllocation() override {
    // Every share of an allocation is dropped on its environment's JS thread (finalizers, freeBuffer, the end of async
    // work), where the env may be used.
    Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env_), -static_cast<int64_t>(bytes()));
  }

 private:
  napi_env env_;
};

// The native side of an allocFloat32 handle.
class AlignedBuffer : public std::enable_shared_from_this<AlignedBuffer> {
 public:
  static std::shared_ptr<AlignedBuffer> Allocate(Napi::Env env, size_t bytes);

  // A Float32Array over the whole allocation. Views share one external ArrayBuffer while it is alive, so that Free()
  // can detach all of them at once. Requires !freed().
  Napi::Float32Array View(Napi::Env env);

  // Detaches the views and lets the memory go (see the header comment). Idempotent.
  void Free();

  bool freed() const { return freed_; }

 private:
  explicit AlignedBuffer(std::shared_ptr<AlignedAllocation> memory)
      : memory_(std::move(memory)), bytes_(memory_->bytes()) {}

  std::shared_ptr<AlignedAllocation> memory_;  // null once freed and every view is detached
  size_t bytes_;
  bool freed_ = false;
  bool escaped_ = false;                     // a view was detached by someone else: the memory waits for the finalizers
  Napi::Reference<Napi::ArrayBuffer> view_;  // weak: the current external ArrayBuffer, if still alive
};

std::shared_ptr<AlignedBuffer> AlignedBuffer::Allocate(Napi::Env env, size_t bytes) {
  std::shared_ptr<AlignedAllocation> memory = std::make_shared<ReportedAllocation>(env, bytes);
  TrackAllocation(memory);
  return std::shared_ptr<AlignedBuffer>(new AlignedBuffer(std::move(memory)));
}

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

Napi::Object MakeBufferHandle(Napi::Env env, std::shared_ptr<AlignedBuffer> buffer) {
  Napi::Object handle = Napi::Object::New(env);
  handle.TypeTag(&kBufferHandleTag);
  auto* share = new std::shared_ptr<AlignedBuffer>(std::move(buffer));
  napi_status status = napi_wrap(
      env, handle, share,
      [](napi_env, void* data, void*) { delete static_cast<std::shared_ptr<AlignedBuffer>*>(data); }, nullptr, nullptr);
  if (status != napi_ok) {
    delete share;
    NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  }
  handle.Freeze();
  return handle;
}

std::shared_ptr<AlignedBuffer> UnwrapBufferHandle(Napi::Value value, const std::string& name) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kBufferHandleTag)) {
    ThrowInvalidArgument(env, name, "a native buffer handle from allocFloat32()", value);
  }
  void* data = nullptr;
  if (napi_unwrap(env, value, &data) != napi_ok || data == nullptr) {
    ThrowError(env, ErrorCode::kNativeError, "The native buffer handle passed as " + name + " has no native buffer");
  }
  return *static_cast<std::shared_ptr<AlignedBuffer>*>(data);
}

// allocFloat32(length: number): NativeBufferHandle
Napi::Value AllocFloat32Export(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t length = ExpectInteger(Argument(info, 0), "length", 0, kMaxFloat32Length);
  std::shared_ptr<AlignedBuffer> buffer;
  try {
    buffer = AlignedBuffer::Allocate(env, length * sizeof(float));
  } catch (const std::bad_alloc&) {
    ThrowError(env, ErrorCode::kNativeError,
               "Could not allocate " + std::to_string(length * sizeof(float)) + " bytes for allocFloat32(" +
                   std::to_string(length) + ")");
  }
  return MakeBufferHandle(env, std::move(buffer));
}
COCOGEN_EXPORT(allocFloat32, AllocFloat32Export);

// viewFloat32(handle: NativeBufferHandle): Float32Array
Napi::Value ViewFloat32Export(const Napi::CallbackInfo& info) {
  std::shared_ptr<AlignedBuffer> buffer = UnwrapBufferHandle(Argument(info, 0), "handle");
  if (buffer->freed()) {
    ThrowError(info.Env(), ErrorCode::kInvalidArgument,
               "Expected a live native buffer handle for handle but received one that was freed");
  }
  return buffer->View(info.Env());
}
COCOGEN_EXPORT(viewFloat32, ViewFloat32Export);

// freeBuffer(handle: NativeBufferHandle): void
void FreeBufferExport(const Napi::CallbackInfo& info) { UnwrapBufferHandle(Argument(info, 0), "handle")->Free(); }
COCOGEN_EXPORT(freeBuffer, FreeBufferExport);

// allocatedBytes(): number
Napi::Value AllocatedBytesExport(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(AllocatedBytes()));
}
COCOGEN_EXPORT(allocatedBytes, AllocatedBytesExport);

}  // namespace
}  // namespace cocogen
