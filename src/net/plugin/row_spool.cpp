#include "net/plugin/row_spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"
#include "util/temp_file.hpp"

namespace credit::net {

namespace {
constexpr size_t kTakeBytes = 1 << 20;
}  // namespace

RowSpool::RowSpool(size_t memory_limit) : memory_limit_(memory_limit) {}

RowSpool::~RowSpool() {
  if (fd_ >= 0) ::close(fd_);
}

void RowSpool::spill_locked(std::string_view data) {
  if (fd_ < 0) fd_ = open_unlinked_temp_file("the server");
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(file_write_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      fail(ErrorCode::internal,
           fmt::format("cannot write the server's temporary file: {}", std::strerror(errno)),
           "free space in the server's TMPDIR");
    file_write_ += static_cast<uint64_t>(n);
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void RowSpool::append(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (cancelled_) fail(ErrorCode::store_unavailable, "the client went away");
  // Once lines went to the file, the following ones go there too, so the order holds.
  if (file_read_ < file_write_ || memory_.size() + line.size() > memory_limit_) {
    if (!memory_.empty()) {
      spill_locked(memory_);
      memory_.clear();
    }
    spill_locked(line);
  } else {
    memory_.append(line);
  }
  changed_.notify_all();
}

void RowSpool::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

bool RowSpool::take(std::string& out) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return file_read_ < file_write_ || !memory_.empty() || closed_; });
  out.clear();
  if (file_read_ < file_write_) {
    out.resize(static_cast<size_t>(std::min<uint64_t>(kTakeBytes, file_write_ - file_read_)));
    ssize_t n;
    do {
      n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(file_read_));
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
      fail(ErrorCode::internal,
           fmt::format("cannot read the server's temporary file: {}", std::strerror(errno)));
    out.resize(static_cast<size_t>(n));
    file_read_ += static_cast<uint64_t>(n);
    if (file_read_ == file_write_) file_read_ = file_write_ = 0;  // reuse the file from its start
    return true;
  }
  if (!memory_.empty()) {
    out.swap(memory_);
    return true;
  }
  return false;
}

void RowSpool::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

}  // namespace credit::net
