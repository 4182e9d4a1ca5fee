// The export of the coalition-value kernel (coalition_values.h): argument checks, the promise worker, and its
// registration on the module's exports (called from addon.cc's Init).
#ifndef COCOGEN_NATIVE_COALITION_EXPORTS_H_
#define COCOGEN_NATIVE_COALITION_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds coalitionValues to `exports`.
void RegisterCoalitionExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_COALITION_EXPORTS_H_
