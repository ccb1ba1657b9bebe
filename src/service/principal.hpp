#pragma once
#include <cstdint>
#include <string>

namespace credit::service {

// The authenticated caller.
struct Principal {
  int64_t id = 0;
  std::string name = "-";
  std::string role = "-";
  std::string dept = "-";
  // The administrator who issued the token in use for this account, until its owner rotates it
  // (they know it: what the account does may be theirs). Empty: the owner's own token.
  std::string token_issued_by;
};

// The store setting that holds who issued an account's current token for it (empty or absent:
// its owner, or the administrator who created the account).
inline std::string token_issuer_setting(int64_t user_id) {
  return "token.issued_by." + std::to_string(user_id);
}

}  // namespace credit::service
