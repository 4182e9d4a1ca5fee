// The exports of the data kernels (data_kernels.h): argument checks, the promise workers, and their registration on the
// module's exports (called from addon.cc's Init).
#ifndef COCOGEN_NATIVE_DATA_EXPORTS_H_
#define COCOGEN_NATIVE_DATA_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds labelHistograms and l1Distances to `exports`.
void RegisterDataExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_DATA_EXPORTS_H_
