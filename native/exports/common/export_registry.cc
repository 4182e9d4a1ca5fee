#include "exports/common/export_registry.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "exports/common/errors.h"

namespace cocogen {
namespace {

struct ExportEntry {
  const char* name;
  ValueExport value;  // exactly one of value and void_callback is set
  VoidExport void_callback;
};

// Filled during static initialization from every translation unit, read-only afterwards; constructed on first use so
// that the order in which translation units initialize does not matter, and never destroyed (environments may start
// while the process is exiting).
std::vector<ExportEntry>& Entries() {
  static auto* entries = new std::vector<ExportEntry>();
  return *entries;
}

}  // namespace

ExportRegistration::ExportRegistration(const char* name, ValueExport callback) {
  Entries().push_back({name, callback, nullptr});
}

ExportRegistration::ExportRegistration(const char* name, VoidExport callback) {
  Entries().push_back({name, nullptr, callback});
}

void RegisterExports(Napi::Env env, Napi::Object exports) {
  std::vector<ExportEntry> entries = Entries();
  std::sort(entries.begin(), entries.end(),
            [](const ExportEntry& a, const ExportEntry& b) { return std::strcmp(a.name, b.name) < 0; });
  for (size_t i = 0; i < entries.size(); ++i) {
    const ExportEntry& entry = entries[i];
    if (i > 0 && std::strcmp(entries[i - 1].name, entry.name) == 0) {
      ThrowError(env, ErrorCode::kNativeError, std::string("Two native exports are named ") + entry.name);
    }
    if (entry.value != nullptr) {
      exports.Set(entry.name, Napi::Function::New(env, entry.value, entry.name));
    } else {
      exports.Set(entry.name, Napi::Function::New(env, entry.void_callback, entry.name));
    }
  }
}

}  // namespace cocogen
