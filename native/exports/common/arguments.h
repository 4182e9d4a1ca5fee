// Type checks for the arguments of the exports. The TS layer validates first; these make a direct call with wrong
// arguments throw INVALID_ARGUMENT (naming the argument) instead of crashing the process.
#ifndef COCOGEN_NATIVE_EXPORTS_COMMON_ARGUMENTS_H_
#define COCOGEN_NATIVE_EXPORTS_COMMON_ARGUMENTS_H_

#include <napi.h>

#include <cstddef>
#include <string>

namespace cocogen {

// info[index], or undefined when fewer arguments were passed.
Napi::Value Argument(const Napi::CallbackInfo& info, size_t index);

Napi::Function ExpectFunction(Napi::Value value, const std::string& name);
Napi::Array ExpectArray(Napi::Value value, const std::string& name);
Napi::Float32Array ExpectFloat32Array(Napi::Value value, const std::string& name);
Napi::Float64Array ExpectFloat64Array(Napi::Value value, const std::string& name);
Napi::Int32Array ExpectInt32Array(Napi::Value value, const std::string& name);
bool ExpectBoolean(Napi::Value value, const std::string& name);
double ExpectNumber(Napi::Value value, const std::string& name);
// An integer number in [min, max].
size_t ExpectInteger(Napi::Value value, const std::string& name, size_t min, size_t max);

// Throws INVALID_ARGUMENT "Expected a <type> of length <length> for <name> but received ..." unless `array` holds
// `length` elements; with `why`, the rule's reason follows the length in parentheses ("... of length 9 (n × n) ...").
void ExpectLength(Napi::TypedArray array, size_t length, const char* type, const std::string& name);
void ExpectLength(Napi::TypedArray array, size_t length, const char* type, const std::string& name,
                  const std::string& why);

// Whether the byte ranges [a, a + a_bytes) and [b, b + b_bytes) share a byte (empty ranges share none).
bool Overlaps(const void* a, size_t a_bytes, const void* b, size_t b_bytes);

// "a Float32Array of length 12": wording for length rules.
std::string LengthWording(const char* type, size_t length);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_EXPORTS_COMMON_ARGUMENTS_H_
