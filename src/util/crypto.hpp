#pragma once
// Hashing, MACs and randomness, all from OpenSSL.
#include <cstdint>
#include <string>
#include <string_view>

namespace credit::crypto {

std::string sha256_hex(std::string_view data);

// Incremental SHA-256 for streams (files, exports) so memory stays flat.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // finishes the hash
  // The hash of `data` alone, reusing this context (cheaper than sha256_hex for many small
  // values, e.g. one per imported row); the context is ready for the next call.
  std::string hex_digest_of(std::string_view data);

 private:
  void* ctx_;
};

std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string random_bytes(size_t n);  // cryptographically secure; throws on failure
std::string hex_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace credit::crypto
