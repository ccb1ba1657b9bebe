#include "store/read_log.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <limits>

#include "store/audit_export.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/private_file.hpp"

namespace credit::store {

namespace {
constexpr const char* kFoldedKey = "audit.reads_folded";  // main settings: "seq hash"

// "12 ab34…" → (12, "ab34…"); nullopt when malformed.
std::optional<ChainPoint> parse_point(const std::string& text) {
  auto space = text.find(' ');
  int64_t seq = 0;
  auto end = text.data() + std::min(space, text.size());
  auto [ptr, ec] = std::from_chars(text.data(), end, seq);
  if (space == std::string::npos || ec != std::errc() || ptr != end) return std::nullopt;
  return ChainPoint{seq, text.substr(space + 1)};
}
std::string point_text(int64_t seq, const std::string& hash) {
  return fmt::format("{} {}", seq, hash);
}

std::optional<std::string> value_of(Db& db, const char* table, const char* key) {
  auto stmt = db.prepare(fmt::format("SELECT value FROM {} WHERE key = ?", table));
  stmt.bind(1, key);
  if (!stmt.step()) return std::nullopt;
  return stmt.column_text(0);
}
void set_value(Db& db, const char* table, const char* key, const std::string& value) {
  db.prepare(fmt::format("INSERT INTO {} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                         "SET value = excluded.value",
                         table))
      .bind(1, key)
      .bind(2, value)
      .run();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The side file holds personal data as the audit log does (HMACed values, user names): private
// like the store.
void require_private(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"})
    require_private_file(path + suffix, "side log of reads", ErrorCode::store_unavailable,
                         Sharing::group_read);
}
}  // namespace

ChainPoint folded_read_point(Db& main) {
  auto text = value_of(main, "settings", kFoldedKey);
  if (!text) return {0, kGenesisHash};
  auto point = parse_point(*text);
  if (!point) return {-1, ""};  // unreadable: nothing verifies against it
  return *point;
}

ReadLog::ReadLog(const std::string& path) : db_(path, Db::Mode::read_write) {
  db_.exec("PRAGMA synchronous = NORMAL");
}

std::unique_ptr<ReadLog> ReadLog::open_or_create(const std::string& store_path,
                                                 const std::string& store_id) {
  const std::string path = path_for(store_path);
  if (!exists(path)) {
    require_safe_directory(path, "side log of reads", ErrorCode::store_unavailable);
    try {  // 0600 before SQLite opens it: its -wal and -shm files take the same mode
      ::close(create_private_file(path, "side log of reads", ErrorCode::store_unavailable));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::conflict) throw;  // another reader created it meanwhile
    }
  }
  require_private(path);
  std::unique_ptr<ReadLog> log(new ReadLog(path));
  log->create_schema(store_id);
  return log;
}

std::unique_ptr<ReadLog> ReadLog::open_existing(const std::string& store_path) {
  const std::string path = path_for(store_path);
  if (!exists(path)) return nullptr;
  require_private(path);
  std::unique_ptr<ReadLog> log(new ReadLog(path));
  auto table = log->db_.prepare("SELECT 1 FROM sqlite_master WHERE name = 'read_log'");
  if (!table.step()) return nullptr;  // created but not set up yet: nothing in it
  return log;
}

void ReadLog::create_schema(const std::string& store_id) {
  if (db_.prepare("SELECT 1 FROM sqlite_master WHERE name = 'read_log'").step()) return;
  db_.exec("PRAGMA journal_mode = WAL");
  Transaction tx(db_, Transaction::Kind::immediate);
  // audit_log's columns; seq and the hashes form the side chain.
  db_.exec(
      "CREATE TABLE IF NOT EXISTS read_log (seq INTEGER PRIMARY KEY, ts_utc TEXT NOT NULL, ts_sim "
      "TEXT, actor TEXT NOT NULL, role TEXT NOT NULL, dept TEXT NOT NULL, action TEXT NOT NULL, "
      "targets TEXT NOT NULL, params TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, "
      "prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT;"
      "CREATE TABLE IF NOT EXISTS read_log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) "
      "STRICT;");
  db_.prepare("INSERT OR IGNORE INTO read_log_meta (key, value) VALUES ('store.id', ?)")
      .bind(1, store_id)
      .run();
  tx.commit();
}

AuditEntry ReadLog::append(AuditEntry entry, const ChainPoint& base) {
  Transaction tx(db_, Transaction::Kind::immediate);
  auto head_text = value_of(db_, "read_log_meta", "head");
  auto head = head_text ? parse_point(*head_text) : std::optional<ChainPoint>(base);
  if (!head)
    fail(ErrorCode::integrity,
         fmt::format("the side log of reads '{}' has an unreadable head", db_.path()),
         "run `credit audit verify`; the read was not answered");
  entry.seq = head->first + 1;
  entry.prev_hash = head->second;
  entry.hash = compute_entry_hash(entry);
  insert_audit_row(db_, "read_log", entry);
  set_value(db_, "read_log_meta", "head", point_text(entry.seq, entry.hash));
  tx.commit();
  return entry;
}

std::vector<AuditEntry> ReadLog::entries_after(int64_t seq) {
  std::vector<AuditEntry> out;
  auto stmt =
      db_.prepare(fmt::format("SELECT {} FROM read_log WHERE seq > ? ORDER BY seq", kAuditColumns));
  stmt.bind(1, seq);
  while (stmt.step())
    out.push_back(audit_entry_from_row(stmt));
  return out;
}

ReadLog::Contents ReadLog::read_all() {
  Transaction snapshot(db_, Transaction::Kind::deferred);
  Contents c;
  c.store_id = value_of(db_, "read_log_meta", "store.id").value_or("");
  if (auto head = value_of(db_, "read_log_meta", "head"))
    c.head = parse_point(*head).value_or(ChainPoint{-1, ""});
  c.entries = entries_after(std::numeric_limits<int64_t>::min());
  snapshot.commit();
  return c;
}

void ReadLog::forget_through(int64_t seq) {
  if (seq <= 0) return;
  try {
    if (!db_.prepare("SELECT 1 FROM read_log WHERE seq <= ? LIMIT 1").bind(1, seq).step()) return;
    db_.prepare("DELETE FROM read_log WHERE seq <= ?").bind(1, seq).run();
  } catch (const Error&) {
    // Kept: the next fold skips entries up to the folded point and deletes them then.
  }
}

int64_t fold_read_log(Db& main, ReadLog& side, const std::string& fold_time_utc) {
  auto [seq, hash] = folded_read_point(main);
  if (seq < 0) return 0;  // an unreadable folded point: `audit verify` reports it
  ChainVerifier chain(seq + 1, hash);
  int64_t last = 0;
  for (const AuditEntry& e : side.entries_after(seq)) {
    if (!chain.add(e)) break;  // never vouch for a side entry that does not verify
    AuditEntry m;
    m.ts_utc = e.ts_utc;  // when the read happened (exports and reports select by time)
    m.ts_sim = e.ts_sim;
    m.actor = e.actor;
    m.role = e.role;
    m.dept = e.dept;
    m.action = kReadEntryAction;
    m.targets = e.targets;
    m.params = canonical_json(
        {{"side_seq", e.seq}, {"side_hash", e.hash}, {"entry", audit_entry_to_json(e)}});
    m.outcome = e.outcome;
    m.reason = e.reason.empty()
                   ? fmt::format("recorded in the side log, folded at {}", fold_time_utc)
                   : e.reason;
    append_audit_entry(main, std::move(m));
    last = e.seq;
  }
  if (last == 0) return seq;
  set_value(main, "settings", kFoldedKey, point_text(last, chain.head_hash()));
  return last;
}

std::optional<AuditEntry> folded_side_entry(const AuditEntry& main_entry) {
  auto params = Json::parse(main_entry.params, nullptr, false);
  if (!params.is_object() || !params.contains("entry") || !params.contains("side_seq") ||
      !params.contains("side_hash"))
    return std::nullopt;
  try {
    AuditEntry side = audit_entry_from_json(params["entry"]);
    if (params["side_seq"] != Json(side.seq) || params["side_hash"] != Json(side.hash))
      return std::nullopt;
    return side;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

ReadLogReport verify_read_log(Db& main, const std::optional<ReadLog::Contents>& side,
                              const std::string& store_id) {
  ReadLogReport r;
  ChainVerifier folded;  // every side entry ever folded, from side entry 1
  AuditFilter only_reads;
  only_reads.action = kReadEntryAction;
  for_each_audit_entry(main, only_reads, [&](const AuditEntry& m) {
    if (!r.ok()) return;
    auto e = folded_side_entry(m);
    if (!e) {
      r.problem =
          fmt::format("audit entry {} (a folded read) does not carry its side entry", m.seq);
      return;
    }
    ++r.folded;
    if (!folded.add(*e))
      r.problem = fmt::format("audit entry {} folds side entry {}, which does not verify: {}",
                              m.seq, e->seq, folded.problem());
  });
  if (!r.ok()) return r;
  ChainPoint last = r.folded > 0 ? ChainPoint{folded.last_seq(), folded.head_hash()}
                                 : ChainPoint{0, kGenesisHash};
  if (folded_read_point(main) != last) {
    r.problem = fmt::format(
        "the recorded fold point of the side log (setting {}) is not the last "
        "folded read (side entry {})",
        kFoldedKey, last.first);
    return r;
  }
  if (!side) return r;
  if (side->store_id != store_id || (side->head && side->head->first < 0)) {
    r.problem = side->store_id != store_id
                    ? fmt::format("the side log of reads belongs to store {}, not this store ({})",
                                  side->store_id, store_id)
                    : "the side log of reads has an unreadable head";
    return r;
  }
  ChainVerifier unfolded(last.first + 1, last.second);
  if (side->head && side->head->first > last.first)
    unfolded.expect_end({side->head->first, side->head->second, "the side log's recorded head"});
  for (const AuditEntry& e : side->entries)
    if (e.seq > last.first) unfolded.add(e);
  unfolded.finish();
  r.unfolded = unfolded.report().valid;
  if (!unfolded.ok())
    r.problem = fmt::format("the side log of reads is broken at its entry {}: {}",
                            *unfolded.broken_seq(), unfolded.problem());
  else if (!side->entries.empty() && side->entries.back().seq > last.first && !side->head)
    r.problem = "the side log of reads has entries but no recorded head";
  return r;
}

}  // namespace credit::store
