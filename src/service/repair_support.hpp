#pragma once
// Shared by the repair and objection modules (repair_ops.cpp, objection_ops.cpp) and the
// purge-expired hook: evidence blobs, record flags with history, the repair timeline and its
// completion.
#include <functional>
#include <optional>
#include <string>

#include "domain/date.hpp"
#include "service/action.hpp"

namespace credit::store {
class Stmt;
}  // namespace credit::store

namespace credit::service {

struct StoredEvidence {
  std::string name, sha256, type;
  int64_t bytes = 0;
};
// Reads an input file whole (at most 32 MiB) and keeps it once by SHA-256 in evidence_blobs,
// with its size and a media type sniffed from its first bytes.
StoredEvidence store_evidence(ActionContext& ctx, const InputFile& input);

// Changes one record, keeping its previous version in record_versions (change, reason) and
// bumping its version, so that history shows the change and the next release carries it: the
// one path by which the repair and objection modules change a record. `assignments` is SQL
// ("status = ?7, …") with its own parameters from ?7, bound by `bind`; `condition` (SQL on the
// record, no parameters; may be empty) must hold or nothing changes. Returns whether it changed.
bool change_record(ActionContext& ctx, int64_t record_id, std::string_view assignments,
                   std::string_view condition, const std::string& change, const std::string& reason,
                   const std::function<void(store::Stmt&)>& bind);

// Sets records.under_repair or records.disputed, keeping the previous version in
// record_versions (change = `change`), so history shows it and the next release re-publishes
// the record with its mark.
void set_record_flag(ActionContext& ctx, int64_t record_id, const char* column, bool value,
                     const std::string& change, const std::string& reason);

// One entry of an application's timeline.
void add_repair_event(ActionContext& ctx, int64_t application_id, const std::string& event,
                      const std::string& detail);

// The number given to a 信用修复决定书 when the reviewer gives none.
std::string generated_decision_number(domain::Date on, int64_t application_id);

// The repair takes effect: the application is completed and its record, if still open,
// becomes `repaired` — withdrawn and archived — with the decision number and the allowing rule
// in its history. Where the profile issues the decision after the notice (Dandong Art. 12(7)) the
// number is issued now; where it sets a time for withdrawing the record (repair.withdrawal) the
// deadline is kept, and a record not on the portal is processed at once.
void complete_repair(ActionContext& ctx, int64_t application_id, domain::Date on);

// Repairs whose public notice ended before `today` without objection become final; returns how
// many (on a dry run: how many are due, nothing changes). Called by purge-expired.
int64_t finalise_repair_notices(ActionContext& ctx, domain::Date today, bool dry_run);

}  // namespace credit::service

namespace credit::service {

// What the repair and objection rules need of a record.
struct RecordState {
  int64_t id = 0;
  std::string kind, severity, status, authority_uscc, source_dept_uscc, decided_on, data,
      subject_type;
  std::optional<std::string> uscc, id_number, published_on;
  bool under_repair = false, disputed = false;
  bool publish = true;  // false: the policy only shares it
};
// Throws Error(not_found) with a hint; adds the audit target.
RecordState load_record_state(ActionContext& ctx, int64_t record_id);

// The department a list is limited to: operators and reviewers see their own (a "dept"
// parameter naming another is refused), read-only roles and the credit centre ('*') any.
std::optional<std::string> list_department(ActionContext& ctx, const char* what);

}  // namespace credit::service
