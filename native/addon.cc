// Module init of the cocogen addon, and nothing else: every export registers itself beside its definition in
// native/exports/ (COCOGEN_EXPORT, exports/common/export_registry.h), so adding a kernel never edits this file.
// bindings/addon.ts is the hand-written TS type of the exports; each one in native/exports/ carries its TS signature.
#include <napi.h>

#include "exports/common/export_registry.h"

namespace cocogen {
namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  RegisterExports(env, exports);
  return exports;
}

}  // namespace
}  // namespace cocogen

// NODE_API_MODULE pastes the init function's name into an identifier, so it must be unqualified.
static Napi::Object InitCocogen(Napi::Env env, Napi::Object exports) { return cocogen::Init(env, exports); }

NODE_API_MODULE(cocogen, InitCocogen)
