#include "exports/common/arguments.h"

#include <cmath>
#include <cstdint>

#include "exports/common/errors.h"

namespace cocogen {

Napi::Value Argument(const Napi::CallbackInfo& info, size_t index) {
  return index < info.Length() ? info[index] : info.Env().Undefined();
}

Napi::Function ExpectFunction(Napi::Value value, const std::string& name) {
  if (!value.IsFunction()) ThrowInvalidArgument(value.Env(), name, "a function", value);
  return value.As<Napi::Function>();
}

Napi::Array ExpectArray(Napi::Value value, const std::string& name) {
  if (!value.IsArray()) ThrowInvalidArgument(value.Env(), name, "an array", value);
  return value.As<Napi::Array>();
}

Napi::Float32Array ExpectFloat32Array(Napi::Value value, const std::string& name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowInvalidArgument(value.Env(), name, "a Float32Array", value);
  }
  return value.As<Napi::Float32Array>();
}

Napi::Float64Array ExpectFloat64Array(Napi::Value value, const std::string& name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    ThrowInvalidArgument(value.Env(), name, "a Float64Array", value);
  }
  return value.As<Napi::Float64Array>();
}

Napi::Int32Array ExpectInt32Array(Napi::Value value, const std::string& name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowInvalidArgument(value.Env(), name, "an Int32Array", value);
  }
  return value.As<Napi::Int32Array>();
}

bool ExpectBoolean(Napi::Value value, const std::string& name) {
  if (!value.IsBoolean()) ThrowInvalidArgument(value.Env(), name, "a boolean", value);
  return value.As<Napi::Boolean>().Value();
}

double ExpectNumber(Napi::Value value, const std::string& name) {
  if (!value.IsNumber()) ThrowInvalidArgument(value.Env(), name, "a number", value);
  return value.As<Napi::Number>().DoubleValue();
}

size_t ExpectInteger(Napi::Value value, const std::string& name, size_t min, size_t max) {
  const std::string rule = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value.IsNumber()) ThrowInvalidArgument(value.Env(), name, rule, value);
  const double number = value.As<Napi::Number>().DoubleValue();
  // Compared as doubles before any conversion: NaN, infinities and out-of-range values never reach the cast.
  if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max)) || std::trunc(number) != number) {
    ThrowInvalidArgument(value.Env(), name, rule, value);
  }
  return static_cast<size_t>(number);
}

void ExpectLength(Napi::TypedArray array, size_t length, const char* type, const std::string& name) {
  if (array.ElementLength() != length) {
    ThrowError(array.Env(), ErrorCode::kInvalidArgument,
               "Expected " + LengthWording(type, length) + " for " + name + " but received " + DescribeValue(array));
  }
}

void ExpectLength(Napi::TypedArray array, size_t length, const char* type, const std::string& name,
                  const std::string& why) {
  if (array.ElementLength() != length) {
    ThrowError(array.Env(), ErrorCode::kInvalidArgument,
               "Expected " + LengthWording(type, length) + " (" + why + ") for " + name + " but received " +
                   DescribeValue(array));
  }
}

std::string LengthWording(const char* type, size_t length) {
  return std::string("a ") + type + " of length " + std::to_string(length);
}

bool Overlaps(const void* a, size_t a_bytes, const void* b, size_t b_bytes) {
  const auto x = reinterpret_cast<uintptr_t>(a);
  const auto y = reinterpret_cast<uintptr_t>(b);
  return a_bytes != 0 && b_bytes != 0 && x < y + b_bytes && y < x + a_bytes;
}

}  // namespace cocogen
