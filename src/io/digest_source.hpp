#pragma once
// Passes a source through while counting its bytes and computing their SHA-256: the digest and
// size recorded for every imported file.
#include <cstdint>

#include "io/byte_source.hpp"
#include "util/crypto.hpp"

namespace credit::io {

class DigestSource : public ByteSource {
 public:
  explicit DigestSource(ByteSource& inner) : inner_(inner) {}
  size_t read(char* buffer, size_t n) override {
    size_t got = inner_.read(buffer, n);
    sha_.update({buffer, got});
    bytes_ += got;
    return got;
  }
  std::string label() const override { return inner_.label(); }
  uint64_t bytes() const { return bytes_; }
  std::string hex_digest() { return sha_.hex_digest(); }  // once, at the end

 private:
  ByteSource& inner_;
  crypto::Sha256 sha_;
  uint64_t bytes_ = 0;
};

}  // namespace credit::io
