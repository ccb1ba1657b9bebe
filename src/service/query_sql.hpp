#pragma once
// The statement behind query.run: a filter and the caller's audience become one SELECT over
// records, driven by the most selective index (docs/query.md, "How a query runs").
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/date.hpp"
#include "domain/disclosure.hpp"

namespace credit::store {
class Stmt;
}

namespace credit::service {

struct QueryFilter {
  static constexpr int64_t kDefaultLimit = 100;
  static constexpr int64_t kMaxLimit = 10000;

  std::optional<std::string> uscc, id_number, name, kind, status, severity, authority;
  std::optional<domain::Date> decided_from, decided_to;
  bool in_publicity = false, include_archived = false, count_only = false;
  std::vector<domain::Disclosure> levels;  // asked for; empty: every level granted
  int64_t after = 0, limit = kDefaultLimit;
  std::string purpose;
};

class QuerySql {
 public:
  // `match`: the name index's MATCH expression for f.name (name_index.hpp); `today`: YYYY-MM-DD.
  QuerySql(const QueryFilter& f, const domain::Audience& a, const std::optional<std::string>& match,
           const std::string& today);

  // The page in id order (limit + 1 rows, telling whether there are more), or the count.
  std::string page_sql() const;
  std::string count_sql() const;
  // The distinct (kind, uscc, id_number) of the matching records disclosed at the authorised level
  // of departments other than `own_dept`: 授权查询, each needing its subject's authorisation.
  std::string authorised_subjects_sql(const std::string& own_dept) const;
  void bind(store::Stmt& stmt) const;

  // The page's columns, in this order.
  enum Column {
    id,
    kind,
    status,
    severity,
    subject_name,
    subject_type,
    uscc,
    id_number,
    document_number,
    authority,
    authority_uscc,
    source_dept_uscc,
    decided_on,
    publicity_start,
    publicity_until,
    disclosure,
    under_repair,
    disputed,
    archived
  };

 private:
  void where(const std::string& condition) { where_ += " AND " + condition; }
  std::string param(std::variant<int64_t, std::string> value);

  std::string from_, where_, order_;
  std::vector<std::variant<int64_t, std::string>> binds_;
  int64_t limit_ = 0;
};

}  // namespace credit::service
