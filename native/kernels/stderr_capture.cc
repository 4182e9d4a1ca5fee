#include "kernels/stderr_capture.h"

#include <unistd.h>

namespace cocogen {

StderrCapture::StderrCapture() {
  std::fflush(stderr);
  file_ = std::tmpfile();
  if (file_ == nullptr) return;
  saved_ = dup(2);
  if (saved_ < 0 || dup2(fileno(file_), 2) < 0) {
    if (saved_ >= 0) close(saved_);
    saved_ = -1;
    std::fclose(file_);
    file_ = nullptr;
  }
}

StderrCapture::~StderrCapture() {
  Restore();
  if (file_ != nullptr) std::fclose(file_);
}

void StderrCapture::Restore() {
  if (saved_ < 0) return;
  std::fflush(stderr);
  dup2(saved_, 2);
  close(saved_);
  saved_ = -1;
}

std::string StderrCapture::Finish() {
  Restore();
  std::string text;
  if (file_ == nullptr) return text;
  std::rewind(file_);
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file_)) > 0) text.append(buffer, got);
  return text;
}

}  // namespace cocogen
