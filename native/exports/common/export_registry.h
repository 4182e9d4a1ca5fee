// How an export reaches the module: one static registration beside its definition (the only registration pattern).
//
// Each file of native/exports/ is the N-API glue of one kernel family and is named after its kernel's header
// (exports/widen.cc glues kernels/widen.h; exports/module.cc holds the module-wide exports). It has no header of its
// own: it includes its kernel's header and exports/common/, defines its exports as free functions in an anonymous
// namespace, puts before each one a comment carrying its TS signature exactly as bindings/addon.ts declares it
// (duckdb-node-neo's pattern), and registers each one right after its definition:
//
//   // triad(a: Float32Array, b: Float32Array, c: Float32Array, scalar: number): Promise<void>
//   Napi::Value TriadExport(const Napi::CallbackInfo& info) { ... }
//   COCOGEN_EXPORT(triad, TriadExport);
//
// COCOGEN_EXPORT defines a namespace-scope object whose constructor runs when the addon's shared library is loaded
// (static initialization, before any module init) and appends {"triad", TriadExport} to a process-wide list;
// RegisterExports, called by addon.cc's Init for every Node environment, sets each listed export on that
// environment's exports object, in name order. Adding a kernel thus touches its kernel (native/kernels/), its export
// file (native/exports/) and bindings/addon.ts: neither addon.cc nor CMakeLists.txt (which globs the sources) changes.
//
// The registrations rely on every export file being linked into the module itself, as CMakeLists.txt does (the globbed
// sources go straight into the shared library): through a static library, the linker would drop a file that nothing
// references, and its exports with it. test/native/exports.test.ts checks that the built addon has every export.
#ifndef COCOGEN_NATIVE_EXPORTS_COMMON_EXPORT_REGISTRY_H_
#define COCOGEN_NATIVE_EXPORTS_COMMON_EXPORT_REGISTRY_H_

#include <napi.h>

namespace cocogen {

// The two shapes of an export: returning a value (a promise, a handle, a number) or nothing.
using ValueExport = Napi::Value (*)(const Napi::CallbackInfo& info);
using VoidExport = void (*)(const Napi::CallbackInfo& info);

// Appends one export to the process-wide list. Use it through COCOGEN_EXPORT, at namespace scope only.
class ExportRegistration {
 public:
  ExportRegistration(const char* name, ValueExport callback);
  ExportRegistration(const char* name, VoidExport callback);
};

// Sets every registered export on `exports`, in name order. Throws NATIVE_ERROR when two exports share a name.
void RegisterExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

// Registers `callback` as the export `js_name` (an identifier: the JS name, unquoted).
#define COCOGEN_EXPORT(js_name, callback) \
  const ::cocogen::ExportRegistration cocogen_export_##js_name(#js_name, callback)

#endif  // COCOGEN_NATIVE_EXPORTS_COMMON_EXPORT_REGISTRY_H_
