#include "service/repair_support.hpp"
#include "service/loading_batch.hpp"

#include <fmt/format.h>

#include <functional>

#include "domain/repair_eligibility.hpp"
#include "io/byte_source.hpp"
#include "service/calendar_data.hpp"
#include "service/record_writer.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr size_t kEvidenceLimit = size_t{32} << 20;

// Enough to tell the usual scans and documents apart; anything else is octet-stream.
std::string sniff_type(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("%PDF-")) return "application/pdf";
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xff\xd8\xff")) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4)))
    return "image/tiff";
  if (starts("PK\x03\x04")) return "application/zip";  // also .docx/.xlsx/.ofd containers
  if (starts("\xd0\xcf\x11\xe0")) return "application/x-ole-storage";  // .doc/.xls
  const bool text = b.find('\0') == std::string_view::npos;
  return text ? "text/plain" : "application/octet-stream";
}

}  // namespace

StoredEvidence store_evidence(ActionContext& ctx, const InputFile& input) {
  const std::string content = io::read_all(*input.source, kEvidenceLimit);
  if (content.empty())
    fail(ErrorCode::bad_input, fmt::format("evidence file {} is empty", input.name),
         "give the scanned document or its electronic original");
  StoredEvidence e{input.name, crypto::sha256_hex(content), sniff_type(content),
                   static_cast<int64_t>(content.size())};
  auto s = ctx.db().prepare(
      "INSERT INTO evidence_blobs (sha256, bytes, type, content, stored_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (sha256) DO NOTHING");
  s.bind(1, e.sha256).bind(2, e.bytes).bind(3, e.type).bind_blob(4, content);
  s.bind(5, format_utc(ctx.clock.now())).run();
  return e;
}

bool change_record(ActionContext& ctx, int64_t record_id, std::string_view assignments,
                   std::string_view condition, const std::string& change, const std::string& reason,
                   const std::function<void(store::Stmt&)>& bind) {
  auto& db = ctx.db();
  const std::string now = format_utc(ctx.clock.now());
  const std::string where =
      condition.empty() ? std::string("id = ?6") : fmt::format("id = ?6 AND ({})", condition);
  auto keep = db.prepare(keep_versions_sql(where));
  keep.bind(1, now).bind(2, ctx.user.name).bind(3, change).bind_null(4).bind(5, reason);
  keep.bind(6, record_id).run();
  if (db.changes() == 0) return false;
  auto update = db.prepare(
      fmt::format("UPDATE records SET {}, version = version + 1, updated_at = ?1 WHERE {}",
                  assignments, where));
  update.bind(1, now).bind(6, record_id);
  if (bind) bind(update);
  update.run();
  return true;
}

void set_record_flag(ActionContext& ctx, int64_t record_id, const char* column, bool value,
                     const std::string& change, const std::string& reason) {
  change_record(ctx, record_id, fmt::format("{} = ?7", column), "", change, reason,
                [value](store::Stmt& s) { s.bind(7, int64_t{value}); });
}

void add_repair_event(ActionContext& ctx, int64_t application_id, const std::string& event,
                      const std::string& detail) {
  auto s = ctx.db().prepare(
      "INSERT INTO repair_events (application_id, at, actor, event, detail) VALUES (?, ?, ?, ?, "
      "?)");
  s.bind(1, application_id).bind(2, format_utc(ctx.clock.now())).bind(3, ctx.user.name);
  s.bind(4, event).bind(5, detail).run();
}

std::string generated_decision_number(domain::Date on, int64_t application_id) {
  return fmt::format("信用修复-{}-{}", on.iso(), application_id);
}

namespace {

// Dandong Art. 12(7): the 信用修复决定书 is issued when the notice has ended; a number is given
// now to a repair approved without one.
void issue_decision_number(ActionContext& ctx, int64_t application_id, domain::Date on,
                           const domain::RepairPolicy& repair) {
  auto& db = ctx.db();
  auto number = db.prepare(
      "UPDATE repair_applications SET decision_number = ? WHERE id = ? AND decision_number IS "
      "NULL");
  number.bind(1, generated_decision_number(on, application_id)).bind(2, application_id).run();
  if (db.changes() > 0)
    add_repair_event(ctx, application_id, "decided",
                     fmt::format("decision {} issued after the notice (rule {})",
                                 generated_decision_number(on, application_id),
                                 repair.decision_after_notice ? repair.decision_after_notice->id
                                                              : std::string("repair.notice")));
}

// Dandong Art. 12(7): the record withdrawn within repair.withdrawal working days of the decision;
// a record not on the portal has nothing to withdraw.
void set_processing_deadline(ActionContext& ctx, int64_t application_id, int64_t record_id,
                             domain::Date on, const domain::PolicyProfile& profile) {
  auto& db = ctx.db();
  const auto deadline = domain::repair_processing_deadline(profile, *working_calendar(db), on);
  if (!deadline) return;
  auto portal = db.prepare("SELECT portal_version IS NULL FROM records WHERE id = ?");
  portal.bind(1, record_id).step();
  const bool nothing_to_withdraw = portal.column_int64(0) != 0;
  auto s = db.prepare(
      "UPDATE repair_applications SET processing_deadline = ?, processing_rule = ?, "
      "processed_on = ? WHERE id = ?");
  s.bind(1, deadline->date.iso()).bind(2, deadline->rule_id);
  s.bind(3, nothing_to_withdraw ? std::optional<std::string>(on.iso()) : std::nullopt);
  s.bind(4, application_id).run();
}

}  // namespace

void complete_repair(ActionContext& ctx, int64_t application_id, domain::Date on) {
  auto& db = ctx.db();
  const auto policy = active_policy(db);
  issue_decision_number(ctx, application_id, on, policy->profile.repair);
  auto a = db.prepare(
      "SELECT record_id, coalesce(decision_number, ''), coalesce(allowing_rule, '') "
      "FROM repair_applications WHERE id = ?");
  a.bind(1, application_id);
  if (!a.step())
    fail(ErrorCode::integrity, fmt::format("no repair application {}", application_id));
  const int64_t record_id = a.column_int64(0);
  const std::string number = a.column_text(1), rule = a.column_text(2);
  const std::string why =
      fmt::format("credit repair {} final: decision {} (rule {})", application_id, number, rule);
  const bool withdrawn = change_record(
      ctx, record_id, "status = 'repaired', under_repair = 0, withdrawn_on = ?7, archived = 1",
      "status IN ('active', 'published')", "repair", why,
      [&on](store::Stmt& s) { s.bind(7, on.iso()); });
  auto done = db.prepare(
      "UPDATE repair_applications SET status = 'completed', completed_on = ? WHERE id = ?");
  done.bind(1, on.iso()).bind(2, application_id).run();
  set_processing_deadline(ctx, application_id, record_id, on, policy->profile);
  add_repair_event(
      ctx, application_id, "completed",
      withdrawn ? fmt::format("record {} repaired: withdrawn and archived", record_id)
                : fmt::format("record {} was no longer open (already withdrawn)", record_id));
  ctx.audit.targets.push_back(fmt::format("repair:{}", application_id));
  ctx.audit.targets.push_back(fmt::format("record:{}", record_id));
}

int64_t finalise_repair_notices(ActionContext& ctx, domain::Date today, bool dry_run) {
  // By the (status, notice_end) index: notices whose last day is before today.
  auto s = ctx.db().prepare(
      "SELECT id FROM repair_applications WHERE status = 'in_notice' AND notice_end < ? "
      "ORDER BY id");
  s.bind(1, today.iso());
  std::vector<int64_t> due;
  while (s.step())
    due.push_back(s.column_int64(0));
  if (!dry_run)
    for (int64_t id : due)
      complete_repair(ctx, id, today);
  return static_cast<int64_t>(due.size());
}

}  // namespace credit::service

namespace credit::service {

std::optional<std::string> list_department(ActionContext& ctx, const char* what) {
  std::optional<std::string> dept = ctx.optional_string("dept");
  const bool scoped = ctx.user.role == "operator" || ctx.user.role == "reviewer";
  if (!scoped || ctx.user.dept == "*") return dept;
  if (dept && *dept != ctx.user.dept) ctx.require_department(*dept, what);
  return ctx.user.dept;
}

RecordState load_record_state(ActionContext& ctx, int64_t record_id) {
  ctx.audit.targets.push_back(fmt::format("record:{}", record_id));
  auto s = ctx.db().prepare(
      "SELECT kind, severity, status, authority_uscc, source_dept_uscc, decided_on, data, uscc, "
      "id_number, under_repair, disputed, subject_type, published_on, publish FROM records WHERE "
      "id = ? AND " +
      visible_record("id"));
  s.bind(1, record_id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no record {}", record_id),
         "`credit record show ID` shows a record; the import report lists their numbers");
  RecordState r;
  r.id = record_id;
  r.kind = s.column_text(0);
  r.severity = s.column_text(1);
  r.status = s.column_text(2);
  r.authority_uscc = s.column_text(3);
  r.source_dept_uscc = s.column_text(4);
  r.decided_on = s.column_text(5);
  r.data = s.column_text(6);
  r.uscc = s.column_optional_text(7);
  r.id_number = s.column_optional_text(8);
  r.under_repair = s.column_int64(9) != 0;
  r.disputed = s.column_int64(10) != 0;
  r.subject_type = s.column_text(11);
  r.published_on = s.column_optional_text(12);
  r.publish = s.column_int64(13) != 0;
  return r;
}

}  // namespace credit::service
