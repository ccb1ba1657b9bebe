#pragma once
// The row pipeline of an import batch: validate a row, check its department, commit or stage it,
// count, and report rejects and warnings — streamed to the caller as result rows, the first
// kStoredRejects also kept in the store for `import show`. Used for the rows of an input file and,
// at approval, for the rows of a staged batch.
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "domain/privacy.hpp"
#include "domain/row_validation.hpp"
#include "service/action.hpp"
#include "service/deferred_indexes.hpp"
#include "service/record_writer.hpp"
#include "service/red_list_guard.hpp"

namespace credit::service {

struct BatchCounts {
  int64_t rows = 0, accepted = 0, rejected = 0, inserted = 0, updated = 0, unchanged = 0;
  int64_t warnings = 0;
  int64_t foreign = 0;  // rows refused because they belong to another department
  int64_t changes() const { return inserted + updated; }
};

struct RejectNote {
  std::string file;
  int64_t line = 0;
  std::string column, field, value, reason;
};

// Where a row came from: its file and line, and how to name the column of a field.
struct RowOrigin {
  std::string file;
  int64_t line = 0;
  std::function<std::pair<std::string, int64_t>(int field)> locate;  // column label, line
  std::vector<std::string_view> cells;  // the row as read, for the rejects file
};

enum class RunMode { commit, stage };

class BatchApplier {
 public:
  static constexpr size_t kStoredRejects = 10000;
  static constexpr int64_t kEmittedWarnings = 20;

  BatchApplier(ActionContext& ctx, const domain::KindSpec& spec,
               const domain::PolicyProfile& policy, RunMode mode, ChangeInfo change);

  // Validates and applies one row given by field ("" = absent); false when it was rejected.
  bool apply(std::span<const std::string_view> raw, const RowOrigin& origin);
  // Rejects a row that could not be read as a row at all (wrong field count, not an object).
  void reject_row(const RowOrigin& origin, const std::string& reason);

  const BatchCounts& counts() const { return counts_; }
  BatchCounts& counts() { return counts_; }
  RecordWriter& writer() { return writer_; }
  const domain::KindSpec& spec() const { return spec_; }
  // Adds the outcomes of a later pass over some of the batch's rows (its deferred updates,
  // applied in the final transaction): counts other than rows and warnings, and kept rejects.
  void absorb(const BatchApplier& later);
  // A later pass over rows already read: their warnings were reported the first time.
  void quiet_warnings() { counts_.warnings = kEmittedWarnings; }
  // Writes the kept rejects to import_rejects, numbering from `first_seq`.
  void save_rejects(int64_t batch_id, int64_t first_seq = 0);
  // Called before each reject is reported (an import announces the file's columns once).
  std::function<void()> before_reject;
  // Set by a bulk load: told of every insert (deferred_indexes.hpp).
  DeferredRecordIndexes* deferred_indexes = nullptr;
  // Rows with personal data in free text are rejected rather than warned about (import
  // --strict-privacy; the profile's privacy.import.strict sets it for every import).
  bool strict_privacy = false;

 private:
  void report(const RowOrigin& origin, const std::vector<domain::FieldIssue>& issues);
  void warn(const RowOrigin& origin, const std::vector<domain::FieldIssue>& issues);
  RejectNote note(const RowOrigin& origin, const domain::FieldIssue& issue) const;
  // A value or reason as a reject or warning may show it (terminal, JSON, `import show`, the
  // import_rejects table): screened and masked as below the clear-data level. Only the rejects
  // file keeps the department's own row as sent.
  std::string shown_value(int field, std::string_view value) const;
  std::string shown_reason(const domain::FieldIssue& issue) const;
  std::string_view natural_person_name() const;
  // One issue per free-text field holding personal data: the field and the kinds of data, never
  // the value (the subject's own name is expected there and masked on output, so not reported).
  std::vector<domain::FieldIssue> privacy_issues() const;
  // A red-list row refused for a conflicting record (profile red_list.refused_by).
  std::optional<domain::FieldIssue> red_list_conflict();
  // A severe record or dishonest listing ends the subject's active red listings (profile
  // red_list.ended_by) when committed; staged, it warns that approval will.
  void end_red_listings(const RowOrigin& origin, Outcome outcome);

  ActionContext& ctx_;
  const domain::KindSpec& spec_;
  domain::RowValidator validator_;
  domain::MaskingRules masking_;
  domain::Screener screener_;
  std::vector<int> free_text_;  // field indices
  RunMode mode_;
  ChangeInfo change_;
  RecordWriter writer_;
  RedListGuard red_list_;
  domain::ValidatedRow row_;
  BatchCounts counts_;
  std::vector<RejectNote> kept_;
};

// Streams a report row (reject, warning, progress …) to the caller's sink. Without a sink they
// are dropped rather than collected, so memory stays flat; the batch keeps its counts and first
// rejects either way.
void report_row(ActionContext& ctx, Json row);

// Audit and result form of the counts.
Json counts_json(const BatchCounts& c);

}  // namespace credit::service
