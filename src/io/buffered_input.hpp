#pragma once
// Byte-at-a-time access to a ByteSource through a 64 KiB buffer, for the streaming readers.
#include <string>
#include <string_view>

#include "io/byte_source.hpp"

namespace credit::io {

class BufferedInput {
 public:
  explicit BufferedInput(ByteSource& source) : source_(source) {}

  // The next byte (0–255) without consuming it, or -1 at the end.
  int peek() {
    if (pos_ < buffer_.size()) return static_cast<unsigned char>(buffer_[pos_]);
    return refill() ? static_cast<unsigned char>(buffer_[pos_]) : -1;
  }
  int get() {
    int c = peek();
    if (c >= 0) ++pos_;
    return c;
  }
  // The bytes buffered and not yet consumed (possibly empty; peek() refills).
  std::string_view available() const { return std::string_view(buffer_).substr(pos_); }
  void advance(size_t n) { pos_ += n; }
  ByteSource& source() { return source_; }

 private:
  bool refill() {
    if (eof_) return false;
    buffer_.resize(1 << 16);
    buffer_.resize(source_.read(buffer_.data(), buffer_.size()));
    pos_ = 0;
    eof_ = buffer_.empty();
    return !eof_;
  }

  ByteSource& source_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace credit::io
