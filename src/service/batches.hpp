#pragma once
// Import batches and standing authorisations in the store (share/migrations/0004_records.sql),
// shared by the import and record modules.
#include <optional>
#include <string>

#include "domain/date.hpp"
#include "domain/policy.hpp"
#include "service/batch_apply.hpp"
#include "util/json.hpp"

namespace credit::store {
class Db;
}

namespace credit::service {

struct Batch {
  int64_t id = 0;
  std::string operation, kind, status, dept, staged_by, staged_at, reason, policy;
  std::optional<std::string> decided_by, decided_at;
  std::optional<int64_t> authorization_id;
  Json files, options, unknown_columns;
  BatchCounts counts;
  bool skip_invalid() const { return options.value("skip_invalid", false); }
  Json to_json() const;
};

// Throws Error(not_found) with a hint.
Batch load_batch(store::Db& db, int64_t id);

// A new batch, status staged, counts zero; returns its id.
int64_t insert_batch(store::Db& db, const std::string& operation, domain::Kind kind,
                     const std::string& dept, const std::string& user, const std::string& now);

// Writes the batch's outcome (status, counts, manifest and the decision).
void finish_batch(store::Db& db, const Batch& batch);

// Forgets a batch's staged rows (after approval, rejection or a direct commit).
void clear_staged_rows(store::Db& db, int64_t batch_id);

// Number of rows a batch has staged.
int64_t staged_row_count(store::Db& db, int64_t batch_id);

// Number of rejects already kept for a batch (to number new ones after them).
int64_t reject_count(store::Db& db, int64_t batch_id);

// The valid standing authorisation covering the department and kind on `today`, if any.
std::optional<int64_t> standing_authorization(store::Db& db, const std::string& dept,
                                              domain::Kind kind, domain::Date today);

// A staged amendment or revocation of the record, if one is waiting for approval.
std::optional<int64_t> pending_change(store::Db& db, int64_t record_id);

}  // namespace credit::service
