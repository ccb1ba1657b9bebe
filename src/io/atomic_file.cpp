#include "io/atomic_file.hpp"

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/abandoned_temps.hpp"
#include "util/error.hpp"

namespace credit::io {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  temp_ = path_ + ".tmp-XXXXXX";
  int fd = create_held_temporary(temp_, TemporaryKind::file);
  if (fd < 0)
    throw Error(ErrorCode::bad_input,
                fmt::format("cannot create '{}': {}", path_, std::strerror(errno)),
                "check that the directory exists and that you may write to it");
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    ::unlink(temp_.c_str());
    failed("opening");
  }
  buffer_.resize(1 << 16);
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::failed(const char* what) {
  throw Error(ErrorCode::internal,
              fmt::format("{} '{}' failed: {}", what, path_, std::strerror(errno)),
              "check the free space and permissions of the directory");
}

void AtomicFile::write(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) failed("writing");
  sha_.update(data);
  bytes_ += static_cast<int64_t>(data.size());
}

std::string AtomicFile::finish() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) failed("writing");
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    failed("closing");
  }
  file_ = nullptr;
  return sha_.hex_digest();
}

void AtomicFile::commit() {
  if (file_ != nullptr) finish();
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) failed("renaming the temporary file to");
  committed_ = true;
}

}  // namespace credit::io
