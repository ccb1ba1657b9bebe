#include <doctest/doctest.h>

#include <set>

#include "service/tokens.hpp"
#include "util/crypto.hpp"

using namespace credit;

TEST_CASE("tokens carry 256 random bits and only their hash is kept") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto issued = service::issue_token(42);
    CHECK(seen.insert(issued.token).second);
    auto parsed = service::parse_token(issued.token);
    REQUIRE(parsed);
    CHECK(parsed->user_id == 42);
    CHECK(parsed->secret.size() == 43);  // 32 bytes in base64url
    CHECK(crypto::sha256_hex(parsed->secret) == issued.secret_hash);
    CHECK(issued.token.find(issued.secret_hash) == std::string::npos);
  }
}

TEST_CASE("malformed tokens do not parse") {
  for (const char* bad :
       {"", "credit_", "credit_1_", "credit_x_abc",
        "credit_-1_"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "token", "credit_1_short", "CREDIT_1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    CHECK_MESSAGE(!service::parse_token(bad), bad);
  CHECK(service::parse_token("credit_7_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"));
}

TEST_CASE("crypto helpers") {
  CHECK(crypto::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(crypto::base64url_encode("\xfb\xff") == "-_8");
  CHECK(crypto::constant_time_equal("abc", "abc"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "abd"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "ab"));
  crypto::Sha256 h;
  h.update("a");
  h.update("bc");
  CHECK(h.hex_digest() == crypto::sha256_hex("abc"));
}
