// Keeping a library's messages off the terminal: for the lifetime of a StderrCapture, file descriptor 2 writes into
// a temporary file, and Finish() restores it and returns what was written. Dawn prints warnings about adapter limits
// straight to stderr while an adapter is requested; cocogen keeps them (shown on request) instead of printing them
// into every command's output.
#ifndef COCOGEN_NATIVE_KERNELS_STDERR_CAPTURE_H_
#define COCOGEN_NATIVE_KERNELS_STDERR_CAPTURE_H_

#include <cstdio>
#include <string>

namespace cocogen {

class StderrCapture {
 public:
  // Redirects fd 2; if any step fails, captures nothing and leaves stderr as it was.
  StderrCapture();
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Restores fd 2 and returns what was written meanwhile (empty when nothing was, or nothing could be captured).
  std::string Finish();

 private:
  void Restore();
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

}  // namespace cocogen

#endif  // COCOGEN_NATIVE_KERNELS_STDERR_CAPTURE_H_
