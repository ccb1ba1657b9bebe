#pragma once
// Hashing, MACs, randomness and signatures: libsodium for everything small (it starts in
// microseconds); OpenSSL for streaming SHA-256 of large inputs (CPU SHA extensions).
#include <cstdint>
#include <optional>
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
// Lower- or upper-case hex to bytes; nullopt for odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view hex);

// Ed25519 signatures (RFC 8032). Keys travel as PEM: PKCS#8 for
// the private key, SubjectPublicKeyInfo for the public key.
struct Ed25519KeyPair {
  std::string private_pem;
  std::string public_pem;
};
Ed25519KeyPair ed25519_generate();
// The public key of a private key. Throws Error(bad_input) for a PEM that is not an Ed25519 key.
std::string ed25519_public_pem(std::string_view private_pem);
// The 64-byte signature of `message`.
std::string ed25519_sign(std::string_view private_pem, std::string_view message);
// False for a wrong signature; throws Error(bad_input) for a PEM that is not an Ed25519 public key.
bool ed25519_verify(std::string_view public_pem, std::string_view message,
                    std::string_view signature);
// "ed25519:" + SHA-256 (hex) of the DER public key: names a key in checkpoints and messages.
std::string ed25519_key_id(std::string_view public_pem);

}  // namespace credit::crypto
