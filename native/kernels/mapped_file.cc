#include "kernels/mapped_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace cocogen {
namespace {

std::atomic<size_t> mapped_bytes{0};

std::string OsError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

#ifndef _WIN32

MappedRegion::MappedRegion(const std::string& path, uint64_t offset, uint64_t length, bool writable) {
  const int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(OsError("Could not open", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string message = OsError("Could not stat", path);
    ::close(fd);
    throw std::runtime_error(message);
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (offset > size || length > size - offset) {
    ::close(fd);
    throw std::runtime_error("Could not map bytes [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                             ") of " + path + ": the file holds " + std::to_string(size) + " bytes");
  }
  if (length > 0) {
    const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset / page * page;
    mapped_ = static_cast<size_t>(offset - start + length);
    base_ = ::mmap(nullptr, mapped_, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd,
                   static_cast<off_t>(start));
    if (base_ == MAP_FAILED) {
      base_ = nullptr;
      const std::string message = OsError("Could not map", path);
      ::close(fd);
      throw std::runtime_error(message);
    }
    data_ = static_cast<uint8_t*>(base_) + (offset - start);
    length_ = static_cast<size_t>(length);
    mapped_bytes += mapped_;
  }
  ::close(fd);  // the mapping keeps its own reference to the file
}

MappedRegion::~MappedRegion() {
  if (base_ != nullptr) {
    ::munmap(base_, mapped_);
    mapped_bytes -= mapped_;
  }
}

void MappedRegion::Sync() {
  if (base_ != nullptr && ::msync(base_, mapped_, MS_SYNC) != 0) {
    throw std::runtime_error(std::string("msync failed: ") + std::strerror(errno));
  }
}

#else

MappedRegion::MappedRegion(const std::string&, uint64_t, uint64_t, bool) {
  throw std::runtime_error("Memory-mapped files are not implemented on Windows yet");
}
MappedRegion::~MappedRegion() = default;
void MappedRegion::Sync() {}

#endif

size_t MappedBytes() { return mapped_bytes.load(); }

}  // namespace cocogen
