// The exports of the training kernels (train_kernels.h): argument checks, promise workers, registration.
#ifndef COCOGEN_NATIVE_TRAIN_EXPORTS_H_
#define COCOGEN_NATIVE_TRAIN_EXPORTS_H_

#include <napi.h>

namespace cocogen {

// Adds denseForward, denseBackward, softmaxCrossEntropy, sgdMomentum and denseTrainSteps to `exports`.
void RegisterTrainExports(Napi::Env env, Napi::Object exports);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_TRAIN_EXPORTS_H_
