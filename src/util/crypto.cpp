#include "util/crypto.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
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

// Streams (import files, exports, evidence) go through OpenSSL, whose SHA-256 uses the CPU's SHA
// extensions (several times libsodium's portable code on 500 MB files); its set-up cost is paid
// only by the commands that hash a stream.
namespace {
EVP_MD_CTX* evp(void* ctx) {
  return static_cast<EVP_MD_CTX*>(ctx);
}
const EVP_MD* sha256_md() {
  static const EVP_MD* md = EVP_sha256();
  return md;
}
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(evp(ctx_), sha256_md(), nullptr) != 1)
    fail(ErrorCode::internal, "SHA-256 failed to start");
}
Sha256::~Sha256() {
  EVP_MD_CTX_free(evp(ctx_));
}
void Sha256::update(std::string_view data) {
  EVP_DigestUpdate(evp(ctx_), data.data(), data.size());
}
std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(evp(ctx_), md, &len);
  EVP_DigestInit_ex(evp(ctx_), sha256_md(), nullptr);  // ready for the next value
  return hex_encode({reinterpret_cast<char*>(md), len});
}

std::string Sha256::hex_digest_of(std::string_view data) {
  update(data);
  return hex_digest();
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
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
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

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, &end) != 0 ||
      end != hex.data() + hex.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

// ---- Ed25519, with keys as PEM (RFC 8410): PKCS#8 private keys hold the 32-byte seed,
// SubjectPublicKeyInfo public keys the 32-byte public key, each behind a fixed DER prefix.

namespace {
constexpr std::string_view kPublicDer("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
constexpr std::string_view kPrivateDer(
    "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
constexpr const char* kPublicLabel = "PUBLIC KEY";
constexpr const char* kPrivateLabel = "PRIVATE KEY";

std::string pem_encode(std::string_view der, const char* label) {
  std::string b64(sodium_base64_ENCODED_LEN(der.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), bytes(der), der.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  std::string out = fmt::format("-----BEGIN {}-----\n", label);
  for (size_t i = 0; i < b64.size(); i += 64)
    out += b64.substr(i, 64) + "\n";
  return out + fmt::format("-----END {}-----\n", label);
}

// The 32 key bytes behind `prefix` in a PEM block with `label`; nullopt when it is anything else.
std::optional<std::string> pem_key_bytes(std::string_view pem, const char* label,
                                         std::string_view prefix) {
  std::string begin = fmt::format("-----BEGIN {}-----", label);
  std::string end = fmt::format("-----END {}-----", label);
  size_t b = pem.find(begin), e = pem.find(end);
  if (b == std::string_view::npos || e == std::string_view::npos || e < b) return std::nullopt;
  std::string_view body = pem.substr(b + begin.size(), e - b - begin.size());
  std::string der(body.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(der.data()), der.size(), body.data(),
                        body.size(), " \r\n\t", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  der.resize(len);
  if (der.size() != prefix.size() + 32 || der.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  return der.substr(prefix.size());
}

std::string seed_of(std::string_view private_pem) {
  ensure_initialised();
  auto seed = pem_key_bytes(private_pem, kPrivateLabel, kPrivateDer);
  if (!seed)
    fail(ErrorCode::bad_input, "the signing key is not an Ed25519 key in PEM form",
         "the store's signing key is damaged; restore the store from a backup");
  return *seed;
}

std::string public_key_of(std::string_view public_pem) {
  ensure_initialised();
  auto key = pem_key_bytes(public_pem, kPublicLabel, kPublicDer);
  if (!key)
    fail(ErrorCode::bad_input, "the public key is not an Ed25519 key in PEM form",
         "give the PEM file `credit audit key` printed (-----BEGIN PUBLIC KEY-----)");
  return *key;
}

struct SodiumKeys {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  ~SodiumKeys() { sodium_memzero(sk, sizeof sk); }
};

void keys_from_seed(std::string_view seed, SodiumKeys& keys) {
  crypto_sign_seed_keypair(keys.pk, keys.sk, bytes(seed));
}

std::string as_string(const unsigned char* p, size_t n) {
  return std::string(reinterpret_cast<const char*>(p), n);
}

// DER prefix + key bytes. (Built by append: GCC 12 warns falsely on `std::string(view) + s`.)
std::string der_of(std::string_view prefix, std::string_view key) {
  std::string der;
  der.reserve(prefix.size() + key.size());
  der.append(prefix);
  der.append(key);
  return der;
}
}  // namespace

Ed25519KeyPair ed25519_generate() {
  ensure_initialised();
  std::string seed = random_bytes(crypto_sign_SEEDBYTES);
  SodiumKeys keys;
  keys_from_seed(seed, keys);
  Ed25519KeyPair pair{
      pem_encode(der_of(kPrivateDer, seed), kPrivateLabel),
      pem_encode(der_of(kPublicDer, as_string(keys.pk, sizeof keys.pk)), kPublicLabel)};
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

std::string ed25519_public_pem(std::string_view private_pem) {
  SodiumKeys keys;
  keys_from_seed(seed_of(private_pem), keys);
  return pem_encode(der_of(kPublicDer, as_string(keys.pk, sizeof keys.pk)), kPublicLabel);
}

std::string ed25519_sign(std::string_view private_pem, std::string_view message) {
  SodiumKeys keys;
  keys_from_seed(seed_of(private_pem), keys);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, bytes(message), message.size(), keys.sk);
  return as_string(sig, sizeof sig);
}

bool ed25519_verify(std::string_view public_pem, std::string_view message,
                    std::string_view signature) {
  std::string key = public_key_of(public_pem);
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(bytes(signature), bytes(message), message.size(),
                                     bytes(key)) == 0;
}

std::string ed25519_key_id(std::string_view public_pem) {
  return "ed25519:" + sha256_hex(der_of(kPublicDer, public_key_of(public_pem)));
}

}  // namespace credit::crypto
