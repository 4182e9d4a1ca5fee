// The exports of the payoff kernels (payoff_matrix.h, payoff_row_sums.h): argument checks, promise workers, and their
// registration on the module's exports (called from addon.cc's Init).
#ifndef COCOGEN_NATIVE_PAYOFF_EXPORTS_H_
#define COCOGEN_NATIVE_PAYOFF_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds payoffMatrix and denseRowSums to `exports`.
void RegisterPayoffExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_PAYOFF_EXPORTS_H_
