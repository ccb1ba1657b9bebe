#include "service/release_notices.hpp"

#include "store/sqlite.hpp"

namespace credit::service {

namespace {

// Why a notice on the portal comes off: its application is no longer in notice, or its last day
// has passed (purge-expired has not made the repair final yet).
std::string end_reason(const std::string& status, bool ended) {
  if (status == "in_notice") return ended ? "ended" : "notice";
  if (status == "submitted") return "objected";  // an objection sent it back to review
  return status;                                 // completed | rejected
}

}  // namespace

std::vector<NoticeItem> due_notices(store::Db& db, const std::string& today, bool full) {
  // A few rows at most: applications in notice, and those whose notice is on the portal.
  auto s = db.prepare(
      "SELECT a.id, a.record_id, a.status, a.notice_end, a.notice_rule, a.decided_on, "
      "a.notice_on_portal, a.annulled_on IS NOT NULL, r.subject_type, r.subject_name, r.uscc "
      "FROM repair_applications a JOIN records r ON r.id = a.record_id "
      "WHERE a.status = 'in_notice' OR a.notice_on_portal = 1 ORDER BY a.id");
  std::vector<NoticeItem> out;
  while (s.step()) {
    const std::string status = s.column_text(2);
    const auto end = s.column_optional_text(3);
    const bool running = status == "in_notice" && end && *end >= today;
    const bool on_portal = s.column_int64(6) != 0;
    NoticeItem item;
    item.application_id = s.column_int64(0);
    item.record_id = s.column_int64(1);
    if (running && (!on_portal || full)) {
      item.reason = "notice";
      // Only an organisation's name and code: a person's name is never in a notice.
      if (s.column_view(8) != "natural_person") {
        item.subject_name = s.column_optional_text(9);
        item.uscc = s.column_optional_text(10);
      }
      item.notice_start = s.column_optional_text(5);
      item.notice_end = end;
      item.rule = s.column_optional_text(4);
    } else if (!running && on_portal) {
      item.notice = false;
      item.reason = s.column_int64(7) != 0 ? "annulled" : end_reason(status, true);
    } else {
      continue;
    }
    out.push_back(std::move(item));
  }
  return out;
}

void store_notices(store::Db& db, int64_t sequence, const std::vector<NoticeItem>& items) {
  auto s = db.prepare(
      "INSERT INTO release_notices (sequence, application_id, record_id, op, reason, "
      "subject_name, uscc, notice_start, notice_end, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& i : items) {
    s.reset();
    s.bind(1, sequence).bind(2, i.application_id).bind(3, i.record_id);
    s.bind(4, i.notice ? "notice" : "end").bind(5, i.reason).bind(6, i.subject_name);
    s.bind(7, i.uscc).bind(8, i.notice_start).bind(9, i.notice_end).bind(10, i.rule).run();
  }
}

void confirm_notices(store::Db& db, int64_t sequence) {
  auto s = db.prepare(
      "UPDATE repair_applications SET notice_on_portal = (SELECT n.op = 'notice' FROM "
      "release_notices n WHERE n.sequence = ?1 AND n.application_id = repair_applications.id) "
      "WHERE id IN (SELECT application_id FROM release_notices WHERE sequence = ?1)");
  s.bind(1, sequence).run();
}

NoticeCounts notice_counts(store::Db& db, int64_t sequence) {
  auto s = db.prepare(
      "SELECT coalesce(sum(op = 'notice'), 0), coalesce(sum(op = 'end'), 0) FROM release_notices "
      "WHERE sequence = ?");
  s.bind(1, sequence).step();
  return {s.column_int64(0), s.column_int64(1)};
}

}  // namespace credit::service
