#include "io/byte_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace credit::io {

namespace {
class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string label, bool owned)
      : fd_(fd), label_(std::move(label)), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  size_t read(char* buffer, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buffer, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR)
        fail(ErrorCode::bad_input, fmt::format("cannot read {}: {}", label_, std::strerror(errno)));
    }
  }
  std::string label() const override { return label_; }

 private:
  int fd_;
  std::string label_;
  bool owned_;
};

class StringSource : public ByteSource {
 public:
  StringSource(std::string data, std::string label)
      : data_(std::move(data)), label_(std::move(label)) {}
  size_t read(char* buffer, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(buffer, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  std::string label() const override { return label_; }

 private:
  std::string data_;
  std::string label_;
  size_t pos_ = 0;
};
}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  if (path == "-") return std::make_unique<FdSource>(0, "stdin", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    throw Error(err == ENOENT ? ErrorCode::not_found : ErrorCode::bad_input,
                fmt::format("cannot open '{}': {}", path, std::strerror(err)),
                "check the file name and its permissions");
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail(ErrorCode::bad_input, fmt::format("'{}' is a directory, not a file", path));
  }
  return std::make_unique<FdSource>(fd, path, true);
}

std::unique_ptr<ByteSource> make_string_source(std::string data, std::string label) {
  return std::make_unique<StringSource>(std::move(data), std::move(label));
}

std::string read_all(ByteSource& source, size_t limit) {
  std::string out;
  char buffer[65536];
  while (size_t got = source.read(buffer, sizeof buffer)) {
    out.append(buffer, got);
    if (out.size() > limit)
      fail(ErrorCode::bad_input,
           fmt::format("{} is larger than the {} bytes allowed here", source.label(), limit));
  }
  return out;
}

PeekedSource::PeekedSource(ByteSource& inner, size_t peek_bytes)
    : inner_(inner), prefix_(peek_bytes, '\0') {
  size_t got = 0;
  while (got < peek_bytes) {
    size_t n = inner_.read(prefix_.data() + got, peek_bytes - got);
    if (n == 0) break;
    got += n;
  }
  prefix_.resize(got);
}

size_t PeekedSource::read(char* buffer, size_t n) {
  if (replayed_ < prefix_.size()) {
    size_t take = std::min(n, prefix_.size() - replayed_);
    std::memcpy(buffer, prefix_.data() + replayed_, take);
    replayed_ += take;
    return take;
  }
  return inner_.read(buffer, n);
}

}  // namespace credit::io
