#include "service/batch_apply.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "domain/disclosure.hpp"
#include "domain/roles.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

void report_row(ActionContext& ctx, Json row) {
  if (ctx.call.rows) ctx.call.rows(row);
}

Json counts_json(const BatchCounts& c) {
  return {{"rows", c.rows},         {"accepted", c.accepted}, {"rejected", c.rejected},
          {"inserted", c.inserted}, {"updated", c.updated},   {"unchanged", c.unchanged},
          {"warnings", c.warnings}};
}

BatchApplier::BatchApplier(ActionContext& ctx, const domain::KindSpec& spec,
                           const domain::PolicyProfile& policy, RunMode mode, ChangeInfo change)
    : ctx_(ctx),
      spec_(spec),
      validator_(spec, policy, domain::Date::from_days(ctx.clock.today())),
      masking_(policy.masking),
      screener_(policy.privacy, masking_),
      mode_(mode),
      change_(change),
      writer_(ctx.db(), spec, std::move(change)),
      red_list_(ctx.db(), spec, policy, domain::Date::from_days(ctx.clock.today())) {
  if (spec.kind == domain::Kind::red && !policy.red_list)
    fail(ErrorCode::policy_refused,
         fmt::format("the active profile {} has no red_list section: it takes no red-list records",
                     policy.id),
         "add the red_list rules to the profile (docs/red-list.md) or set a profile that has them");
  strict_privacy = policy.privacy.strict_import;
  for (size_t f = 0; f < spec.fields.size(); ++f)
    if (spec.fields[f].free_text) free_text_.push_back(static_cast<int>(f));
}

std::vector<domain::FieldIssue> BatchApplier::privacy_issues() const {
  std::vector<domain::FieldIssue> issues;
  for (int f : free_text_) {
    const std::string& value = row_.values[static_cast<size_t>(f)];
    if (value.empty()) continue;
    const domain::DataKinds kinds = screener_.detect(value);
    if (kinds == 0) continue;
    issues.push_back(
        {f, "",
         fmt::format("personal data in free text: {} ({}); the value is not shown. {}",
                     domain::describe(kinds), fmt::join(screener_.rule_ids(kinds), ", "),
                     strict_privacy
                         ? "Rejected (--strict-privacy, or the profile's privacy.import.strict): "
                           "remove it from the department's export and import the row again"
                         : "It is masked wherever the record is shown below the clear-data "
                           "level; remove it from the department's export")});
  }
  return issues;
}

std::string_view BatchApplier::natural_person_name() const {
  const int type = spec_.field(domain::Role::subject_type);
  const int name = spec_.field(domain::Role::subject_name);
  if (type < 0 || name < 0 || row_.values.size() != spec_.fields.size()) return {};
  const auto* matched = static_cast<size_t>(type) < row_.matched.size()
                            ? row_.matched[static_cast<size_t>(type)]
                            : nullptr;
  const bool natural = matched ? matched->means == "natural_person"
                               : row_.values[static_cast<size_t>(type)] == "自然人";
  return natural ? std::string_view(row_.values[static_cast<size_t>(name)]) : std::string_view();
}

std::string BatchApplier::shown_value(int field, std::string_view value) const {
  if (value.empty()) return {};
  const std::string_view name = natural_person_name();
  if (field < 0)
    return screener_.active() ? screener_.screen(value, name).text : std::string(value);
  const domain::FieldDisclosure disclosure(masking_, screener_, /*clear=*/false, !name.empty(),
                                           std::string(name));
  return disclosure.value(spec_.fields[static_cast<size_t>(field)], value);
}

std::string BatchApplier::shown_reason(const domain::FieldIssue& issue) const {
  // A field's reason is the platform's words (dates and list values at most: row_validation);
  // a row-level one may quote the input (a JSON parser's "last read: '…'").
  if (issue.field >= 0 || !screener_.active()) return issue.reason;
  return screener_.screen(issue.reason, natural_person_name()).text;
}

RejectNote BatchApplier::note(const RowOrigin& origin, const domain::FieldIssue& issue) const {
  RejectNote n{origin.file,        origin.line, "", "", shown_value(issue.field, issue.value),
               shown_reason(issue)};
  if (issue.field >= 0) {
    const auto& f = spec_.fields[static_cast<size_t>(issue.field)];
    n.field = f.code;
    auto [column, line] = origin.locate ? origin.locate(issue.field)
                                        : std::pair<std::string, int64_t>{f.name, origin.line};
    n.column = column;
    n.line = line;
  }
  return n;
}

void BatchApplier::report(const RowOrigin& origin, const std::vector<domain::FieldIssue>& issues) {
  ++counts_.rejected;
  if (before_reject) before_reject();
  Json errors = Json::array();
  std::string reasons;
  for (const auto& issue : issues) {
    RejectNote n = note(origin, issue);
    errors.push_back({{"line", n.line},
                      {"column", n.column},
                      {"field", n.field},
                      {"value", n.value},
                      {"reason", n.reason}});
    reasons += (reasons.empty() ? "" : "; ") +
               (n.column.empty() ? n.reason : fmt::format("[{}] {}", n.column, n.reason));
    if (kept_.size() < kStoredRejects) kept_.push_back(std::move(n));
  }
  Json cells = Json::array();
  for (auto c : origin.cells)
    cells.push_back(std::string(c));
  const Json& first = errors.front();
  report_row(ctx_, {{"type", "reject"},
                    {"file", origin.file},
                    {"line", first["line"]},
                    {"column", first["column"]},
                    {"field", first["field"]},
                    {"value", first["value"]},
                    {"reason", reasons},
                    {"row_line", origin.line},
                    {"errors", std::move(errors)},
                    {"cells", std::move(cells)}});
}

void BatchApplier::warn(const RowOrigin& origin, const std::vector<domain::FieldIssue>& issues) {
  for (const auto& issue : issues) {
    if (++counts_.warnings > kEmittedWarnings) continue;
    RejectNote n = note(origin, issue);
    report_row(ctx_, {{"type", "warning"},
                      {"file", n.file},
                      {"line", n.line},
                      {"column", n.column},
                      {"field", n.field},
                      {"value", n.value},
                      {"reason", n.reason}});
  }
}

void BatchApplier::reject_row(const RowOrigin& origin, const std::string& reason) {
  ++counts_.rows;
  report(origin, {{-1, "", reason}});
}

bool BatchApplier::apply(std::span<const std::string_view> raw, const RowOrigin& origin) {
  ++counts_.rows;
  validator_.validate(raw, row_);
  if (!row_.ok()) {
    report(origin, row_.errors);
    return false;
  }
  const std::string& dept = row_.value(spec_, domain::Role::source_dept_uscc);
  if (!domain::department_covers(ctx_.user.dept, dept)) {
    ++counts_.foreign;
    report(origin, {{spec_.field(domain::Role::source_dept_uscc), dept,
                     fmt::format("permission denied: the row belongs to department {}, but user "
                                 "'{}' acts for department {}",
                                 dept, ctx_.user.name, ctx_.user.dept)}});
    return false;
  }
  auto privacy = privacy_issues();
  if (strict_privacy && !privacy.empty()) {
    report(origin, privacy);
    return false;
  }
  if (auto conflict = red_list_conflict()) {
    report(origin, {*conflict});
    return false;
  }
  ApplyResult result = mode_ == RunMode::commit ? writer_.commit(row_, origin.line, origin.file)
                                                : writer_.stage(row_, origin.file, origin.line);
  if (result.outcome == Outcome::rejected) {
    report(origin, {{spec_.field(domain::Role::document_number),
                     row_.value(spec_, domain::Role::document_number), result.reason}});
    return false;
  }
  warn(origin, row_.warnings);
  warn(origin, privacy);
  if (result.outcome == Outcome::deferred) return true;  // counted when applied (absorb)
  end_red_listings(origin, result.outcome);
  ++counts_.accepted;
  switch (result.outcome) {
    case Outcome::inserted:
      ++counts_.inserted;
      if (deferred_indexes) deferred_indexes->note_inserted(counts_.inserted);
      break;
    case Outcome::updated:
      ++counts_.updated;
      break;
    case Outcome::unchanged:
      ++counts_.unchanged;
      break;
    case Outcome::rejected:
    case Outcome::deferred:
      break;
  }
  return true;
}

void BatchApplier::absorb(const BatchApplier& later) {
  const BatchCounts& c = later.counts_;
  counts_.accepted += c.accepted;
  counts_.rejected += c.rejected;
  counts_.inserted += c.inserted;
  counts_.updated += c.updated;
  counts_.unchanged += c.unchanged;
  for (const auto& r : later.kept_)
    if (kept_.size() < kStoredRejects) kept_.push_back(r);
}

std::optional<domain::FieldIssue> BatchApplier::red_list_conflict() {
  auto why = red_list_.refusal(row_);
  if (!why) return std::nullopt;
  // The USCC names the subject; a natural person's name is not repeated in the rejects.
  if (row_.has_uscc)
    return domain::FieldIssue{spec_.field(domain::Role::uscc),
                              row_.value(spec_, domain::Role::uscc), *why};
  return domain::FieldIssue{spec_.field(domain::Role::subject_name), "", *why};
}

void BatchApplier::end_red_listings(const RowOrigin& origin, Outcome outcome) {
  if (outcome != Outcome::inserted && outcome != Outcome::updated) return;
  const auto rule = red_list_.ending_rule(row_);
  if (!rule) return;
  const auto listings = red_list_.active_listings(row_);
  if (listings.empty()) return;
  const bool commit = mode_ == RunMode::commit;
  if (commit) red_list_.end(listings, row_, *rule, change_);
  std::vector<domain::FieldIssue> notes;
  for (const auto& l : listings) {
    if (commit) ctx_.audit.targets.push_back(fmt::format("record:{}", l.id));
    notes.push_back({spec_.field(domain::Role::document_number),
                     row_.value(spec_, domain::Role::document_number),
                     fmt::format("{} the subject's red listing record {} ({}): {} ({})",
                                 commit ? "ends" : "approval will end", l.id, l.document_number,
                                 rule->id, rule->cite)});
  }
  warn(origin, notes);
}

void BatchApplier::save_rejects(int64_t batch_id, int64_t first_seq) {
  auto stmt = ctx_.db().prepare(
      "INSERT INTO import_rejects (batch_id, seq, file, line, col, field, value, reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t seq = first_seq;
  for (const auto& r : kept_) {
    stmt.reset();
    stmt.bind(1, batch_id).bind(2, ++seq).bind(3, r.file).bind(4, r.line).bind(5, r.column);
    stmt.bind(6, r.field).bind(7, r.value).bind(8, r.reason).run();
  }
}

}  // namespace credit::service
