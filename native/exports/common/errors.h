// Errors crossing into JS as the project's own error class.
//
// src/ hands the loader `CocogenError` (configureBindings in bindings/addon.ts, better-sqlite3's pattern) and the
// loader hands it to the addon (setErrorClass); every error raised here is then `new CocogenError(code, message)`, a
// real JS error with a JS stack. Messages follow the project's template `Expected <rule> for <name> but received
// <value>`.
#ifndef COCOGEN_NATIVE_EXPORTS_COMMON_ERRORS_H_
#define COCOGEN_NATIVE_EXPORTS_COMMON_ERRORS_H_

#include <napi.h>

#include <string>

namespace cocogen {

// The codes of src/core/errors.ts that native code raises.
enum class ErrorCode {
  kInvalidArgument,  // 'INVALID_ARGUMENT': an argument broke a rule
  kNativeError,      // 'NATIVE_ERROR': the addon failed (allocation, ...)
};

const char* ErrorCodeName(ErrorCode code);

// Stores the error constructor for this environment (a persistent reference held in the env's instance data).
void SetErrorClass(Napi::Env env, Napi::Function ctor);

// `new CocogenError(code, message)`; before setErrorClass, a plain Error with `code` and `name` set the same way.
Napi::Value MakeError(Napi::Env env, ErrorCode code, const std::string& message);

// Throws MakeError(...) as a C++ exception that node-addon-api turns into a JS exception.
[[noreturn]] void ThrowError(Napi::Env env, ErrorCode code, const std::string& message);

// Throws INVALID_ARGUMENT "Expected <expected> for <name> but received <DescribeValue(received)>".
[[noreturn]] void ThrowInvalidArgument(Napi::Env env, const std::string& name, const std::string& expected,
                                       Napi::Value received);

// A short description of a value for error messages, worded as describeValue() in src/core/errors.ts.
std::string DescribeValue(Napi::Value value);

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_EXPORTS_COMMON_ERRORS_H_
