#include "domain/red_list.hpp"

#include <fmt/format.h>

namespace credit::domain {

bool speaks_against_red_list(const SubjectRecord& r, Date today) {
  const bool open = r.status == "active" || r.status == "published";
  if (!open || r.publicity_until < today) return false;
  if (r.kind == Kind::dishonest) return true;
  return r.kind == Kind::penalty && r.severity == Severity::severe;
}

std::optional<std::string> red_list_refusal(const PolicyProfile& p,
                                            const std::vector<SubjectRecord>& others, Date today) {
  for (const auto& r : others) {
    if (!speaks_against_red_list(r, today)) continue;
    const RuleRef rule = p.red_list ? p.red_list->refused_by : RuleRef{};
    return fmt::format(
        "not accepted onto a red list: the subject has record {} ({}, severity {}, {}, {} until "
        "{}) — {}; refused by {} ({}). A red listing can be imported once that record's "
        "publicity or listing has ended",
        r.id, to_string(r.kind), to_string(r.severity), r.document_number, r.status,
        r.publicity_until.iso(),
        r.kind == Kind::dishonest ? "it is on an active dishonest list"
                                  : "a severe penalty in publicity",
        rule.id, rule.cite);
  }
  return std::nullopt;
}

std::optional<RuleRef> red_list_ending(const PolicyProfile& p, Kind kind, Severity severity) {
  if (!p.red_list || !p.red_list->ended_by) return std::nullopt;
  const auto& r = *p.red_list;
  const bool ends =
      (kind == Kind::dishonest && r.ended_by_dishonest) ||
      (kind == Kind::penalty && severity == Severity::severe && r.ended_by_severe_penalty);
  if (!ends) return std::nullopt;
  return *r.ended_by;
}

}  // namespace credit::domain
