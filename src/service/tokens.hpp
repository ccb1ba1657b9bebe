#pragma once
// Bearer tokens: "credit_<user id>_<secret>", the secret 256 random bits in base64url.
// Only SHA-256(secret) is stored; the user id lets us find the row without comparing hashes
// across users, and the comparison itself is constant-time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credit::service {

struct ParsedToken {
  int64_t user_id;
  std::string secret;
};

struct IssuedToken {
  std::string token;        // shown once to the user
  std::string secret_hash;  // stored
};

IssuedToken issue_token(int64_t user_id);
std::optional<ParsedToken> parse_token(std::string_view token);

}  // namespace credit::service
