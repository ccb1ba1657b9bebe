#include "service/red_list_guard.hpp"

#include <fmt/format.h>

#include "domain/roles.hpp"

namespace credit::service {

using domain::Role;

RedListGuard::RedListGuard(store::Db& db, const domain::KindSpec& spec,
                           const domain::PolicyProfile& policy, domain::Date today)
    : db_(db), spec_(spec), policy_(policy), today_(today) {}

// The subject as the records table keys it: its USCC, else a natural person's ID number, else
// its name among records without either. `what` selects the records of interest.
store::Stmt& RedListGuard::select(const domain::ValidatedRow& row, const char* what) {
  const bool person = row.subject_type == domain::SubjectType::natural_person;
  const std::string& id_number = row.value(spec_, Role::id_number);
  std::string where;
  std::string_view key;
  if (row.has_uscc) {
    where = "uscc = ?1";
    key = row.value(spec_, Role::uscc);
  } else if (person && !id_number.empty()) {
    where = "id_number = ?1";
    key = id_number;
  } else {
    where = "uscc IS NULL AND id_number IS NULL AND subject_name = ?1";
    key = row.value(spec_, Role::subject_name);
  }
  const std::string sql = fmt::format(
      "SELECT id, kind, severity, document_number, status, publicity_until FROM records "
      "WHERE {} AND {} ORDER BY id",
      where, what);
  store::Stmt* stmt = nullptr;
  for (auto& [text, s] : statements_)
    if (text == sql) stmt = &s;
  if (!stmt) stmt = &statements_.emplace_back(sql, db_.prepare(sql)).second;
  stmt->reset();
  stmt->bind(1, key);
  return *stmt;
}

std::optional<std::string> RedListGuard::refusal(const domain::ValidatedRow& row) {
  if (spec_.kind != domain::Kind::red) return std::nullopt;
  auto& s = select(row,
                   "status IN ('active', 'published') AND (kind = 'dishonest' OR (kind = "
                   "'penalty' AND severity = 'severe'))");
  std::vector<domain::SubjectRecord> others;
  while (s.step()) {
    domain::SubjectRecord r;
    r.id = s.column_int64(0);
    r.kind = domain::parse_kind(s.column_view(1)).value_or(domain::Kind::penalty);
    r.severity = domain::parse_severity(s.column_view(2)).value_or(domain::Severity::general);
    r.document_number = s.column_text(3);
    r.status = s.column_text(4);
    r.publicity_until = domain::Date::parse_iso(s.column_view(5)).value_or(domain::Date{});
    others.push_back(std::move(r));
  }
  return domain::red_list_refusal(policy_, others, today_);
}

std::optional<domain::RuleRef> RedListGuard::ending_rule(const domain::ValidatedRow& row) const {
  return domain::red_list_ending(policy_, spec_.kind, row.severity.severity);
}

std::vector<EndedListing> RedListGuard::active_listings(const domain::ValidatedRow& row) {
  auto& s = select(row, "kind = 'red' AND status IN ('active', 'published')");
  std::vector<EndedListing> out;
  while (s.step())
    out.push_back({s.column_int64(0), s.column_text(3)});
  return out;
}

void RedListGuard::end(const std::vector<EndedListing>& listings, const domain::ValidatedRow& by,
                       const domain::RuleRef& rule, const ChangeInfo& change) {
  if (listings.empty()) return;
  auto keep = db_.prepare(keep_versions_sql("id = ?6"));
  keep.bind(1, change.now).bind(2, change.actor).bind(3, "red_list_end");
  keep.bind(4, change.batch_id);
  keep.bind(5, fmt::format("ended by {} {} ({})", domain::to_string(spec_.kind),
                           by.value(spec_, Role::document_number), rule.id));
  auto update = db_.prepare(
      "UPDATE records SET status = 'expired', withdrawn_on = ?1, archived = 1, "
      "version = version + 1, updated_at = ?2 WHERE id = ?3");
  update.bind(1, today_.iso()).bind(2, change.now);
  for (const auto& l : listings) {
    keep.bind(6, l.id).run();
    update.bind(3, l.id).run();
  }
}

}  // namespace credit::service
