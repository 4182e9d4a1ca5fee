// The export of the SGEMM kernel (gemm_sgemm.h): argument checks, promise worker, registration (from addon.cc).
#ifndef COCOGEN_NATIVE_GEMM_EXPORTS_H_
#define COCOGEN_NATIVE_GEMM_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds gemm to `exports`.
void RegisterGemmExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_GEMM_EXPORTS_H_
