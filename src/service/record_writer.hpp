#pragma once
// Writing validated rows to the records table (with history) or to a staged batch. Statements are
// prepared once per batch and reused for every row; the caller holds the write transaction.
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/row_validation.hpp"
#include "store/sqlite.hpp"

namespace credit::service {

// deferred: an update of an existing record kept in staged_rows for the batch's final transaction
// (a batch in bounded transactions, loading_batch.hpp).
enum class Outcome { inserted, updated, unchanged, rejected, deferred };

struct ApplyResult {
  Outcome outcome = Outcome::rejected;
  int64_t record_id = 0;
  std::string reason;  // for rejected rows
};

struct ExistingRecord {
  int64_t id = 0;
  std::string data, source_dept_uscc, status;
  int64_t version = 0, batch_id = 0;
  std::optional<int64_t> batch_line;
};

// Who makes a change and why: stored with each record version.
struct ChangeInfo {
  std::string actor;
  std::string now;     // UTC timestamp
  std::string change;  // import | amend | revoke
  std::string reason;
  int64_t batch_id = 0;
};

class RecordWriter {
 public:
  RecordWriter(store::Db& db, const domain::KindSpec& spec, ChangeInfo info);

  // Commits a row: inserts a new record, updates an existing one (keeping its previous version)
  // or finds it unchanged. Rejects a second row with the same key in the batch, a record owned by
  // another department, and records no longer open to change (expired, repaired, revoked).
  ApplyResult commit(const domain::ValidatedRow& row, int64_t line, const std::string& file = {});
  // Stages a row in the batch; the outcome says what approval would do today.
  ApplyResult stage(const domain::ValidatedRow& row, const std::string& file, int64_t line);
  // The rows come from a staged batch, whose keys are unique already: no tracking of keys that
  // were found unchanged (commit() otherwise keeps them in staged_rows to catch duplicates).
  void keys_already_unique() { track_unchanged_ = false; }
  // A batch that may commit in chunks: its new records stay hidden until its final commit, but an
  // update would show at once, so commit() keeps updates in staged_rows (Outcome::deferred); the
  // final transaction applies them.
  void defer_updates() { defer_updates_ = true; }

  // Replaces a record's data from a validated row (amend) or marks it revoked, keeping the
  // previous version.
  void amend(int64_t record_id, const domain::ValidatedRow& row);
  void revoke(int64_t record_id);

  std::optional<ExistingRecord> find(const std::string& authority_uscc,
                                     const std::string& document_number);

 private:
  void prepare_data(const domain::ValidatedRow& row);
  void keep_version(int64_t record_id);
  int64_t insert(const domain::ValidatedRow& row, int64_t line);
  void update(int64_t record_id, const domain::ValidatedRow& row, std::optional<int64_t> line);
  void bind_columns(store::Stmt& stmt, const domain::ValidatedRow& row);
  int64_t derivation_id(const std::string& content);
  std::optional<int64_t> staged_line(const std::string& key);
  std::optional<std::string> refusal(const ExistingRecord& existing,
                                     const domain::ValidatedRow& row);
  void keep_staged(const std::string& file, int64_t line, int64_t record_id,
                   const std::string& data);

  store::Db& db_;
  const domain::KindSpec& spec_;
  ChangeInfo info_;
  std::string kind_;
  std::string data_, derivation_, key_;
  int64_t derivation_id_ = 0;
  std::unordered_map<std::string, int64_t> derivation_ids_;  // a batch reuses a few hundred
  int64_t staged_seq_ = 0;
  bool track_unchanged_ = true;
  bool defer_updates_ = false;
  store::Stmt insert_, find_, update_, version_, add_derivation_, find_derivation_, stage_,
      staged_line_, revoke_;
};

// The statement that keeps the current version of every record matching `where` (a condition on
// the records table) in record_versions. Parameters ?1…?5: changed_at, changed_by, change,
// batch_id (may be NULL), reason; the condition numbers its own from ?6.
std::string keep_versions_sql(std::string_view where);

}  // namespace credit::service
