#include "exports/common/training_arguments.h"

#include <algorithm>

#include "exports/common/errors.h"

namespace cocogen {

void ExpectLabels(const Napi::Int32Array& labels, size_t count, size_t classes, const std::string& name) {
  for (size_t i = 0; i < count; ++i) {
    const int32_t y = labels[i];
    if (y < 0 || static_cast<size_t>(y) >= classes) {
      ThrowError(labels.Env(), ErrorCode::kInvalidArgument,
                 "Expected a class in [0, " + std::to_string(classes) + ") for " + name + "[" + std::to_string(i) +
                     "] but received " + std::to_string(y));
    }
  }
}

void ExpectSampleOrder(const Napi::Int32Array& order, size_t samples) {
  for (size_t i = 0; i < order.ElementLength(); ++i) {
    if (order[i] < 0 || static_cast<size_t>(order[i]) >= samples) {
      ThrowInvalidArgument(order.Env(), "order", "sample indices in [0, " + std::to_string(samples) + ")", order);
    }
  }
}

size_t TrainingStepCount(size_t rows, size_t epoch_rows, size_t batch_size) {
  size_t steps = 0;
  for (size_t s = 0; s < rows; s += epoch_rows) steps += (std::min(epoch_rows, rows - s) + batch_size - 1) / batch_size;
  return steps;
}

}  // namespace cocogen
