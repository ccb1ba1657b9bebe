#include "util/error.hpp"

#include <algorithm>

namespace credit {

const std::vector<ExitCodeDoc>& exit_code_docs() {
  static const std::vector<ExitCodeDoc> docs = {
      {ErrorCode::internal, "internal", "internal error or unexpected system failure"},
      {ErrorCode::usage, "usage", "wrong command line: unknown option, missing argument"},
      {ErrorCode::bad_input, "bad_input", "invalid input data (file, parameter or value)"},
      {ErrorCode::unauthenticated, "unauthenticated",
       "authentication failed: token missing, wrong, disabled or unsafely stored"},
      {ErrorCode::permission_denied, "permission_denied",
       "permission denied: the role or department lacks the right"},
      {ErrorCode::not_found, "not_found", "the user, record, batch or file does not exist"},
      {ErrorCode::conflict, "conflict",
       "conflict: exists already, wrong state, or changed concurrently"},
      {ErrorCode::store_unavailable, "store_unavailable",
       "store unavailable: cannot open, busy, or its schema needs `credit migrate`"},
      {ErrorCode::integrity, "integrity",
       "integrity check failed: audit chain, checkpoint or digest mismatch"},
      {ErrorCode::delivery_failed, "delivery_failed",
       "delivery failed: the portal or remote server did not accept the data"},
      {ErrorCode::policy_refused, "policy_refused",
       "refused by the active policy (the message names the rule)"},
  };
  return docs;
}

std::string_view error_code_name(ErrorCode code) {
  for (const auto& doc : exit_code_docs())
    if (doc.code == code) return doc.name;
  return "internal";
}

ErrorCode error_code_from_name(std::string_view name) {
  const auto& docs = exit_code_docs();
  auto it = std::find_if(docs.begin(), docs.end(), [&](const auto& d) { return d.name == name; });
  return it == docs.end() ? ErrorCode::internal : it->code;
}

nlohmann::ordered_json Error::to_json() const {
  nlohmann::ordered_json body = {{"code", error_code_name(code_)}, {"message", what()}};
  if (!hint_.empty()) body["hint"] = hint_;
  if (!details_.is_null()) body["details"] = details_;
  return {{"error", body}};
}

Error Error::from_json(const nlohmann::ordered_json& envelope) {
  const auto& body = envelope.at("error");
  return Error(error_code_from_name(body.value("code", "internal")),
               body.value("message", "unknown error"), body.value("hint", ""),
               body.contains("details") ? body["details"] : nlohmann::ordered_json());
}

}  // namespace credit
