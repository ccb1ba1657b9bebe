#include "service/batches.hpp"
#include "service/loading_batch.hpp"

#include <fmt/format.h>

#include "store/sqlite.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr const char* kBatchColumns =
    "id, operation, kind, status, dept, staged_by, staged_at, decided_by, decided_at, reason, "
    "authorization_id, files, options, unknown_columns, policy, rows, accepted, rejected, "
    "inserted, updated, unchanged, warnings";

Json optional_json(const std::optional<std::string>& s) {
  return s ? Json(*s) : Json();
}

}  // namespace

Json Batch::to_json() const {
  Json j = {{"batch", id},
            {"operation", operation},
            {"kind", kind},
            {"status", status},
            {"dept", dept},
            {"staged_by", staged_by},
            {"staged_at", staged_at},
            {"decided_by", optional_json(decided_by)},
            {"decided_at", optional_json(decided_at)},
            {"reason", reason},
            {"authorization", authorization_id ? Json(*authorization_id) : Json()},
            {"policy", policy}};
  j.update(counts_json(counts));
  j["files"] = files;
  j["options"] = options;
  j["unknown_columns"] = unknown_columns;
  return j;
}

Batch load_batch(store::Db& db, int64_t id) {
  // A batch still loading is not there yet (loading_batch.hpp).
  auto s = db.prepare(fmt::format("SELECT {} FROM import_batches WHERE id = ? AND {}",
                                  kBatchColumns, visible_batch("id")));
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no import batch {}", id),
         "`credit import list` shows the batches");
  Batch b;
  b.id = s.column_int64(0);
  b.operation = s.column_text(1);
  b.kind = s.column_text(2);
  b.status = s.column_text(3);
  b.dept = s.column_text(4);
  b.staged_by = s.column_text(5);
  b.staged_at = s.column_text(6);
  b.decided_by = s.column_optional_text(7);
  b.decided_at = s.column_optional_text(8);
  b.reason = s.column_text(9);
  b.authorization_id = s.column_optional_int64(10);
  b.files = Json::parse(s.column_text(11));
  b.options = Json::parse(s.column_text(12));
  b.unknown_columns = Json::parse(s.column_text(13));
  b.policy = s.column_text(14);
  BatchCounts& c = b.counts;
  c.rows = s.column_int64(15);
  c.accepted = s.column_int64(16);
  c.rejected = s.column_int64(17);
  c.inserted = s.column_int64(18);
  c.updated = s.column_int64(19);
  c.unchanged = s.column_int64(20);
  c.warnings = s.column_int64(21);
  return b;
}

int64_t insert_batch(store::Db& db, const std::string& operation, domain::Kind kind,
                     const std::string& dept, const std::string& user, const std::string& now) {
  auto s = db.prepare(
      "INSERT INTO import_batches (operation, kind, status, dept, staged_by, staged_at) "
      "VALUES (?, ?, 'staged', ?, ?, ?)");
  s.bind(1, operation).bind(2, domain::to_string(kind)).bind(3, dept).bind(4, user).bind(5, now);
  s.run();
  return db.last_insert_rowid();
}

void finish_batch(store::Db& db, const Batch& b) {
  auto s = db.prepare(
      "UPDATE import_batches SET status = ?, decided_by = ?, decided_at = ?, reason = ?, "
      "authorization_id = ?, files = ?, options = ?, unknown_columns = ?, policy = ?, rows = ?, "
      "accepted = ?, rejected = ?, inserted = ?, updated = ?, unchanged = ?, warnings = ? "
      "WHERE id = ?");
  const BatchCounts& c = b.counts;
  s.bind(1, b.status).bind(2, b.decided_by).bind(3, b.decided_at).bind(4, b.reason);
  s.bind(5, b.authorization_id).bind(6, b.files.dump()).bind(7, b.options.dump());
  s.bind(8, b.unknown_columns.dump()).bind(9, b.policy).bind(10, c.rows).bind(11, c.accepted);
  s.bind(12, c.rejected).bind(13, c.inserted).bind(14, c.updated).bind(15, c.unchanged);
  s.bind(16, c.warnings).bind(17, b.id).run();
}

void clear_staged_rows(store::Db& db, int64_t batch_id) {
  auto s = db.prepare("DELETE FROM staged_rows WHERE batch_id = ?");
  s.bind(1, batch_id).run();
}

int64_t staged_row_count(store::Db& db, int64_t batch_id) {
  auto s = db.prepare("SELECT count(*) FROM staged_rows WHERE batch_id = ?");
  s.bind(1, batch_id).step();
  return s.column_int64(0);
}

int64_t reject_count(store::Db& db, int64_t batch_id) {
  auto s = db.prepare("SELECT count(*) FROM import_rejects WHERE batch_id = ?");
  s.bind(1, batch_id).step();
  return s.column_int64(0);
}

std::optional<int64_t> standing_authorization(store::Db& db, const std::string& dept,
                                              domain::Kind kind, domain::Date today) {
  auto s = db.prepare(
      "SELECT id FROM import_authorizations WHERE revoked_at IS NULL AND valid_until >= ? "
      "AND (dept = ? OR dept = '*') AND EXISTS (SELECT 1 FROM json_each(kinds) WHERE value = ?) "
      "ORDER BY id LIMIT 1");
  s.bind(1, today.iso()).bind(2, dept).bind(3, domain::to_string(kind));
  if (!s.step()) return std::nullopt;
  return s.column_int64(0);
}

std::optional<int64_t> pending_change(store::Db& db, int64_t record_id) {
  auto s = db.prepare(
      "SELECT b.id FROM staged_rows r JOIN import_batches b ON b.id = r.batch_id "
      "WHERE r.record_id = ? AND b.status = 'staged' AND b.operation IN ('amend', 'revoke')");
  s.bind(1, record_id);
  if (!s.step()) return std::nullopt;
  return s.column_int64(0);
}

}  // namespace credit::service
