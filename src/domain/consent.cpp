#include "domain/consent.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "domain/identifiers.hpp"

namespace credit::domain {

std::string_view to_string(ConsentSubject::Type t) {
  return t == ConsentSubject::Type::uscc ? "uscc" : "id_number";
}

namespace {

std::string normalised(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

ConsentSubjectParse as_uscc(const std::string& code) {
  const UsccCheck u = check_uscc(code);
  if (!u.valid) return {std::nullopt, "is not a valid unified social credit code: " + u.error};
  return {ConsentSubject{ConsentSubject::Type::uscc, u.code}, ""};
}

ConsentSubjectParse as_id_number(const std::string& code) {
  const ResidentIdCheck r = check_resident_id(code);
  if (!r.valid) return {std::nullopt, "is not a valid resident ID number: " + r.error};
  return {ConsentSubject{ConsentSubject::Type::id_number, r.number}, ""};
}

}  // namespace

ConsentSubjectParse parse_consent_subject(std::string_view text) {
  std::string code = normalised(text);
  if (code.rfind("USCC:", 0) == 0) return as_uscc(code.substr(5));
  if (code.rfind("ID:", 0) == 0) return as_id_number(code.substr(3));
  const auto u = as_uscc(code);
  const auto r = as_id_number(code);
  if (u.subject && r.subject)
    return {std::nullopt,
            "is valid both as a USCC and as an ID number: write uscc:CODE or id:NUMBER"};
  if (u.subject) return u;
  if (r.subject) return r;
  return {
      std::nullopt,
      fmt::format("is neither a unified social credit code ({}) nor a resident ID "
                  "number ({})",
                  u.error.substr(u.error.find(": ") + 2), r.error.substr(r.error.find(": ") + 2))};
}

bool purpose_covers(std::string_view granted, std::string_view asked) {
  if (granted.empty() || asked.size() < granted.size()) return false;
  if (asked.substr(0, granted.size()) != granted) return false;
  return asked.size() == granted.size() || asked[granted.size()] == ' ';
}

std::string consent_gap(const ConsentTerms& c, Kind kind, std::string_view purpose, Date on) {
  if (c.revoked) return "it was revoked";
  if (on < c.valid_from) return fmt::format("it starts on {}", c.valid_from.iso());
  if (on > c.valid_until) return fmt::format("it ended on {}", c.valid_until.iso());
  if (std::find(c.kinds.begin(), c.kinds.end(), kind) == c.kinds.end())
    return fmt::format("it does not cover {} records", to_string(kind));
  if (!purpose_covers(c.purpose, purpose))
    return fmt::format("it is for the purpose '{}', not '{}'", c.purpose, purpose);
  return {};
}

std::string consent_validity_error(const ConsentRules& rules, Date today, Date until) {
  if (until < today) return fmt::format("--until {} is in the past", until.iso());
  const Date latest = today.add_months(rules.max_validity.months);
  if (until > latest)
    return fmt::format(
        "--until {} is beyond the longest an authorisation may run: {} months, until {} ({}: {})",
        until.iso(), rules.max_validity.months, latest.iso(), rules.max_validity.rule.id,
        rules.max_validity.rule.cite);
  return {};
}

}  // namespace credit::domain
