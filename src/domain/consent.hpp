// Authorised query (授权查询): the subject's own authorisation, with a purpose, the kinds of record
// it covers and a last day — never for life (甘信用办发〔2021〕5号（十四）:
// 明示收集使用信息的目的、方式和 范围并经本人同意 … 禁止 … 一次授权终身收集使用个人信用信息). Pure
// decisions; the store side is service/consents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.hpp"
#include "domain/policy.hpp"

namespace credit::domain {

// Whom an authorisation is from: an organisation by its USCC, a natural person by ID number.
struct ConsentSubject {
  enum class Type { uscc, id_number } type = Type::uscc;
  std::string code;  // normalised: upper case, a legacy 15-digit number as given
};
std::string_view to_string(ConsentSubject::Type t);  // "uscc" | "id_number"

// "USCC", "ID-NUMBER", or "uscc:CODE" / "id:NUMBER" when a code is valid as both. The error
// names what is wrong but never repeats the value (it may be an ID number, and errors reach the
// audit log).
struct ConsentSubjectParse {
  std::optional<ConsentSubject> subject;
  std::string error;
};
ConsentSubjectParse parse_consent_subject(std::string_view text);

// What an authorisation grants.
struct ConsentTerms {
  std::string purpose;
  std::vector<Kind> kinds;
  Date valid_from, valid_until;  // inclusive, China dates
  bool revoked = false;
};

// The purpose asked for is covered when it is the authorised one, or starts with it followed by
// a space (a reference number: "贷款审批 2026-017" under "贷款审批").
bool purpose_covers(std::string_view granted, std::string_view asked);

// Why the authorisation does not cover reading a record of `kind` for `purpose` on `on`; empty
// when it does.
std::string consent_gap(const ConsentTerms& c, Kind kind, std::string_view purpose, Date on);

// Why a new authorisation recorded on `today` may not run until `until`: in the past, or beyond
// the profile's maximum validity (named by its rule). Empty when it may.
std::string consent_validity_error(const ConsentRules& rules, Date today, Date until);

}  // namespace credit::domain
