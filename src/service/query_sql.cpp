#include "service/query_sql.hpp"
#include "service/loading_batch.hpp"

#include <fmt/format.h>

#include "store/sqlite.hpp"

namespace credit::service {

namespace {

constexpr const char* kColumns =
    "r.id, r.kind, r.status, r.severity, r.subject_name, r.subject_type, r.uscc, r.id_number, "
    "r.document_number, r.authority, r.authority_uscc, r.source_dept_uscc, r.decided_on, "
    "r.publicity_start, r.publicity_until, r.disclosure, r.under_repair, r.disputed, r.archived";

constexpr std::array<domain::Kind, 4> kAllKinds = {domain::Kind::license, domain::Kind::penalty,
                                                   domain::Kind::dishonest, domain::Kind::red};

std::string sql_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "'" : ", '") + item + "'";
  return out;
}

template <typename Range>
std::string names_sql(const Range& values) {
  std::vector<std::string> names;
  for (auto v : values)
    names.emplace_back(domain::to_string(v));
  return sql_list(names);
}

std::string withdrawn_sql() {
  return fmt::format(
      "(r.archived = 1 OR r.status IN ({}))",
      sql_list({domain::kWithdrawnStatuses.begin(), domain::kWithdrawnStatuses.end()}));
}

// The record's effective level (domain::effective_level) as SQL: public only while published;
// test_query.cpp checks that the statement selects exactly what domain::view_of lets one see.
constexpr const char* kLevelSql =
    "(CASE WHEN r.disclosure = 'public' AND (r.status <> 'published' OR r.archived = 1) "
    "THEN 'shared' ELSE r.disclosure END)";

}  // namespace

std::string QuerySql::param(std::variant<int64_t, std::string> value) {
  binds_.push_back(std::move(value));
  return "?" + std::to_string(binds_.size());
}

QuerySql::QuerySql(const QueryFilter& f, const domain::Audience& a,
                   const std::optional<std::string>& match, const std::string& today)
    : limit_(f.limit) {
  // The most selective index drives: a code or ID number, else the name index (its rowids come
  // in order, so a page needs no sort), else records in id order until the page is full.
  // CROSS JOIN keeps the name index outside; a unary + keeps SQLite from driving by an index
  // over a dense column and then sorting a large part of the store.
  const bool by_key = f.uscc || f.id_number;
  if (match && !by_key) {
    from_ = "record_names CROSS JOIN records AS r ON r.id = record_names.rowid";
    where_ = "record_names MATCH " + param(*match);
    where("record_names.rowid > " + param(f.after));
    order_ = "record_names.rowid";
  } else {
    from_ = "records AS r";
    where_ = "r.id > " + param(f.after);
    order_ = "r.id";
    if (match)  // a probe of the name index for each of the code's few records
      where(
          fmt::format("EXISTS (SELECT 1 FROM record_names WHERE record_names MATCH {} AND "
                      "record_names.rowid = r.id)",
                      param(*match)));
  }
  where(visible_record("r.id"));  // not the records of a batch still loading
  if (f.uscc) where("r.uscc = " + param(*f.uscc));
  if (f.id_number) where("r.id_number = " + param(*f.id_number));
  if (f.authority) {
    // (kind, authority_uscc) lead the natural-key index.
    where("r.authority_uscc = " + param(*f.authority));
    where(f.kind ? "r.kind = " + param(*f.kind)
                 : fmt::format("r.kind IN ({})", names_sql(kAllKinds)));
  } else if (f.kind) {
    where("+r.kind = " + param(*f.kind));
  }
  if (f.status) where("+r.status = " + param(*f.status));
  if (f.severity) where("r.severity = " + param(*f.severity));
  if (f.decided_from) where("r.decided_on >= " + param(f.decided_from->iso()));
  if (f.decided_to) where("r.decided_on <= " + param(f.decided_to->iso()));
  if (f.in_publicity) where("+r.status = 'published' AND r.publicity_until >= " + param(today));
  if (!f.include_archived) where("NOT " + withdrawn_sql());

  const auto scope = domain::level_scope(a, f.levels);
  const std::string level = kLevelSql;
  std::string visible = "0";
  if (!scope.everywhere.empty())
    visible = fmt::format("{} IN ({})", level, names_sql(scope.everywhere));
  if (!scope.own_department.empty())
    visible += fmt::format(" OR ({} IN ({}) AND r.source_dept_uscc = {})", level,
                           names_sql(scope.own_department), param(a.dept));
  where("(" + visible + ")");
  // Archived records stop being shared (domain::view_of): only their own department reads them.
  if (f.include_archived && a.dept != "*")
    where(fmt::format("(NOT {} OR r.source_dept_uscc = {})", withdrawn_sql(), param(a.dept)));
}

std::string QuerySql::page_sql() const {
  return fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}", kColumns, from_, where_,
                     order_, limit_ + 1);
}

std::string QuerySql::count_sql() const {
  return fmt::format("SELECT count(*) FROM {} WHERE {}", from_, where_);
}

std::string QuerySql::authorised_subjects_sql(const std::string& own_dept) const {
  std::string dept;  // a literal: binding it would leave the other statements a parameter short
  for (char c : own_dept)
    dept += c == '\'' ? std::string("''") : std::string(1, c);
  return fmt::format(
      "SELECT DISTINCT r.kind, r.uscc, r.id_number FROM {} WHERE {} AND {} = 'authorised' AND "
      "r.source_dept_uscc <> '{}'",
      from_, where_, kLevelSql, dept);
}

void QuerySql::bind(store::Stmt& stmt) const {
  for (size_t i = 0; i < binds_.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit([&](const auto& v) { stmt.bind(index, v); }, binds_[i]);
  }
}

}  // namespace credit::service
