#include "exports/common/errors.h"

namespace cocogen {
namespace {

// Per-environment state: each Node environment (main thread, worker_threads) loads its own copy of the exports.
struct ErrorClassSlot {
  Napi::FunctionReference ctor;
};

ErrorClassSlot* Slot(Napi::Env env) {
  ErrorClassSlot* slot = env.GetInstanceData<ErrorClassSlot>();
  if (slot == nullptr) {
    slot = new ErrorClassSlot();
    env.SetInstanceData(slot);  // deleted by node-addon-api's default finalizer when the environment goes away
  }
  return slot;
}

std::string TypedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
      return "Int8Array";
    case napi_uint8_array:
      return "Uint8Array";
    case napi_uint8_clamped_array:
      return "Uint8ClampedArray";
    case napi_int16_array:
      return "Int16Array";
    case napi_uint16_array:
      return "Uint16Array";
    case napi_int32_array:
      return "Int32Array";
    case napi_uint32_array:
      return "Uint32Array";
    case napi_float32_array:
      return "Float32Array";
    case napi_float64_array:
      return "Float64Array";
    case napi_bigint64_array:
      return "BigInt64Array";
    case napi_biguint64_array:
      return "BigUint64Array";
    default:
      return "TypedArray";
  }
}

std::string DescribeObject(Napi::Object object) {
  // Reading `constructor` runs JS (a getter, a Proxy trap): any failure falls back to the neutral wording.
  try {
    Napi::Value ctor = object.Get("constructor");
    if (ctor.IsFunction()) {
      Napi::Value name = ctor.As<Napi::Object>().Get("name");
      if (name.IsString()) {
        std::string text = name.As<Napi::String>().Utf8Value();
        if (!text.empty() && text != "Object") return "a " + text;
      }
    }
  } catch (const Napi::Error&) {
  }
  return "an object";
}

}  // namespace

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kNativeError:
      break;
  }
  return "NATIVE_ERROR";
}

void SetErrorClass(Napi::Env env, Napi::Function ctor) { Slot(env)->ctor = Napi::Persistent(ctor); }

Napi::Value MakeError(Napi::Env env, ErrorCode code, const std::string& message) {
  ErrorClassSlot* slot = Slot(env);
  if (!slot->ctor.IsEmpty()) {
    return slot->ctor.New({Napi::String::New(env, ErrorCodeName(code)), Napi::String::New(env, message)});
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("name", Napi::String::New(env, "CocogenError"));
  error.Set("code", Napi::String::New(env, ErrorCodeName(code)));
  return error.Value();
}

void ThrowError(Napi::Env env, ErrorCode code, const std::string& message) {
  throw Napi::Error(env, MakeError(env, code, message));
}

void ThrowInvalidArgument(Napi::Env env, const std::string& name, const std::string& expected, Napi::Value received) {
  ThrowError(env, ErrorCode::kInvalidArgument,
             "Expected " + expected + " for " + name + " but received " + DescribeValue(received));
}

std::string DescribeValue(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return value.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number:
      // String(value) gives JS's own formatting (NaN, Infinity, 1e+21, -0 as "0").
      return value.ToString().Utf8Value();
    case napi_bigint:
      return value.ToString().Utf8Value() + "n";
    case napi_string: {
      std::u16string text = value.As<Napi::String>().Utf16Value();
      if (text.size() > 40) return "a string of length " + std::to_string(text.size());
      Napi::Object json = value.Env().Global().Get("JSON").As<Napi::Object>();
      return json.Get("stringify").As<Napi::Function>().Call(json, {value}).As<Napi::String>().Utf8Value();
    }
    case napi_function:
      return "a function";
    case napi_symbol:
      return "a Symbol";
    case napi_external:
      return "an external";
    case napi_object:
      break;
  }
  if (value.IsArray()) return "an array of length " + std::to_string(value.As<Napi::Array>().Length());
  if (value.IsTypedArray()) {
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    return "a " + TypedArrayName(array.TypedArrayType()) + " of length " + std::to_string(array.ElementLength());
  }
  if (value.IsDataView()) return "a DataView";
  return DescribeObject(value.As<Napi::Object>());
}

}  // namespace cocogen
