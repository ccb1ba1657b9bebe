// Objections (异议, DESIGN §2): a subject disputes a record; the record is flagged `disputed` while
// the providing department verifies it within the policy's working days; upheld, the record is
// corrected (before/after kept) or revoked through the record module's own code; dismissed, the
// flag is cleared. Both outcomes carry a reason.
#include <fmt/format.h>

#include "domain/repair_eligibility.hpp"
#include "service/calendar_data.hpp"
#include "service/import_support.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/repair_support.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

Json objection_file(ActionContext& ctx) {
  auto& db = ctx.db();
  const std::string reason = ctx.required_string("reason");
  RecordState r = load_record_state(ctx, ctx.integer("record", 0));
  ctx.require_department(r.source_dept_uscc,
                         fmt::format("record {} (provided by {})", r.id, r.source_dept_uscc));
  if (r.status != "active" && r.status != "published")
    fail(
        ErrorCode::conflict,
        fmt::format("record {} is {}: it is archived, there is nothing to verify", r.id, r.status));
  if (r.disputed)
    fail(ErrorCode::conflict, fmt::format("record {} already has an open objection", r.id),
         "`credit objection list --status open` shows it");
  if (ctx.call.inputs.size() > 1)
    fail(ErrorCode::usage, "one evidence file at most", "give --evidence FILE once");
  std::optional<StoredEvidence> evidence;
  if (!ctx.call.inputs.empty()) evidence = store_evidence(ctx, ctx.call.inputs.front());
  const auto policy = active_policy(db);
  const domain::Date day = today(ctx);
  const auto deadline = domain::objection_deadline(policy->profile, *working_calendar(db), day);
  auto s = db.prepare(
      "INSERT INTO objections (record_id, dept, status, reason, evidence_name, evidence_sha256, "
      "filed_by, filed_at, filed_on, deadline, deadline_rule) "
      "VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id).bind(2, r.source_dept_uscc).bind(3, reason);
  s.bind(4, evidence ? std::optional<std::string>(evidence->name) : std::nullopt);
  s.bind(5, evidence ? std::optional<std::string>(evidence->sha256) : std::nullopt);
  s.bind(6, ctx.user.name).bind(7, format_utc(ctx.clock.now())).bind(8, day.iso());
  s.bind(9, deadline.date.iso()).bind(10, deadline.rule_id).run();
  const int64_t id = ctx.db().last_insert_rowid();
  set_record_flag(ctx, r.id, "disputed", true, "objection", fmt::format("objection {}", id));
  ctx.audit.targets.push_back(fmt::format("objection:{}", id));
  ctx.audit.reason = reason;
  ctx.audit.params = {{"record", r.id},
                      {"deadline", deadline.date.iso()},
                      {"rule", deadline.rule_id},
                      {"evidence", evidence ? Json(evidence->sha256) : Json()}};
  return {{"objection", id},
          {"deadline", deadline.date.iso()},
          {"rule", deadline.rule_id},
          {"record", r.id},
          {"evidence", evidence ? Json({{"name", evidence->name},
                                        {"sha256", evidence->sha256},
                                        {"bytes", evidence->bytes},
                                        {"type", evidence->type}})
                                : Json()}};
}

struct Objection {
  int64_t id = 0, record_id = 0;
  std::string dept, status, filed_by;
};

Objection load_open_objection(ActionContext& ctx) {
  const int64_t id = ctx.integer("objection", 0);
  ctx.audit.targets.push_back(fmt::format("objection:{}", id));
  auto s =
      ctx.db().prepare("SELECT record_id, dept, status, filed_by FROM objections WHERE id = ?");
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no objection {}", id),
         "`credit objection list` lists them");
  Objection o{id, s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3)};
  ctx.audit.targets.push_back(fmt::format("record:{}", o.record_id));
  ctx.require_department(o.dept, fmt::format("objection {}", id));
  if (o.filed_by == ctx.user.name)
    fail(ErrorCode::permission_denied,
         fmt::format("permission denied: user '{}' filed objection {} and may not resolve it",
                     ctx.user.name, id),
         "another reviewer of the department resolves it");
  if (o.status != "open")
    fail(ErrorCode::conflict, fmt::format("objection {} is {} already", id, o.status));
  return o;
}

Json objection_resolve(ActionContext& ctx) {
  const std::string reason = ctx.required_string("reason");
  const bool uphold = ctx.flag("uphold"), dismiss = ctx.flag("dismiss");
  const bool revoke = ctx.flag("revoke");
  const auto settings = ctx.string_list("set");
  if (uphold == dismiss)
    fail(ErrorCode::usage, "give exactly one of --uphold and --dismiss",
         "--uphold (--set FIELD=VALUE… | --revoke) or --dismiss");
  if (uphold && revoke == !settings.empty())
    fail(ErrorCode::usage, "an upheld objection either corrects the record or revokes it",
         "give --set FIELD=VALUE (repeatable) or --revoke, not both");
  if (dismiss && (revoke || !settings.empty()))
    fail(ErrorCode::usage, "a dismissed objection changes nothing", "drop --set and --revoke");
  Objection o = load_open_objection(ctx);
  const std::string why =
      fmt::format("objection {} {}: {}", o.id, uphold ? "upheld" : "dismissed", reason);
  set_record_flag(ctx, o.record_id, "disputed", false, "objection", why);
  Json result = {{"objection", o.id}, {"record", o.record_id}};
  std::string outcome = "dismissed";
  std::optional<int64_t> batch;
  if (uphold) {
    Json change = correct_record_now(ctx, o.record_id, revoke ? nullptr : &settings, why);
    batch = change["batch"].get<int64_t>();
    outcome = revoke ? "revoked" : "corrected";
    result["batch"] = *batch;
    result["changes"] = change["changes"];
  }
  auto s = ctx.db().prepare(
      "UPDATE objections SET status = ?, resolved_by = ?, resolved_at = ?, resolved_on = ?, "
      "outcome = ?, outcome_reason = ?, batch_id = ? WHERE id = ?");
  s.bind(1, uphold ? "upheld" : "dismissed").bind(2, ctx.user.name);
  s.bind(3, format_utc(ctx.clock.now())).bind(4, today(ctx).iso()).bind(5, outcome);
  s.bind(6, reason).bind(7, batch).bind(8, o.id).run();
  ctx.audit.reason = reason;
  ctx.audit.params["outcome"] = outcome;
  result["status"] = uphold ? "upheld" : "dismissed";
  result["outcome"] = outcome;
  return result;
}

Json objection_list(ActionContext& ctx) {
  auto s = ctx.db().prepare(
      "SELECT id, record_id, dept, status, filed_by, filed_on, deadline, deadline_rule, "
      "resolved_by, resolved_on, outcome, status = 'open' AND deadline < ?1, reason, "
      "outcome_reason, evidence_sha256 FROM objections WHERE (?2 IS NULL OR dept = ?2) AND "
      "(?3 IS NULL OR status = ?3) AND (?4 = 0 OR (status = 'open' AND deadline < ?1)) "
      "ORDER BY id DESC LIMIT ?5");
  const auto dept = list_department(ctx, "objections");
  s.bind(1, today(ctx).iso()).bind(2, dept).bind(3, ctx.optional_string("status"));
  s.bind(4, int64_t{ctx.flag("overdue")}).bind(5, ctx.integer("limit", 100));
  auto text = [&](int c) { return s.column_is_null(c) ? Json() : Json(s.column_text(c)); };
  while (s.step())
    ctx.emit_row({{"objection", s.column_int64(0)},
                  {"record", s.column_int64(1)},
                  {"dept", text(2)},
                  {"status", text(3)},
                  {"filed_by", text(4)},
                  {"filed_on", text(5)},
                  {"deadline", text(6)},
                  {"rule", text(7)},
                  {"resolved_by", text(8)},
                  {"resolved_on", text(9)},
                  {"outcome", text(10)},
                  {"overdue", s.column_int64(11) != 0},
                  {"reason", text(12)},
                  {"outcome_reason", text(13)},
                  {"evidence_sha256", text(14)}});
  return {{"objections", std::move(ctx.collected)}};
}

}  // namespace

void register_objection_actions(ActionRegistry& r) {
  r.add({"objection.file", "objection.file", Access::write, objection_file,
         "record an objection to a record: flagged disputed until verified"});
  r.add({"objection.resolve", "objection.resolve", Access::write, objection_resolve,
         "uphold (correct or revoke the record) or dismiss an objection, with a reason"});
  r.add({"objection.list", "objection.read", Access::read, objection_list, "list objections"});
}

}  // namespace credit::service
