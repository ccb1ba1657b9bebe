// Credit repair (信用修复, DESIGN §2): repair.submit records an application with its evidence and
// checks eligibility against the active policy at once (domain/repair_eligibility); a reviewer of
// the deciding authority approves (re-checked) or rejects it; with a public notice the repair
// becomes final when the notice ends without objection (purge-expired, repair_support.cpp).
#include <fmt/format.h>

#include <set>

#include "domain/repair_eligibility.hpp"
#include "io/kind_files.hpp"
#include "service/calendar_data.hpp"
#include "service/import_support.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/repair_support.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

using domain::Date;

// The department's own statement of a record's category (share/kinds/*.json), where it gives one.
constexpr const char* kDeclaredCategory = "SXXWLB";

std::optional<Date> date_param(ActionContext& ctx, const char* key, const char* option) {
  auto v = ctx.optional_string(key);
  if (!v) return std::nullopt;
  auto d = Date::parse_iso(*v);
  if (!d)
    fail(ErrorCode::bad_input, fmt::format("{} '{}' is not a date", option, *v),
         fmt::format("write {} YYYY-MM-DD", option));
  return d;
}

std::optional<double> training_hours(ActionContext& ctx) {
  if (!ctx.params().contains("training_hours") || ctx.params()["training_hours"].is_null())
    return std::nullopt;
  const Json& v = ctx.params()["training_hours"];
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1000)
    fail(ErrorCode::bad_input,
         fmt::format("--training-hours '{}' is not a number of class hours", v.dump()),
         "give the class hours on the training certificate, e.g. --training-hours 3");
  return v.get<double>();
}

// The subject's approved repairs (in notice or completed), for the count and same-kind limits.
std::vector<domain::PriorRepair> prior_repairs(store::Db& db, const RecordState& r,
                                               std::optional<int64_t> except) {
  // Subject first (records_uscc / records_id_number), then its applications by record
  // (`+status` keeps the planner off the status index, which grows with every repair).
  auto s = db.prepare(
      "SELECT decided_on, kind_key FROM repair_applications WHERE record_id IN "
      "(SELECT id FROM records WHERE uscc = ?1 UNION SELECT id FROM records WHERE id_number = ?2) "
      "AND +status IN ('in_notice', 'completed') AND decided_on IS NOT NULL AND id <> ?3");
  s.bind(1, r.uscc).bind(2, r.id_number).bind(3, except.value_or(0));
  std::vector<domain::PriorRepair> out;
  while (s.step())
    if (auto d = Date::parse_iso(s.column_view(0))) out.push_back({*d, s.column_text(1)});
  return out;
}

// The record's fields the repair rules read: behaviour (违法行为类型, 处罚依据, the declared
// 失信行为类别) and what "the same kind" compares.
void record_texts(const RecordState& r, domain::RepairFacts& f) {
  const auto& spec = io::shipped_kind_spec(require_kind(r.kind));
  const auto values = domain::field_values_from_data(spec, r.data);
  auto at = [&](int i) { return i < 0 ? std::string() : values[static_cast<size_t>(i)]; };
  f.violation_type = at(spec.field(domain::Role::violation_type));
  f.basis = at(spec.field(domain::Role::basis));
  f.declared = at(spec.field_by_code(kDeclaredCategory));
  f.kind_key = f.violation_type.empty() ? at(spec.field(domain::Role::category)) : f.violation_type;
}

domain::RepairFacts repair_facts(const RecordState& r, Date application_date) {
  domain::RepairFacts f;
  f.kind = require_kind(r.kind);
  f.severity = domain::parse_severity(r.severity).value_or(domain::Severity::general);
  f.status = r.status;
  f.published_by_policy = r.publish;
  f.subject_type = r.subject_type;
  f.under_repair = r.under_repair;
  f.disputed = r.disputed;
  f.decision_date = Date::parse_iso(r.decided_on).value_or(application_date);
  if (r.published_on) f.first_published = Date::parse_iso(r.published_on->substr(0, 10));
  f.application_date = application_date;
  record_texts(r, f);
  return f;
}

Json refusals_json(const domain::Eligibility& e) {
  Json out = Json::array();
  for (const auto& r : e.refusals)
    out.push_back({{"rule", r.rule_id},
                   {"reason", r.reason},
                   {"allowed_from", r.allowed_from ? Json(r.allowed_from->iso()) : Json()}});
  return out;
}

// Exit 11 naming every rule that refused and, where time lifts them all, the first allowed day.
[[noreturn]] void refuse(ActionContext& ctx, const domain::Eligibility& e, const char* what) {
  std::string lines;
  for (const auto& r : e.refusals)
    lines += fmt::format(
        "\n  {}: {}{}", r.rule_id, r.reason,
        r.allowed_from ? fmt::format(" (allowed from {})", r.allowed_from->iso()) : std::string());
  const auto from = e.allowed_from();
  ctx.audit.params["refused_rules"] = refusals_json(e);
  throw Error(
      ErrorCode::policy_refused,
      fmt::format("{} refused by {}{}:{}", what, e.refusals.front().rule_id,
                  from ? fmt::format("; allowed from {}", from->iso()) : std::string(), lines),
      from ? fmt::format("apply again on or after {}", from->iso())
           : "the rules named above do not lift with time: see `credit policy show`",
      {{"refusals", refusals_json(e)}, {"allowed_from", from ? Json(from->iso()) : Json()}});
}

// The evidence files, each with the requirement it meets (parameter "evidence": one requirement
// id per input file, in order).
std::vector<std::pair<std::string, StoredEvidence>> take_evidence(
    ActionContext& ctx, const domain::PolicyProfile& profile) {
  const auto kinds = ctx.string_list("evidence");
  if (kinds.size() != ctx.call.inputs.size())
    fail(ErrorCode::usage,
         fmt::format("{} evidence files but {} requirement names", ctx.call.inputs.size(),
                     kinds.size()),
         "name each file's requirement (--commitment FILE, --evidence ID=FILE …)");
  std::set<std::string> known;
  for (const auto& e : profile.repair.evidence)
    known.insert(e.id);
  std::vector<std::pair<std::string, StoredEvidence>> out;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (!known.count(kinds[i]))
      fail(ErrorCode::bad_input,
           fmt::format("evidence '{}' is not a requirement of policy {}", kinds[i], profile.id),
           fmt::format("the policy's evidence requirements are: {}",
                       fmt::join(known.begin(), known.end(), ", ")));
    out.emplace_back(kinds[i], store_evidence(ctx, ctx.call.inputs[i]));
  }
  return out;
}

struct Application {
  int64_t id = 0, record_id = 0;
  std::string dept, status, submitted_by, submitted_on, decision_deadline;
  std::optional<std::string> notice_end, credit_report_date;
  std::optional<double> training_hours;
};

Application load_application(ActionContext& ctx, int64_t id) {
  ctx.audit.targets.push_back(fmt::format("repair:{}", id));
  auto s = ctx.db().prepare(
      "SELECT record_id, dept, status, submitted_by, submitted_on, decision_deadline, notice_end, "
      "credit_report_date, training_hours FROM repair_applications WHERE id = ?");
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no repair application {}", id),
         "`credit repair list` lists them");
  Application a{id,
                s.column_int64(0),
                s.column_text(1),
                s.column_text(2),
                s.column_text(3),
                s.column_text(4),
                s.column_text(5),
                s.column_optional_text(6),
                s.column_optional_text(7),
                std::nullopt};
  if (!s.column_is_null(8)) a.training_hours = s.column_double(8);
  return a;
}

std::vector<std::string> evidence_requirements(store::Db& db, int64_t application_id) {
  auto s = db.prepare("SELECT requirement FROM repair_evidence WHERE application_id = ?");
  s.bind(1, application_id);
  std::vector<std::string> out;
  while (s.step())
    out.push_back(s.column_text(0));
  return out;
}

Json repair_submit(ActionContext& ctx) {
  auto& db = ctx.db();
  const auto policy = active_policy(db);
  const auto& profile = policy->profile;
  RecordState r = load_record_state(ctx, ctx.integer("record", 0));
  ctx.require_department(r.authority_uscc, fmt::format("record {} (decided by {}: 谁认定、谁受理)",
                                                       r.id, r.authority_uscc));
  const Date day = today(ctx);
  domain::RepairFacts facts = repair_facts(r, day);
  facts.evidence.training_hours = training_hours(ctx);
  facts.evidence.credit_report_issued =
      date_param(ctx, "credit_report_date", "--credit-report-date");
  for (const auto& k : ctx.string_list("evidence"))
    facts.evidence.present.push_back(k);
  facts.prior = prior_repairs(db, r, std::nullopt);
  const auto verdict = domain::repair_eligibility(profile, facts);
  if (!verdict.allowed()) refuse(ctx, verdict, fmt::format("repair of record {}", r.id).c_str());

  const auto evidence = take_evidence(ctx, profile);
  const auto cal = working_calendar(db);
  const auto deadline = domain::repair_decision_deadline(profile, *cal, day);
  const std::string now = format_utc(ctx.clock.now());
  auto ins = db.prepare(
      "INSERT INTO repair_applications (record_id, dept, status, kind_key, note, training_hours, "
      "credit_report_date, submitted_by, submitted_at, submitted_on, policy, decision_deadline, "
      "deadline_rule, allowing_rule) VALUES (?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, r.id).bind(2, r.authority_uscc).bind(3, facts.kind_key);
  ins.bind(4, ctx.optional_string("note").value_or(""));
  ins.bind(5, facts.evidence.training_hours);
  ins.bind(6, facts.evidence.credit_report_issued
                  ? std::optional<std::string>(facts.evidence.credit_report_issued->iso())
                  : std::nullopt);
  ins.bind(7, ctx.user.name).bind(8, now).bind(9, day.iso());
  ins.bind(10, fmt::format("{}@{}", profile.id, policy->sha256));
  ins.bind(11, deadline.date.iso()).bind(12, deadline.rule_id).bind(13, verdict.allowing_rule);
  ins.run();
  const int64_t id = db.last_insert_rowid();
  auto ev = db.prepare(
      "INSERT INTO repair_evidence (application_id, requirement, name, sha256) VALUES (?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  Json files = Json::array();
  for (const auto& [requirement, e] : evidence) {
    ev.reset();
    ev.bind(1, id).bind(2, requirement).bind(3, e.name).bind(4, e.sha256).run();
    files.push_back({{"requirement", requirement},
                     {"name", e.name},
                     {"sha256", e.sha256},
                     {"bytes", e.bytes},
                     {"type", e.type}});
  }
  add_repair_event(ctx, id, "submitted",
                   fmt::format("record {}; eligible under {} (rule {})", r.id, profile.id,
                               verdict.allowing_rule));
  set_record_flag(ctx, r.id, "under_repair", true, "repair_submit",
                  fmt::format("credit repair application {}", id));
  ctx.audit.targets.push_back(fmt::format("repair:{}", id));
  ctx.audit.params = {{"record", r.id},
                      {"evidence", files},
                      {"rule", verdict.allowing_rule},
                      {"decision_deadline", deadline.date.iso()}};
  Json result = {{"application", id},
                 {"status", "submitted"},
                 {"record", r.id},
                 {"rule", verdict.allowing_rule},
                 {"decision_deadline", deadline.date.iso()},
                 {"deadline_rule", deadline.rule_id},
                 {"evidence", files}};
  if (!deadline.years_without_data.empty())
    result["warning"] = fmt::format("no calendar data for {}: deadline counted on weekends alone",
                                    fmt::join(deadline.years_without_data, ", "));
  return result;
}

// A reviewer of the application's department who did not submit it.
Application load_for_decision(ActionContext& ctx, std::initializer_list<const char*> statuses) {
  Application a = load_application(ctx, ctx.integer("application", 0));
  ctx.require_department(a.dept, fmt::format("repair application {}", a.id));
  if (a.submitted_by == ctx.user.name)
    fail(ErrorCode::permission_denied,
         fmt::format("permission denied: user '{}' submitted repair application {} and may not "
                     "decide it",
                     ctx.user.name, a.id),
         "another reviewer of the department decides it");
  for (const char* s : statuses)
    if (a.status == s) return a;
  fail(ErrorCode::conflict,
       fmt::format("repair application {} is {}: it cannot be decided now", a.id, a.status),
       "`credit repair show APP` shows its timeline");
}

Json repair_approve(ActionContext& ctx) {
  auto& db = ctx.db();
  Application a = load_for_decision(ctx, {"submitted"});
  const auto policy = active_policy(db);
  const auto& profile = policy->profile;
  RecordState r = load_record_state(ctx, a.record_id);
  const Date day = today(ctx);
  domain::RepairFacts facts = repair_facts(r, day);
  facts.under_repair = false;  // this application's own mark
  facts.evidence.present = evidence_requirements(db, a.id);
  facts.evidence.training_hours = a.training_hours;
  if (a.credit_report_date)
    facts.evidence.credit_report_issued = Date::parse_iso(*a.credit_report_date);
  // The credit report is judged at submission: the applicant cannot help the review's length.
  facts.evidence.as_of = Date::parse_iso(a.submitted_on);
  facts.prior = prior_repairs(db, r, a.id);
  const auto verdict = domain::repair_eligibility(profile, facts);
  if (!verdict.allowed())
    refuse(ctx, verdict, fmt::format("approval of repair application {}", a.id).c_str());

  const auto& after_notice = profile.repair.decision_after_notice;
  if (after_notice && ctx.optional_string("decision_number"))
    fail(ErrorCode::policy_refused,
         fmt::format("no decision number before the public notice: under {} the 信用修复决定书 is "
                     "issued when the notice ends without objection (rule {})",
                     profile.id, after_notice->id),
         "approve without --decision-number; the number is issued when the notice ends");
  const std::optional<std::string> number =
      after_notice
          ? std::nullopt
          : std::optional<std::string>(ctx.optional_string("decision_number")
                                           .value_or(generated_decision_number(day, a.id)));
  const auto& acceptance = profile.repair.acceptance;
  const auto notice = domain::repair_notice_end(profile, *working_calendar(db), day);
  auto s = db.prepare(
      "UPDATE repair_applications SET status = ?, decided_by = ?, decided_on = ?, "
      "decision_number = ?, allowing_rule = ?, notice_end = ?, notice_rule = ?, "
      "acceptance_rule = ? WHERE id = ?");
  s.bind(1, notice ? "in_notice" : "submitted").bind(2, ctx.user.name).bind(3, day.iso());
  s.bind(4, number).bind(5, verdict.allowing_rule);
  s.bind(6, notice ? std::optional<std::string>(notice->date.iso()) : std::nullopt);
  s.bind(7, notice ? std::optional<std::string>(notice->rule_id) : std::nullopt);
  s.bind(8, acceptance ? std::optional<std::string>(acceptance->id) : std::nullopt);
  s.bind(9, a.id).run();
  if (acceptance)
    add_repair_event(ctx, a.id, "accepted",
                     fmt::format("decision to accept (同意受理, rule {}); eligible (rule {})",
                                 acceptance->id, verdict.allowing_rule));
  else
    add_repair_event(ctx, a.id, "approved",
                     fmt::format("decision {} (rule {})", *number, verdict.allowing_rule));
  Json result = {{"application", a.id},
                 {"record", a.record_id},
                 {"decision_number", number ? Json(*number) : Json()},
                 {"rule", verdict.allowing_rule},
                 {"acceptance_rule", acceptance ? Json(acceptance->id) : Json()}};
  if (after_notice) result["decision_rule"] = after_notice->id;
  if (notice) {
    add_repair_event(
        ctx, a.id, "notice",
        fmt::format("public notice until {} (rule {})", notice->date.iso(), notice->rule_id));
    result["status"] = "in_notice";
    result["notice_end"] = notice->date.iso();
    result["notice_rule"] = notice->rule_id;
  } else {
    complete_repair(ctx, a.id, day);
    result["status"] = "completed";
  }
  ctx.audit.params = result;
  return result;
}

Json repair_reject(ActionContext& ctx) {
  const std::string reason = ctx.required_string("reason");
  Application a = load_for_decision(ctx, {"submitted"});
  auto s = ctx.db().prepare(
      "UPDATE repair_applications SET status = 'rejected', decided_by = ?, decided_on = ?, "
      "reason = ? WHERE id = ?");
  s.bind(1, ctx.user.name).bind(2, today(ctx).iso()).bind(3, reason).bind(4, a.id).run();
  add_repair_event(ctx, a.id, "rejected", reason);
  set_record_flag(ctx, a.record_id, "under_repair", false, "repair_reject",
                  fmt::format("credit repair application {} rejected: {}", a.id, reason));
  ctx.audit.reason = reason;
  return {{"application", a.id}, {"record", a.record_id}, {"status", "rejected"}};
}

// An objection during the public notice sends the application back to review, with a new
// decision deadline.
Json repair_object(ActionContext& ctx) {
  const std::string reason = ctx.required_string("reason");
  Application a = load_application(ctx, ctx.integer("application", 0));
  ctx.require_department(a.dept, fmt::format("repair application {}", a.id));
  const Date day = today(ctx);
  if (a.status != "in_notice" || !a.notice_end || day.iso() > *a.notice_end)
    fail(ErrorCode::conflict,
         fmt::format("repair application {} is not in its public notice ({}{})", a.id, a.status,
                     a.notice_end ? ", notice ended " + *a.notice_end : ""),
         "objections are taken while the notice runs (`credit repair show APP`)");
  const auto policy = active_policy(ctx.db());
  const auto deadline =
      domain::repair_decision_deadline(policy->profile, *working_calendar(ctx.db()), day);
  auto s = ctx.db().prepare(
      "UPDATE repair_applications SET status = 'submitted', notice_end = NULL, notice_rule = NULL, "
      "decided_by = NULL, decided_on = NULL, decision_number = NULL, decision_deadline = ?, "
      "deadline_rule = ? WHERE id = ?");
  s.bind(1, deadline.date.iso()).bind(2, deadline.rule_id).bind(3, a.id).run();
  add_repair_event(ctx, a.id, "objected", reason);
  ctx.audit.reason = reason;
  return {{"application", a.id},
          {"status", "submitted"},
          {"decision_deadline", deadline.date.iso()},
          {"deadline_rule", deadline.rule_id}};
}

// Dandong Art. 17: a repair obtained by not truthfully stating the facts (修复失当) is annulled
// by a reviewer of the deciding authority: the record gets back the state it had before the
// repair (the next release publishes it again), the application keeps the finding. Listing the
// subject for the fraud is a decision of its own, imported like any other.
Json repair_annul(ActionContext& ctx) {
  const std::string finding = ctx.required_string("reason");
  Application a = load_for_decision(ctx, {"completed"});
  auto& db = ctx.db();
  const auto policy = active_policy(db);
  if (!policy->profile.repair.annulment)
    fail(ErrorCode::policy_refused,
         fmt::format("policy {} has no rule for annulling a repair (repair.annulment)",
                     policy->profile.id),
         "an administrator adds repair.annulment with the article it comes from to the profile");
  const domain::RuleRef& rule = *policy->profile.repair.annulment;
  auto done = db.prepare("SELECT annulled_on FROM repair_applications WHERE id = ?");
  done.bind(1, a.id).step();
  if (!done.column_is_null(0))
    fail(ErrorCode::conflict,
         fmt::format("repair application {} was annulled on {}", a.id, done.column_text(0)),
         "`credit repair show APP` shows the finding");
  const Date day = today(ctx);
  // The state the repair replaced: the version kept when it became final.
  auto before = db.prepare(
      "SELECT json_extract(derived, '$.status'), json_extract(derived, '$.withdrawn_on') "
      "FROM record_versions WHERE record_id = ? AND change = 'repair' ORDER BY id DESC LIMIT 1");
  before.bind(1, a.record_id);
  const bool restorable = before.step();
  const std::string status = restorable ? before.column_text(0) : "";
  const auto withdrawn_on = restorable ? before.column_optional_text(1) : std::nullopt;
  const std::string why =
      fmt::format("credit repair {} annulled (rule {}): {}", a.id, rule.id, finding);
  const bool restored =
      restorable && change_record(ctx, a.record_id,
                                  "status = ?7, under_repair = 0, archived = 0, withdrawn_on = ?8",
                                  "status = 'repaired'", "repair_annulled", why,
                                  [&](store::Stmt& s) { s.bind(7, status).bind(8, withdrawn_on); });
  auto s = db.prepare(
      "UPDATE repair_applications SET annulled_on = ?, annulled_by = ?, annul_finding = ? "
      "WHERE id = ?");
  s.bind(1, day.iso()).bind(2, ctx.user.name).bind(3, finding).bind(4, a.id).run();
  add_repair_event(
      ctx, a.id, "annulled",
      restored
          ? fmt::format("{}; record {} restored to {}", finding, a.record_id, status)
          : fmt::format("{}; record {} was no longer repaired: unchanged", finding, a.record_id));
  ctx.audit.reason = finding;
  Json result = {{"application", a.id},
                 {"record", a.record_id},
                 {"status", "annulled"},
                 {"annulled_on", day.iso()},
                 {"record_restored", restored},
                 {"record_status", restored ? Json(status) : Json()},
                 {"rule", rule.id},
                 {"cite", rule.cite}};
  ctx.audit.params = result;
  return result;
}

// Operators and reviewers see their own department's applications; read-only roles all.
bool sees_all_departments(const ActionContext& ctx) {
  return ctx.user.role != "operator" && ctx.user.role != "reviewer";
}

// An annulled repair keeps status 'completed' in the store (it counts among the subject's
// repairs) and shows as 'annulled'.
#define CREDIT_REPAIR_STATUS "CASE WHEN annulled_on IS NULL THEN status ELSE 'annulled' END"
constexpr const char* kSummaryColumns =
    "id, record_id, dept, " CREDIT_REPAIR_STATUS
    ", submitted_by, submitted_on, decision_deadline, deadline_rule, "
    "decided_by, decided_on, decision_number, allowing_rule, notice_end, completed_on, reason, "
    "status = 'submitted' AND decision_deadline < ?1";

Json summary_json(const store::Stmt& s) {
  auto text = [&](int c) { return s.column_is_null(c) ? Json() : Json(s.column_text(c)); };
  return {{"application", s.column_int64(0)},
          {"record", s.column_int64(1)},
          {"dept", text(2)},
          {"status", text(3)},
          {"submitted_by", text(4)},
          {"submitted_on", text(5)},
          {"decision_deadline", text(6)},
          {"deadline_rule", text(7)},
          {"decided_by", text(8)},
          {"decided_on", text(9)},
          {"decision_number", text(10)},
          {"rule", text(11)},
          {"notice_end", text(12)},
          {"completed_on", text(13)},
          {"reason", text(14)},
          {"overdue", s.column_int64(15) != 0}};
}

Json repair_list(ActionContext& ctx) {
  auto s = ctx.db().prepare(
      fmt::format("SELECT {} FROM repair_applications WHERE (?2 IS NULL OR dept = ?2) AND "
                  "(?3 IS NULL OR " CREDIT_REPAIR_STATUS
                  " = ?3) AND (?4 = 0 OR (status = 'submitted' AND decision_deadline < "
                  "?1)) ORDER BY id DESC LIMIT ?5",
                  kSummaryColumns));
  const auto dept = list_department(ctx, "repair applications");
  s.bind(1, today(ctx).iso()).bind(2, dept).bind(3, ctx.optional_string("status"));
  s.bind(4, int64_t{ctx.flag("overdue")}).bind(5, ctx.integer("limit", 100));
  while (s.step())
    ctx.emit_row(summary_json(s));
  return {{"applications", std::move(ctx.collected)}};
}

Json repair_show(ActionContext& ctx) {
  const int64_t id = ctx.integer("application", 0);
  ctx.audit.targets.push_back(fmt::format("repair:{}", id));
  auto& db = ctx.db();
  auto s = db.prepare(
      fmt::format("SELECT {}, note, training_hours, credit_report_date, policy, notice_rule, "
                  "annulled_on, annulled_by, annul_finding, acceptance_rule, "
                  "processing_deadline, processing_rule, processed_on FROM repair_applications "
                  "WHERE id = ?2",
                  kSummaryColumns));
  s.bind(1, today(ctx).iso()).bind(2, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no repair application {}", id),
         "`credit repair list` lists them");
  Json a = summary_json(s);
  if (!sees_all_departments(ctx))
    ctx.require_department(a["dept"].get<std::string>(), fmt::format("repair application {}", id));
  a["note"] = s.column_text(16);
  a["training_hours"] = s.column_is_null(17) ? Json() : Json(s.column_double(17));
  a["credit_report_date"] = s.column_is_null(18) ? Json() : Json(s.column_text(18));
  a["policy"] = s.column_text(19);
  a["notice_rule"] = s.column_is_null(20) ? Json() : Json(s.column_text(20));
  auto text = [&](int c) { return s.column_is_null(c) ? Json() : Json(s.column_text(c)); };
  a["annulled_on"] = text(21);
  a["annulled_by"] = text(22);
  a["annul_finding"] = text(23);
  a["acceptance_rule"] = text(24);
  a["processing_deadline"] = text(25);
  a["processing_rule"] = text(26);
  a["processed_on"] = text(27);
  auto ev = db.prepare(
      "SELECT e.requirement, e.name, e.sha256, b.bytes, b.type FROM repair_evidence e "
      "JOIN evidence_blobs b ON b.sha256 = e.sha256 WHERE e.application_id = ? "
      "ORDER BY e.requirement, e.name");
  ev.bind(1, id);
  a["evidence"] = Json::array();
  while (ev.step())
    a["evidence"].push_back({{"requirement", ev.column_text(0)},
                             {"name", ev.column_text(1)},
                             {"sha256", ev.column_text(2)},
                             {"bytes", ev.column_int64(3)},
                             {"type", ev.column_text(4)}});
  auto tl = db.prepare(
      "SELECT at, actor, event, detail FROM repair_events WHERE application_id = ? ORDER BY id");
  tl.bind(1, id);
  a["timeline"] = Json::array();
  while (tl.step())
    a["timeline"].push_back({{"at", tl.column_text(0)},
                             {"actor", tl.column_text(1)},
                             {"event", tl.column_text(2)},
                             {"detail", tl.column_text(3)}});
  return a;
}

}  // namespace

void register_repair_actions(ActionRegistry& r) {
  r.add({"repair.submit", "repair.submit", Access::write, repair_submit,
         "record a credit repair application with its evidence; eligibility checked at once"});
  r.add({"repair.approve", "repair.decide", Access::write, repair_approve,
         "approve a repair application (eligibility re-checked; public notice if the policy has "
         "one)"});
  r.add({"repair.reject", "repair.decide", Access::write, repair_reject,
         "reject a repair application, with a reason"});
  r.add({"repair.annul", "repair.decide", Access::write, repair_annul,
         "annul a repair obtained by untrue statements: the record is restored (Dandong Art. "
         "17)"});
  r.add({"repair.object", "repair.submit", Access::write, repair_object,
         "record an objection during a repair's public notice: back to review"});
  r.add({"repair.list", "repair.read", Access::read, repair_list, "list repair applications"});
  r.add({"repair.show", "repair.read", Access::read, repair_show,
         "show a repair application: timeline, evidence digests, deadlines"});
}

}  // namespace credit::service
