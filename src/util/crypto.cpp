#include "util/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <memory>

#include <fmt/format.h>

#include "util/error.hpp"

namespace credit::crypto {

std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    fail(ErrorCode::internal, "SHA-256 failed");
  return hex_encode({reinterpret_cast<char*>(md), len});
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
    fail(ErrorCode::internal, "SHA-256 init failed");
}
Sha256::~Sha256() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}
void Sha256::update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
  return hex_encode({reinterpret_cast<char*>(md), len});
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len) == nullptr)
    fail(ErrorCode::internal, "HMAC-SHA256 failed");
  return hex_encode({reinterpret_cast<char*>(md), len});
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    fail(ErrorCode::internal, "the system random number generator failed");
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6)
      out.push_back(table[(v >> s) & 63]);
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(table[(v >> 18) & 63]);
    out.push_back(table[(v >> 12) & 63]);
    if (rest == 2) out.push_back(table[(v >> 6) & 63]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

namespace {
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

BioPtr memory_bio(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) fail(ErrorCode::internal, "out of memory reading a key");
  return bio;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

PkeyPtr require_ed25519(EVP_PKEY* key, const char* what) {
  PkeyPtr owned(key, EVP_PKEY_free);
  if (!owned || EVP_PKEY_get_base_id(owned.get()) != EVP_PKEY_ED25519)
    fail(ErrorCode::bad_input, fmt::format("the {} is not an Ed25519 key in PEM form", what),
         "give the PEM file `credit audit key` printed (-----BEGIN PUBLIC KEY-----)");
  return owned;
}

PkeyPtr read_private(std::string_view pem) {
  auto bio = memory_bio(pem);
  return require_ed25519(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                         "signing key");
}

PkeyPtr read_public(std::string_view pem) {
  auto bio = memory_bio(pem);
  return require_ed25519(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), "public key");
}

std::string public_pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    fail(ErrorCode::internal, "writing an Ed25519 public key failed");
  return bio_text(bio.get());
}
}  // namespace

Ed25519KeyPair ed25519_generate() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) fail(ErrorCode::internal, "generating an Ed25519 key failed");
  PkeyPtr key(raw, EVP_PKEY_free);
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail(ErrorCode::internal, "writing an Ed25519 private key failed");
  return {bio_text(bio.get()), public_pem_of(key.get())};
}

std::string ed25519_public_pem(std::string_view private_pem) {
  return public_pem_of(read_private(private_pem).get());
}

std::string ed25519_sign(std::string_view private_pem, std::string_view message) {
  auto key = read_private(private_pem);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char sig[64];
  size_t len = sizeof sig;
  // Ed25519 hashes internally: no digest is named, and the message is signed in one call.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    fail(ErrorCode::internal, "Ed25519 signing failed");
  return std::string(reinterpret_cast<char*>(sig), len);
}

bool ed25519_verify(std::string_view public_pem, std::string_view message,
                    std::string_view signature) {
  auto key = read_public(public_pem);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    fail(ErrorCode::internal, "Ed25519 verification could not start");
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string ed25519_key_id(std::string_view public_pem) {
  auto key = read_public(public_pem);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) fail(ErrorCode::internal, "encoding an Ed25519 public key failed");
  std::string id = "ed25519:" + sha256_hex({reinterpret_cast<char*>(der), size_t(len)});
  OPENSSL_free(der);
  return id;
}

}  // namespace credit::crypto
