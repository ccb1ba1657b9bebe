#include "util/crypto.hpp"

#include <sodium.h>

#include "util/error.hpp"

// libsodium rather than OpenSSL: it initialises in microseconds, where OpenSSL 3's provider set-up
// costs about a millisecond at every start of a short command.
namespace credit::crypto {

namespace {
void ensure_initialised() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) fail(ErrorCode::internal, "libsodium failed to initialise");
}
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string hex_encode(std::string_view data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  ensure_initialised();
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(md, bytes(data), data.size());
  return hex_encode({reinterpret_cast<char*>(md), sizeof md});
}

Sha256::Sha256() : ctx_(new crypto_hash_sha256_state) {
  ensure_initialised();
  crypto_hash_sha256_init(static_cast<crypto_hash_sha256_state*>(ctx_));
}
Sha256::~Sha256() { delete static_cast<crypto_hash_sha256_state*>(ctx_); }
void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(static_cast<crypto_hash_sha256_state*>(ctx_), bytes(data), data.size());
}
std::string Sha256::hex_digest() {
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(static_cast<crypto_hash_sha256_state*>(ctx_), md);
  return hex_encode({reinterpret_cast<char*>(md), sizeof md});
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  ensure_initialised();
  crypto_auth_hmacsha256_state state;
  unsigned char md[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes(data), data.size());
  crypto_auth_hmacsha256_final(&state, md);
  return hex_encode({reinterpret_cast<char*>(md), sizeof md});
}

std::string random_bytes(size_t n) {
  ensure_initialised();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string base64url_encode(std::string_view data) {
  ensure_initialised();
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(data), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  ensure_initialised();
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace credit::crypto
