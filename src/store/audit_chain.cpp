#include "store/audit_chain.hpp"

#include <fmt/format.h>

#include <charconv>

#include "store/sqlite.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::store {

namespace {
void put(std::string& out, std::string_view value) {
  out += 's';
  out += std::to_string(value.size());
  out += ':';
  out += value;
}
void put_optional(std::string& out, const std::optional<std::string>& value) {
  if (value)
    put(out, std::string_view(*value));
  else
    out += 'n';
}

constexpr const char* kHeadKey = "audit.head";
constexpr const char* kColumns =
    "seq, ts_utc, ts_sim, actor, role, dept, action, targets, params, outcome, reason, prev_hash, "
    "hash";

AuditEntry read_entry(const Stmt& s) {
  AuditEntry e;
  e.seq = s.column_int64(0);
  e.ts_utc = s.column_text(1);
  e.ts_sim = s.column_optional_text(2);
  e.actor = s.column_text(3);
  e.role = s.column_text(4);
  e.dept = s.column_text(5);
  e.action = s.column_text(6);
  e.targets = s.column_text(7);
  e.params = s.column_text(8);
  e.outcome = s.column_text(9);
  e.reason = s.column_text(10);
  e.prev_hash = s.column_text(11);
  e.hash = s.column_text(12);
  return e;
}
}  // namespace

std::string canonical_serialisation(const AuditEntry& e) {
  std::string out = "credit-audit-v1";
  put(out, std::to_string(e.seq));
  put(out, e.ts_utc);
  put_optional(out, e.ts_sim);
  put(out, e.actor);
  put(out, e.role);
  put(out, e.dept);
  put(out, e.action);
  put(out, e.targets);
  put(out, e.params);
  put(out, e.outcome);
  put(out, e.reason);
  put(out, e.prev_hash);
  return out;
}

std::string compute_entry_hash(const AuditEntry& entry) {
  return crypto::sha256_hex(canonical_serialisation(entry));
}

std::optional<std::pair<int64_t, std::string>> read_audit_head(Db& db) {
  auto stmt = db.prepare("SELECT value FROM settings WHERE key = ?");
  stmt.bind(1, kHeadKey);
  if (!stmt.step()) return std::nullopt;
  std::string value = stmt.column_text(0);
  auto space = value.find(' ');
  int64_t seq = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + std::min(space, value.size()), seq);
  if (space == std::string::npos || ec != std::errc() || ptr != value.data() + space)
    return std::make_pair(int64_t{-1}, std::string());  // present but unreadable
  return std::make_pair(seq, value.substr(space + 1));
}

AuditEntry append_audit_entry(Db& db, AuditEntry entry) {
  if (!db.in_transaction())
    fail(ErrorCode::internal, "audit entries must be appended inside the change's transaction");
  entry.seq = 1;
  entry.prev_hash = kGenesisHash;
  auto last = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (last.step()) {
    entry.seq = last.column_int64(0) + 1;
    entry.prev_hash = last.column_text(1);
  }
  // Continue from the recorded head when it is ahead of the last row: entries removed from the
  // end stay missing (and reported) instead of being papered over by the next append.
  if (auto head = read_audit_head(db); head && head->first >= entry.seq) {
    entry.seq = head->first + 1;
    entry.prev_hash = head->second;
  }
  entry.hash = compute_entry_hash(entry);
  auto insert = db.prepare(fmt::format(
      "INSERT INTO audit_log ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns));
  insert.bind(1, entry.seq)
      .bind(2, entry.ts_utc)
      .bind(3, entry.ts_sim)
      .bind(4, entry.actor)
      .bind(5, entry.role)
      .bind(6, entry.dept)
      .bind(7, entry.action)
      .bind(8, entry.targets)
      .bind(9, entry.params)
      .bind(10, entry.outcome)
      .bind(11, entry.reason)
      .bind(12, entry.prev_hash)
      .bind(13, entry.hash)
      .run();
  auto head = db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  head.bind(1, kHeadKey).bind(2, fmt::format("{} {}", entry.seq, entry.hash)).run();
  return entry;
}

bool ChainVerifier::add(const AuditEntry& e) {
  if (broken_seq_) return false;
  auto broken = [&](int64_t seq, std::string problem) {
    broken_seq_ = seq;
    problem_ = std::move(problem);
    return false;
  };
  if (e.seq > expected_seq_)
    return broken(expected_seq_, fmt::format("entry {} is missing (next entry found is {})",
                                             expected_seq_, e.seq));
  if (e.seq < expected_seq_)
    return broken(e.seq, fmt::format("entry {} appears out of order after entry {}", e.seq,
                                     expected_seq_ - 1));
  if (e.prev_hash != prev_hash_)
    return broken(e.seq, fmt::format("entry {} does not link to entry {} (previous hash differs): "
                                     "an entry was removed, reordered or altered",
                                     e.seq, e.seq - 1));
  if (compute_entry_hash(e) != e.hash)
    return broken(e.seq,
                  fmt::format("entry {} was altered (its content does not match its hash)", e.seq));
  prev_hash_ = e.hash;
  ++expected_seq_;
  ++valid_;
  return true;
}

void for_each_audit_entry(Db& db, int64_t from_seq,
                          const std::function<void(const AuditEntry&)>& visit) {
  auto stmt =
      db.prepare(fmt::format("SELECT {} FROM audit_log WHERE seq >= ? ORDER BY seq", kColumns));
  stmt.bind(1, from_seq);
  while (stmt.step())
    visit(read_entry(stmt));
}

AuditVerifyReport verify_audit_log(Db& db) {
  AuditVerifyReport report;
  ChainVerifier verifier;
  for_each_audit_entry(db, 1, [&](const AuditEntry& e) {
    ++report.total;
    verifier.add(e);
  });
  report.valid = verifier.valid_count();
  report.broken_seq = verifier.broken_seq();
  report.problem = verifier.problem();
  report.head_seq = verifier.last_seq();
  report.head_hash = verifier.head_hash();
  if (report.broken_seq) return report;

  // The recorded head catches truncation of the newest entries (a signed checkpoint kept
  // elsewhere catches it even when the head was rewritten too).
  auto head = read_audit_head(db);
  if (!head) {
    if (report.total > 0) {
      report.broken_seq = 1;
      report.problem = "the recorded head of the log is missing";
    }
    return report;
  }
  auto [head_seq, head_hash] = *head;
  if (head_seq < 0) {
    report.broken_seq = report.head_seq;
    report.problem = "the recorded head of the log is unreadable";
  } else if (head_seq > report.head_seq) {
    report.broken_seq = report.head_seq + 1;
    report.problem = fmt::format("entries {} to {} are missing: the log ends early",
                                 report.head_seq + 1, head_seq);
  } else if (head_seq == report.head_seq && head_hash != report.head_hash) {
    report.broken_seq = head_seq;
    report.problem = fmt::format("entry {} differs from the recorded head of the log", head_seq);
  } else if (head_seq < report.head_seq) {
    report.broken_seq = head_seq + 1;
    report.problem = fmt::format(
        "entries after {} were added outside credit (the recorded head is {})", head_seq, head_seq);
  }
  return report;
}

}  // namespace credit::store
