// Argument checks shared by the local-training exports (denseTrainSteps, cnnTrainSteps): labels, the sample order and
// the number of steps an order makes, so that both kernels refuse and count alike.
#ifndef COCOGEN_NATIVE_EXPORTS_COMMON_TRAINING_ARGUMENTS_H_
#define COCOGEN_NATIVE_EXPORTS_COMMON_TRAINING_ARGUMENTS_H_

#include <napi.h>

#include <cstddef>
#include <string>

namespace cocogen {

// INVALID_ARGUMENT naming `name`[i] unless each of the first `count` labels is a class in [0, classes).
void ExpectLabels(const Napi::Int32Array& labels, size_t count, size_t classes, const std::string& name);

// INVALID_ARGUMENT naming `order` unless every entry is a sample index in [0, samples).
void ExpectSampleOrder(const Napi::Int32Array& order, size_t samples);

// SGD steps over `rows` sample indices cut into epochs of `epoch_rows`, each in batches of `batch_size` (the last
// batch of an epoch may be short; batches never straddle two epochs).
size_t TrainingStepCount(size_t rows, size_t epoch_rows, size_t batch_size);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_EXPORTS_COMMON_TRAINING_ARGUMENTS_H_
