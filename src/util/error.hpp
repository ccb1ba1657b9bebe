#pragma once
// Errors carry a category that maps to a documented exit code (see `man credit`, EXIT STATUS) and
// to the remote API's error envelope, plus a hint that tells the user what to do next.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace credit {

enum class ErrorCode {
  internal = 1,           // a bug or an unexpected system failure
  usage = 2,              // wrong command line
  bad_input = 3,          // invalid data in a file or a parameter
  unauthenticated = 4,    // missing, wrong or disabled token
  permission_denied = 5,  // the role or department may not do this
  not_found = 6,          // no such user, record, batch …
  conflict = 7,           // exists already, wrong state, concurrent change
  store_unavailable = 8,  // cannot open, locked, schema needs migration
  integrity = 9,          // audit chain or digest verification failed
  delivery_failed = 10,   // the portal or a remote server did not accept the data
  policy_refused = 11,    // the active policy does not allow this (names the rule)
};

struct ExitCodeDoc {
  ErrorCode code;
  std::string_view name;
  std::string_view meaning;
};
// Every exit code with its documented meaning, in order; the man page is generated from this.
const std::vector<ExitCodeDoc>& exit_code_docs();

std::string_view error_code_name(ErrorCode code);
ErrorCode error_code_from_name(std::string_view name);  // unknown names map to internal
inline int exit_code(ErrorCode code) {
  return static_cast<int>(code);
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {},
        nlohmann::ordered_json details = nullptr)
      : std::runtime_error(std::move(message)),
        code_(code),
        hint_(std::move(hint)),
        details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const std::string& hint() const { return hint_; }
  const nlohmann::ordered_json& details() const { return details_; }

  nlohmann::ordered_json to_json() const;
  static Error from_json(const nlohmann::ordered_json& envelope);

 private:
  ErrorCode code_;
  std::string hint_;
  nlohmann::ordered_json details_;
};

[[noreturn]] inline void fail(ErrorCode code, std::string message, std::string hint = {}) {
  throw Error(code, std::move(message), std::move(hint));
}

}  // namespace credit
