// Records: record.show (with history and derived values), record.amend and record.revoke (under
// the import rules: the operator's own department; applied at once under a standing
// authorisation, else staged as a one-row batch for a reviewer's `import approve`).
#include <fmt/format.h>

#include <set>

#include "domain/disclosure.hpp"
#include "domain/roles.hpp"
#include "domain/row_validation.hpp"
#include "domain/text_clean.hpp"
#include "io/kind_files.hpp"
#include "service/consents.hpp"
#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/modules.hpp"
#include "service/record_writer.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

bool integer_column(const std::string& name) {
  static const std::set<std::string> names = {"id",       "under_repair", "disputed", "publish",
                                              "archived", "version",      "batch_id", "batch_line"};
  return names.count(name) > 0;
}

struct StoredRecord {
  Json columns;  // every column by name
  int64_t id = 0;
  int64_t version = 0;
  std::string kind, dept, status, disclosure, subject_type, data;
  const domain::KindSpec* spec = nullptr;
};

StoredRecord load_record(store::Db& db, int64_t id) {
  auto s = db.prepare(
      "SELECT records.*, derivations.content AS derivation FROM records "
      "JOIN derivations ON derivations.id = records.derivation_id WHERE records.id = ? AND " +
      visible_record("records.id"));
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no record {}", id),
         "`credit query` finds records by code, name or document number");
  StoredRecord r;
  r.columns = Json::object();
  for (int c = 0; c < s.column_count(); ++c) {
    std::string name = s.column_name(c);
    if (s.column_is_null(c))
      r.columns[name] = nullptr;
    else if (name == "derivation")
      r.columns[name] = Json::parse(s.column_text(c));
    else if (name == "data")
      r.data = s.column_text(c);
    else if (integer_column(name))
      r.columns[name] = s.column_int64(c);
    else
      r.columns[name] = s.column_text(c);
  }
  r.id = id;
  r.kind = r.columns["kind"];
  r.dept = r.columns["source_dept_uscc"];
  r.status = r.columns["status"];
  r.disclosure = r.columns["disclosure"];
  r.subject_type = r.columns["subject_type"];
  r.version = r.columns["version"];
  r.spec = &io::shipped_kind_spec(require_kind(r.kind));
  return r;
}

// A staged change names the version it was made on, so approval can tell whether the record has
// changed since.
std::string change_key(const StoredRecord& r) {
  return fmt::format("record:{}:v{}", r.id, r.version);
}

// How the caller sees the record (domain/disclosure, the same decision as `credit query`);
// refuses a record it may not see.
domain::RecordView require_view(const ActionContext& ctx, const StoredRecord& r) {
  const auto audience = domain::audience_of(ctx.user.role, ctx.user.dept);
  const auto stored =
      domain::parse_disclosure(r.disclosure).value_or(domain::Disclosure::authorised);
  const bool archived = r.columns["archived"].get<int64_t>() != 0;
  const auto view = domain::view_of(audience, stored, r.status, archived, r.dept);
  if (!view.visible && domain::is_withdrawn(r.status, archived) &&
      domain::may_see(audience, view.effective, r.dept))
    fail(ErrorCode::permission_denied,
         fmt::format(
             "record {} is {}{} and no longer shared (终止共享): only department {} reads it", r.id,
             r.status, archived ? ", archived" : "", r.dept),
         "archived records are read by their own department and the credit centre, with a "
         "purpose");
  if (!view.visible)
    fail(ErrorCode::permission_denied,
         fmt::format("record {} is at the {} disclosure level{}, which role '{}' of user '{}' may "
                     "not see",
                     r.id, domain::to_string(view.effective),
                     view.effective == domain::Disclosure::authorised
                         ? fmt::format(" of department {}", r.dept)
                         : "",
                     ctx.user.role, ctx.user.name),
         "authorised-level records are shown to their own department's operators and reviewers "
         "and the credit centre's; shared ones to viewers too");
  return view;
}

// A value as the caller may see it (domain::FieldDisclosure: masked personal fields, screened
// free text).
class Masker {
 public:
  Masker(const domain::PolicyProfile& policy, bool clear, bool natural_person,
         std::string subject_name = {})
      : screener_(policy.privacy, policy.masking),
        fields_(policy.masking, screener_, clear, natural_person, std::move(subject_name)) {}
  Masker(const Masker&) = delete;
  Masker& operator=(const Masker&) = delete;

  std::string field(const domain::FieldSpec& f, const std::string& v,
                    std::vector<std::string>* rules = nullptr) const {
    return fields_.value(f, v, rules);
  }
  // A records column holding the value of the field with this role.
  void column(Json& record, const char* name, const domain::KindSpec& spec,
              domain::Role role) const {
    const int f = spec.field(role);
    if (f >= 0 && record[name].is_string())
      record[name] = field(spec.fields[static_cast<size_t>(f)], record[name].get<std::string>());
  }

 private:
  domain::Screener screener_;
  domain::FieldDisclosure fields_;
};

Json fields_json(const domain::KindSpec& spec, const std::vector<std::string>& values,
                 const Masker& mask) {
  Json out = Json::array();
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    if (values[i].empty()) continue;
    std::vector<std::string> rules;  // the rules that masked the value (record show --explain)
    std::string shown = mask.field(spec.fields[i], values[i], &rules);
    out.push_back({{"code", spec.fields[i].code},
                   {"name", spec.fields[i].name},
                   {"value", std::move(shown)},
                   {"masked_by", std::move(rules)}});
  }
  return out;
}

// The fields that differ between two versions, as the caller may see them.
Json diff_json(const domain::KindSpec& spec, const std::vector<std::string>& before,
               const std::vector<std::string>& after, const Masker& mask) {
  Json out = Json::array();
  for (size_t i = 0; i < spec.fields.size(); ++i)
    if (before[i] != after[i])
      out.push_back({{"field", spec.fields[i].code},
                     {"name", spec.fields[i].name},
                     {"before", mask.field(spec.fields[i], before[i])},
                     {"after", mask.field(spec.fields[i], after[i])}});
  return out;
}

Json history_json(store::Db& db, const StoredRecord& r, const Masker& mask) {
  auto s = db.prepare(
      "SELECT version, data, derived, changed_at, changed_by, change, batch_id, reason "
      "FROM record_versions WHERE record_id = ? ORDER BY version");
  s.bind(1, r.id);
  Json history = Json::array();
  std::vector<std::vector<std::string>> versions;
  while (s.step()) {
    versions.push_back(domain::field_values_from_data(*r.spec, s.column_view(1)));
    Json derived = Json::parse(s.column_text(2));
    history.push_back({{"version", s.column_int64(0)},
                       {"replaced_at", s.column_text(3)},
                       {"replaced_by", s.column_text(4)},
                       {"change", s.column_text(5)},
                       {"batch", s.column_is_null(6) ? Json() : Json(s.column_int64(6))},
                       {"reason", s.column_text(7)},
                       {"status", derived.value("status", "")},
                       {"severity", derived.value("severity", "")},
                       {"publicity_until", derived.value("publicity_until", Json())}});
  }
  versions.push_back(domain::field_values_from_data(*r.spec, r.data));
  for (size_t v = 0; v < history.size(); ++v)
    history[v]["changes"] = diff_json(*r.spec, versions[v], versions[v + 1], mask);
  return history;
}

// Where the profile counts the minimum period from the first publication (Dandong Art. 9(1)), the
// stored date (derived at import, before any publication) is replaced by the one counted from
// published_on, with the rule and what it counted from.
void repair_start_from_publication(const domain::PolicyProfile& p, Json& record) {
  const auto kind = domain::parse_kind(record["kind"].get<std::string>());
  if (!p.min_from_publication || !kind || *kind == domain::Kind::license ||
      *kind == domain::Kind::red)
    return;
  const auto severity = domain::parse_severity(record["severity"].get<std::string>());
  const auto decided = domain::Date::parse_iso(record["decided_on"].get<std::string>());
  if (!severity || !decided) return;
  std::optional<domain::Date> published;
  if (record["published_on"].is_string())
    published = domain::Date::parse_iso(record["published_on"].get<std::string>().substr(0, 10));
  const auto d = domain::derive_publicity(p, *kind, *severity, *decided, std::nullopt, std::nullopt,
                                          published);
  if (d.repair_rule.empty()) return;  // no minimum for this kind
  record["earliest_repair"] = d.earliest_repair ? Json(d.earliest_repair->iso()) : Json();
  Json& why = record["derivation"];
  why["earliest_repair"] = fmt::format("{}, counted from {}", d.repair_rule, d.repair_start_rule);
  why["earliest_repair_why"] =
      published ? fmt::format("counted from the first publication (披露之日) {}", published->iso())
                : std::string("counted from the first publication (披露之日): not yet published");
}

// 查询使用登记, as for `credit query`: reading a record beyond what the public sees (a level above
// public, personal data in clear, the archive) states why; the purpose is the audit entry's reason.
void register_purpose(ActionContext& ctx, const StoredRecord& r, const domain::RecordView& view) {
  constexpr size_t kMaxPurpose = 500;  // characters, as for query
  const std::string purpose =
      domain::clean_value(ctx.optional_string("purpose").value_or(""), false).value;
  if (domain::utf8_length(purpose) > kMaxPurpose)
    fail(ErrorCode::bad_input, fmt::format("--purpose is longer than {} characters", kMaxPurpose));
  if (purpose.empty() && domain::purpose_required(view.effective, view.clear))
    fail(ErrorCode::usage,
         fmt::format("a purpose is required: record {} is at the {} level{}, and every such use is "
                     "registered (查询使用登记)",
                     r.id, domain::to_string(view.effective),
                     view.clear ? " and shown with personal data in clear" : ""),
         "add --purpose TEXT saying why, e.g. --purpose '行政许可审查 2026-017'");
  ctx.audit.reason = purpose;
}

Json record_show(ActionContext& ctx) {
  const int64_t id = ctx.integer("record", 0);
  ctx.audit.targets.push_back(fmt::format("record:{}", id));
  StoredRecord r = load_record(ctx.db(), id);
  const domain::RecordView view = require_view(ctx, r);
  register_purpose(ctx, r, view);
  const bool clear = view.clear;
  auto policy = active_policy(ctx.db());
  // 授权查询: another department's authorised-level record needs its subject's authorisation.
  if (view.effective == domain::Disclosure::authorised && r.dept != ctx.user.dept) {
    auto code = [&](const char* col) {
      return r.columns[col].is_string() ? std::optional(r.columns[col].get<std::string>())
                                        : std::nullopt;
    };
    require_consent(ctx, policy->profile,
                    record_subject(ctx, policy->profile.masking, code("uscc"), code("id_number")),
                    require_kind(r.kind), ctx.audit.reason, fmt::format("record {}", r.id));
  }
  Masker mask(policy->profile, clear, r.subject_type == "natural_person",
              r.columns["subject_name"].get<std::string>());
  Json record = r.columns;
  mask.column(record, "subject_name", *r.spec, domain::Role::subject_name);
  mask.column(record, "id_number", *r.spec, domain::Role::id_number);
  record["disclosure_effective"] = domain::to_string(view.effective);
  repair_start_from_publication(policy->profile, record);
  // What the portal shows now: an archived or withdrawn record is never "published".
  record["published_now"] = r.status == "published" && r.columns["archived"].get<int64_t>() == 0;
  Json result = {{"record", std::move(record)}, {"masked", !clear}};
  result["fields"] = fields_json(*r.spec, domain::field_values_from_data(*r.spec, r.data), mask);
  result["history"] = history_json(ctx.db(), r, mask);
  if (auto pending = pending_change(ctx.db(), id)) result["pending_batch"] = *pending;
  return result;
}

// ---- amend and revoke ----

// Audit form of a change: personal values as HMACs, never in clear; free text screened (as
// HMACs when the profile has no privacy rules).
Json audit_changes(ActionContext& ctx, const domain::KindSpec& spec, const Json& changes,
                   bool natural_person, const domain::Screener& screener,
                   std::string_view subject_name) {
  const std::string key = ctx.store.setting("audit.hmac_key").value_or("");
  auto hide = [&](const std::string& v) {
    return v.empty() ? v : "hmac:" + crypto::hmac_sha256_hex(key, v).substr(0, 32);
  };
  Json out = Json::array();
  for (const auto& c : changes) {
    const auto& f =
        spec.fields[static_cast<size_t>(spec.field_by_code(c["field"].get<std::string>()))];
    const bool personal = f.personal || (natural_person && f.role == domain::Role::subject_name);
    Json entry = c;
    if (personal || (f.free_text && !screener.active())) {
      entry["before"] = hide(c["before"]);
      entry["after"] = hide(c["after"]);
    } else if (f.free_text) {
      const std::string_view name = natural_person ? subject_name : std::string_view();
      entry["before"] = screener.screen(c["before"].get<std::string>(), name).text;
      entry["after"] = screener.screen(c["after"].get<std::string>(), name).text;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

void require_open(const StoredRecord& r) {
  if (r.status != "active" && r.status != "published")
    fail(ErrorCode::conflict,
         fmt::format("record {} is {}: it is archived and cannot be changed", r.id, r.status));
}

// Applies "FIELD=VALUE" settings to a record's values; FIELD is a code or a Chinese name.
std::vector<std::string> apply_settings(const domain::KindSpec& spec,
                                        std::vector<std::string> values,
                                        const std::vector<std::string>& settings) {
  if (settings.empty())
    fail(ErrorCode::usage, "nothing to change", "give --set FIELD=VALUE (once per field)");
  for (const auto& s : settings) {
    const size_t eq = s.find('=');
    const int f = eq == std::string::npos ? -1 : spec.match_header(s.substr(0, eq));
    if (f < 0)
      fail(ErrorCode::bad_input, fmt::format("--set '{}': no field named '{}'", s, s.substr(0, eq)),
           fmt::format("write FIELD=VALUE with a field of a {} record, by its Chinese name or "
                       "code (`credit record show ID` lists them)",
                       domain::to_string(spec.kind)));
    values[static_cast<size_t>(f)] = s.substr(eq + 1);
  }
  return values;
}

// Validates a record's new values like an import row; throws bad_input listing the problems.
void validate_values(ActionContext& ctx, const domain::KindSpec& spec,
                     const std::vector<std::string>& values, domain::ValidatedRow& row) {
  auto policy = active_policy(ctx.db());
  domain::RowValidator validator(spec, policy->profile, today(ctx));
  std::vector<std::string_view> raw(values.begin(), values.end());
  validator.validate(raw, row);
  if (row.ok()) return;
  std::string problems;
  for (const auto& e : row.errors)
    problems +=
        fmt::format("\n  {}: {} (value '{}')",
                    e.field >= 0 ? spec.fields[static_cast<size_t>(e.field)].label() : "row",
                    e.reason, e.value);
  fail(ErrorCode::bad_input, "the changed record would not be valid:" + problems,
       "correct the values given with --set");
}

// A one-row batch holding a change of the record (staged until decided).
Batch change_batch(ActionContext& ctx, const StoredRecord& r, const std::string& operation,
                   const std::string& reason, const std::string& now) {
  auto& db = ctx.db();
  Batch b =
      load_batch(db, insert_batch(db, operation, r.spec->kind, ctx.user.dept, ctx.user.name, now));
  b.reason = reason;
  b.counts.rows = b.counts.accepted = b.counts.updated = 1;
  return b;
}

// Either commits the change now (standing authorisation) or stages it for a reviewer.
Json submit_change(ActionContext& ctx, const StoredRecord& r, const std::string& operation,
                   const domain::ValidatedRow* row, const std::string& data,
                   const std::string& reason) {
  auto& db = ctx.db();
  const domain::Kind kind = r.spec->kind;
  const std::string now = format_utc(ctx.clock.now());
  if (auto pending = pending_change(db, r.id))
    fail(
        ErrorCode::conflict,
        fmt::format("batch {} already proposes a change to record {}", *pending, r.id),
        fmt::format("a reviewer approves or rejects it first (`credit import show {}`)", *pending));
  Batch b = change_batch(ctx, r, operation, reason, now);
  b.authorization_id = standing_authorization(db, ctx.user.dept, kind, today(ctx));
  ChangeInfo change{ctx.user.name, now, operation, reason, b.id};
  if (b.authorization_id) {
    RecordWriter writer(db, *r.spec, change);
    if (row)
      writer.amend(r.id, *row);
    else
      writer.revoke(r.id);
    b.status = "committed";
    b.decided_by = ctx.user.name;
    b.decided_at = now;
  } else {
    auto s = db.prepare(
        "INSERT INTO staged_rows (batch_id, seq, file, line, natural_key, record_id, data) "
        "VALUES (?, 1, '', 0, ?, ?, ?)");
    s.bind(1, b.id).bind(2, change_key(r)).bind(3, r.id).bind(4, data).run();
  }
  finish_batch(db, b);
  ctx.audit.targets.push_back(fmt::format("batch:{}", b.id));
  ctx.audit.reason = reason;
  ctx.audit.params["status"] = b.status;
  return {{"record", r.id},
          {"batch", b.id},
          {"status", b.status},
          {"operation", operation},
          {"authorization", b.authorization_id ? Json(*b.authorization_id) : Json()}};
}

StoredRecord load_for_change(ActionContext& ctx) {
  const int64_t id = ctx.integer("record", 0);
  ctx.audit.targets.push_back(fmt::format("record:{}", id));
  StoredRecord r = load_record(ctx.db(), id);
  ctx.require_department(r.dept, fmt::format("record {}", id));
  require_open(r);
  return r;
}

struct Amendment {
  domain::ValidatedRow row;
  std::string data;
  Json changes;  // before/after in clear, for the caller (masked ones go to the audit log)
};

// The record's values with the "FIELD=VALUE" settings applied, validated like an import row;
// fills the audit parameters.
Amendment prepare_amendment(ActionContext& ctx, const StoredRecord& r,
                            const std::vector<std::string>& settings) {
  const auto before = domain::field_values_from_data(*r.spec, r.data);
  const auto after = apply_settings(*r.spec, before, settings);
  Amendment a;
  validate_values(ctx, *r.spec, after, a.row);
  const std::string& dept = a.row.value(*r.spec, domain::Role::source_dept_uscc);
  ctx.require_department(dept, "the amended record");
  domain::append_canonical_data(*r.spec, a.row, a.data);
  const bool natural = a.row.subject_type == domain::SubjectType::natural_person;
  auto policy = active_policy(ctx.db());
  a.changes = diff_json(*r.spec, before, a.row.values, Masker(policy->profile, true, natural));
  if (a.changes.empty())
    fail(ErrorCode::conflict, fmt::format("record {} already has these values", r.id),
         "nothing was changed");
  // Replaces the call's parameters: the --set values may be personal.
  const domain::Screener screener(policy->profile.privacy, policy->profile.masking);
  ctx.audit.params = {{"record", r.id},
                      {"changes", audit_changes(ctx, *r.spec, a.changes, natural, screener,
                                                a.row.value(*r.spec, domain::Role::subject_name))}};
  return a;
}

Json record_amend(ActionContext& ctx) {
  const std::string reason = ctx.required_string("reason");
  StoredRecord r = load_for_change(ctx);
  Amendment a = prepare_amendment(ctx, r, ctx.string_list("set"));
  Json result = submit_change(ctx, r, "amend", &a.row, a.data, reason);
  result["changes"] = std::move(a.changes);
  return result;
}

Json record_revoke(ActionContext& ctx) {
  const std::string reason = ctx.required_string("reason");
  StoredRecord r = load_for_change(ctx);
  ctx.audit.params = {{"record", r.id}, {"status_before", r.status}};
  return submit_change(ctx, r, "revoke", nullptr, r.data, reason);
}

}  // namespace

Json correct_record_now(ActionContext& ctx, int64_t record_id,
                        const std::vector<std::string>* settings, const std::string& reason) {
  auto& db = ctx.db();
  StoredRecord r = load_record(db, record_id);
  require_open(r);
  std::optional<Amendment> a;
  if (settings) a = prepare_amendment(ctx, r, *settings);
  const std::string operation = a ? "amend" : "revoke";
  const std::string now = format_utc(ctx.clock.now());
  Batch b = change_batch(ctx, r, operation, reason, now);
  RecordWriter writer(db, *r.spec, {ctx.user.name, now, operation, reason, b.id});
  if (a)
    writer.amend(r.id, a->row);
  else
    writer.revoke(r.id);
  b.status = "committed";
  b.decided_by = ctx.user.name;
  b.decided_at = now;
  finish_batch(db, b);
  ctx.audit.targets.push_back(fmt::format("batch:{}", b.id));
  return {{"batch", b.id},
          {"operation", operation},
          {"changes", a ? std::move(a->changes) : Json::array()}};
}

void apply_record_change(ActionContext& ctx, Batch& b, const std::string& now) {
  const domain::KindSpec& spec = io::shipped_kind_spec(require_kind(b.kind));
  auto s = ctx.db().prepare(
      "SELECT record_id, natural_key, data FROM staged_rows WHERE batch_id = ? AND record_id IS "
      "NOT NULL");
  s.bind(1, b.id);
  if (!s.step()) fail(ErrorCode::integrity, fmt::format("batch {} has no staged change", b.id));
  const int64_t record_id = s.column_int64(0);
  const std::string key = s.column_text(1);
  const auto values = domain::field_values_from_data(spec, s.column_view(2));
  ctx.audit.targets.push_back(fmt::format("record:{}", record_id));
  StoredRecord r = load_record(ctx.db(), record_id);
  require_open(r);
  if (change_key(r) != key)
    fail(ErrorCode::conflict,
         fmt::format("record {} has changed since batch {} was staged (now version {})", r.id, b.id,
                     r.version),
         "reject this batch; the operator proposes the change again on the current version");
  RecordWriter writer(ctx.db(), spec, {b.staged_by, now, b.operation, b.reason, b.id});
  if (b.operation == "revoke") {
    writer.revoke(r.id);
  } else {
    domain::ValidatedRow row;
    validate_values(ctx, spec, values, row);
    writer.amend(r.id, row);
  }
  clear_staged_rows(ctx.db(), b.id);
}

void register_record_actions(ActionRegistry& r) {
  r.add({"record.show", "record.read", Access::read, record_show,
         "show a record with its history and derived values"});
  r.add({"record.amend", "record.amend", Access::write, record_amend,
         "correct a record's fields, with a reason"});
  r.add({"record.revoke", "record.amend", Access::write, record_revoke,
         "revoke a record, with a reason"});
}

}  // namespace credit::service
