// The export of kernels/stderr_capture.h: run a JS function with fd 2 captured, for the bindings to keep Dawn's
// messages off the terminal.
#include "kernels/stderr_capture.h"

#include <string>

#include "exports/common/arguments.h"
#include "exports/common/export_registry.h"

namespace cocogen {
namespace {

// captureStderr(fn: () => T): { result: T; text: string }. fd 2 is restored before an exception of fn propagates.
Napi::Value CaptureStderrExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Function fn = ExpectFunction(Argument(info, 0), "fn");
  std::string text;
  Napi::Value result;
  {
    StderrCapture capture;
    result = fn.Call({});
    text = capture.Finish();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("result", result);
  out.Set("text", text);
  return out;
}
COCOGEN_EXPORT(captureStderr, CaptureStderrExport);

}  // namespace
}  // namespace cocogen
