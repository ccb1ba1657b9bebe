#pragma once
// The red-list rules at import and approval (domain/red_list.hpp) against the store: a red
// listing is refused when the subject has a record that speaks against it, and a new severe
// record or dishonest listing ends the subject's active red listings (profile red_list.ended_by).
#include <optional>
#include <string>
#include <vector>

#include "domain/red_list.hpp"
#include "domain/row_validation.hpp"
#include "service/record_writer.hpp"
#include "store/sqlite.hpp"

namespace credit::service {

struct EndedListing {
  int64_t id = 0;
  std::string document_number;
};

class RedListGuard {
 public:
  RedListGuard(store::Db& db, const domain::KindSpec& spec, const domain::PolicyProfile& policy,
               domain::Date today);

  // A red-list row: why it is refused (names the conflicting record and the rule).
  std::optional<std::string> refusal(const domain::ValidatedRow& row);
  // The rule by which this row ends active red listings, if it does.
  std::optional<domain::RuleRef> ending_rule(const domain::ValidatedRow& row) const;
  // The subject's active red listings.
  std::vector<EndedListing> active_listings(const domain::ValidatedRow& row);
  // Ends them (expired, withdrawn today, archived), keeping each previous version.
  void end(const std::vector<EndedListing>& listings, const domain::ValidatedRow& by,
           const domain::RuleRef& rule, const ChangeInfo& change);

 private:
  store::Stmt& select(const domain::ValidatedRow& row, const char* what);

  store::Db& db_;
  const domain::KindSpec& spec_;
  const domain::PolicyProfile& policy_;
  domain::Date today_;
  std::vector<std::pair<std::string, store::Stmt>> statements_;  // by SQL
};

}  // namespace credit::service
