#pragma once
// Helpers shared by the import and record modules.
#include <functional>
#include <span>
#include <string>

#include "domain/date.hpp"
#include "domain/kind_spec.hpp"
#include "service/action.hpp"
#include "service/batch_apply.hpp"
#include "service/batches.hpp"

namespace credit::store {
class Db;
}

namespace credit::service {

// The kind named by the "kind" parameter (or a given name); Error(bad_input) otherwise.
domain::Kind require_kind(ActionContext& ctx);
domain::Kind require_kind(const std::string& name);

// Today's date in China, from the call's clock (CREDIT_NOW when set).
domain::Date today(const ActionContext& ctx);

// A large page cache for the duration of a batch (restored after): bulk imports touch many index
// pages, and re-reading them from the OS costs more than the memory.
class ImportConnection {
 public:
  static constexpr int64_t kCacheKiB = 64 * 1024;
  explicit ImportConnection(store::Db& db);
  ~ImportConnection();
  ImportConnection(const ImportConnection&) = delete;
  ImportConnection& operator=(const ImportConnection&) = delete;

 private:
  store::Db& db_;
  int64_t previous_;
};

// The batch named by the "batch" parameter, for approve or reject: it must be staged and of the
// caller's department. Adds the audit target.
Batch load_batch_for_decision(ActionContext& ctx);

struct StagedRow {
  std::span<const std::string_view> raw;  // by field
  const RowOrigin& origin;
  std::optional<int64_t> record_id;
};
// Which staged rows: all, or only those that change a record (not the marks of rows found
// unchanged, which a committing batch keeps to catch duplicates).
enum class StagedRows { all, changes };
// Visits a batch's staged rows in order.
void for_each_staged_row(store::Db& db, int64_t batch_id, const domain::KindSpec& spec,
                         const std::function<void(const StagedRow&)>& visit,
                         StagedRows which = StagedRows::all);

// For a BatchApplier over rows read back from the store: before the first reject, announces the
// rejects file's columns as the kind's field codes.
std::function<void()> announce_codes_once(ActionContext& ctx, const domain::KindSpec& spec);

// Applies an approved amendment or revocation batch (record_ops.cpp).
void apply_record_change(ActionContext& ctx, Batch& batch, const std::string& now);

// Corrects (settings: "FIELD=VALUE" …) or, without settings, revokes a record at once, as a
// committed one-row batch decided by the caller (an upheld objection); the previous version is
// kept. Returns {batch, operation, changes (before/after)}.
Json correct_record_now(ActionContext& ctx, int64_t record_id,
                        const std::vector<std::string>* settings, const std::string& reason);

}  // namespace credit::service
