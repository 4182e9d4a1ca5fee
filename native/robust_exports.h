// The exports of the robust aggregation kernels (robust_rules.h): argument checks, promise workers, registration (from
// addon.cc).
#ifndef COCOGEN_NATIVE_ROBUST_EXPORTS_H_
#define COCOGEN_NATIVE_ROBUST_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds coordinateMedian, trimmedMean, squaredNorms and gram to `exports`.
void RegisterRobustExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_ROBUST_EXPORTS_H_
