#pragma once
// The red list (守信激励名单 / 诚信典型) against the records that speak against it: a subject with
// a severe penalty in publicity or on an active dishonest list is refused onto a red list, and a
// new severe record or dishonest listing ends an active red listing where the profile says so
// (red_list.refused_by, red_list.ended_by). Pure decisions; the store queries are the caller's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/date.hpp"
#include "domain/policy.hpp"

namespace credit::domain {

// Another record of the same subject, as the store holds it.
struct SubjectRecord {
  int64_t id = 0;
  Kind kind = Kind::penalty;
  Severity severity = Severity::general;
  std::string document_number, status;  // status: active | published | expired | …
  Date publicity_until;
};

// A severe penalty still in publicity or a dishonest listing not ended (on `today`).
bool speaks_against_red_list(const SubjectRecord& r, Date today);

// Why a red listing is refused: the first conflicting record named with its id, kind, severity
// and document number, and the rule; nullopt when nothing conflicts.
std::optional<std::string> red_list_refusal(const PolicyProfile& p,
                                            const std::vector<SubjectRecord>& others, Date today);

// The rule by which a new record of this kind and severity ends the subject's active red
// listings; nullopt when it ends none (no ended_by, or not a listed event).
std::optional<RuleRef> red_list_ending(const PolicyProfile& p, Kind kind, Severity severity);

}  // namespace credit::domain
