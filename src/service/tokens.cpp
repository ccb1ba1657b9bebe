#include "service/tokens.hpp"

#include <charconv>

#include "util/crypto.hpp"

namespace credit::service {

namespace {
constexpr std::string_view kPrefix = "credit_";
}

IssuedToken issue_token(int64_t user_id) {
  std::string secret = crypto::base64url_encode(crypto::random_bytes(32));
  return {std::string(kPrefix) + std::to_string(user_id) + "_" + secret,
          crypto::sha256_hex(secret)};
}

std::optional<ParsedToken> parse_token(std::string_view token) {
  // Tolerate the trailing newline a token file usually has, nothing else.
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
    token.remove_suffix(1);
  if (token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  auto sep = token.find('_');
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + sep, id);
  if (ec != std::errc() || ptr != token.data() + sep || id <= 0) return std::nullopt;
  std::string_view secret = token.substr(sep + 1);
  if (secret.size() != 43) return std::nullopt;
  return ParsedToken{id, std::string(secret)};
}

}  // namespace credit::service
