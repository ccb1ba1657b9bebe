#include "store/audit_chain.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "store/sqlite.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::store {

void put_canonical_field(std::string& out, std::string_view value) {
  out += 's';
  out += std::to_string(value.size());
  out += ':';
  out += value;
}
void put_canonical_optional(std::string& out, const std::optional<std::string>& value) {
  if (value)
    put_canonical_field(out, std::string_view(*value));
  else
    out += 'n';
}

namespace {
void put(std::string& out, std::string_view value) {
  put_canonical_field(out, value);
}
void put_optional(std::string& out, const std::optional<std::string>& value) {
  put_canonical_optional(out, value);
}

constexpr const char* kHeadKey = "audit.head";
constexpr const char* kColumns = kAuditColumns;
AuditEntry read_entry(const Stmt& s) {
  return audit_entry_from_row(s);
}
}  // namespace

AuditEntry audit_entry_from_row(const Stmt& s) {
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

void insert_audit_row(Db& db, std::string_view table, const AuditEntry& entry) {
  auto insert = db.prepare(fmt::format(
      "INSERT INTO {} ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", table, kColumns));
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
}

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
  insert_audit_row(db, "audit_log", entry);
  auto head = db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  head.bind(1, kHeadKey).bind(2, fmt::format("{} {}", entry.seq, entry.hash)).run();
  return entry;
}

ChainVerifier::ChainVerifier(int64_t next_seq, std::string prev_hash)
    : seq_known_(true),
      link_known_(true),
      expected_seq_(next_seq),
      prev_hash_(std::move(prev_hash)) {}

void ChainVerifier::expect_start(int64_t seq) {
  seq_known_ = true;
  expected_seq_ = seq;
  link_known_ = seq == 1;
  prev_hash_ = kGenesisHash;
}

void ChainVerifier::expect_entry(ChainAnchor anchor) {
  int64_t seq = anchor.seq;
  anchors_.emplace(seq, std::move(anchor));
}

void ChainVerifier::expect_end(ChainAnchor anchor) {
  end_ = std::move(anchor);
}

bool ChainVerifier::broken(int64_t seq, std::string problem) {
  if (!report_.broken_seq) {
    report_.broken_seq = seq;
    report_.problem = std::move(problem);
  }
  return false;
}

void ChainVerifier::fail_at(int64_t seq, std::string problem) {
  broken(seq, std::move(problem));
}

void ChainVerifier::fail_here(std::string problem) {
  broken(seq_known_ ? expected_seq_ : 0, std::move(problem));
}

void ChainVerifier::add_unreadable(std::string problem) {
  ++report_.total;
  fail_here(std::move(problem));
}

// An anchor below `seq` that was not matched can no longer be: its entry is absent.
bool ChainVerifier::check_anchors_before(int64_t seq) {
  if (anchors_.empty() || anchors_.begin()->first >= seq) return true;
  const ChainAnchor& a = anchors_.begin()->second;
  std::string read = report_.first_seq
                         ? fmt::format("the entries read go from {} to {}", *report_.first_seq, seq)
                         : fmt::format("the entries start at {}", seq);
  return broken(a.seq,
                fmt::format("entry {}, which {} covers, is missing ({})", a.seq, a.source, read));
}

bool ChainVerifier::check_anchor_at(const AuditEntry& e) {
  auto differs = [&](const ChainAnchor& a) {
    return broken(e.seq, fmt::format("entry {} differs from {}: the log up to this entry was "
                                     "altered and its hashes recomputed",
                                     e.seq, a.source));
  };
  if (auto it = anchors_.find(e.seq); it != anchors_.end()) {
    if (it->second.hash != e.hash) return differs(it->second);
    anchors_.erase(it);
    ++report_.anchors_matched;
    report_.anchored_seq = e.seq;
  }
  if (end_ && end_->seq == e.seq && end_->hash != e.hash) return differs(*end_);
  return true;
}

bool ChainVerifier::add(const AuditEntry& e) {
  ++report_.total;
  if (report_.broken_seq) return false;
  if (!seq_known_) expect_start(e.seq);
  bool new_run = report_.valid == 0;
  if (e.seq > expected_seq_) {
    if (gaps_ == Gaps::refuse)
      return broken(expected_seq_, fmt::format("entry {} is missing (next entry found is {})",
                                               expected_seq_, e.seq));
    expected_seq_ = e.seq;  // a new run of a filtered export: its link backwards is not here
    link_known_ = false;
    new_run = true;
  }
  if (e.seq < expected_seq_)
    return broken(e.seq, fmt::format("entry {} appears out of order after entry {}", e.seq,
                                     expected_seq_ - 1));
  if (!check_anchors_before(e.seq)) return false;
  if (link_known_ && e.prev_hash != prev_hash_)
    return broken(e.seq, fmt::format("entry {} does not link to entry {} (previous hash differs): "
                                     "an entry was removed, reordered or altered",
                                     e.seq, e.seq - 1));
  if (compute_entry_hash(e) != e.hash)
    return broken(e.seq,
                  fmt::format("entry {} was altered (its content does not match its hash)", e.seq));
  if (!check_anchor_at(e)) return false;
  if (!report_.first_seq) report_.first_seq = e.seq;
  if (new_run) ++report_.runs;
  report_.head_seq = e.seq;
  report_.head_hash = e.hash;
  prev_hash_ = e.hash;
  link_known_ = true;
  ++expected_seq_;
  ++report_.valid;
  return true;
}

const AuditVerifyReport& ChainVerifier::finish() {
  if (report_.broken_seq) return report_;
  int64_t last = report_.valid > 0 ? report_.head_seq : (seq_known_ ? expected_seq_ - 1 : 0);
  if (!anchors_.empty()) {
    const ChainAnchor& a = anchors_.begin()->second;
    broken(last + 1, fmt::format("entries {} to {} are missing: the log ends at entry {}, before "
                                 "{} (entry {}); the newest entries were removed",
                                 last + 1, a.seq, last, a.source, a.seq));
  } else if (end_ && last < end_->seq) {
    broken(last + 1, fmt::format("entries {} to {} are missing: the log ends at entry {}, but {} "
                                 "says it ends at entry {}",
                                 last + 1, end_->seq, last, end_->source, end_->seq));
  } else if (end_ && last > end_->seq) {
    broken(end_->seq + 1, fmt::format("entries {} to {} follow entry {}, where {} says the log "
                                      "ends: they were added afterwards, outside credit",
                                      end_->seq + 1, last, end_->seq, end_->source));
  }
  return report_;
}

void for_each_audit_entry(Db& db, int64_t from_seq,
                          const std::function<void(const AuditEntry&)>& visit) {
  auto stmt =
      db.prepare(fmt::format("SELECT {} FROM audit_log WHERE seq >= ? ORDER BY seq", kColumns));
  stmt.bind(1, from_seq);
  while (stmt.step())
    visit(read_entry(stmt));
}

namespace {
// "user.*" → (substr(col, 1, 5) = 'user.'); anything else → (col = value).
void add_name_condition(std::string& where, std::vector<std::string>& binds, const char* column,
                        const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == '*') {
    std::string prefix = pattern.substr(0, pattern.size() - 1);
    where += fmt::format(" AND substr({}, 1, {}) = ?", column, prefix.size());
    binds.push_back(prefix);
  } else {
    where += fmt::format(" AND {} = ?", column);
    binds.push_back(pattern);
  }
}

bool has_target(const std::string& targets_json, const std::string& pattern) {
  bool prefix = !pattern.empty() && pattern.back() == '*';
  std::string_view want(pattern.data(), prefix ? pattern.size() - 1 : pattern.size());
  // Parsed here, not with SQLite's json_each, so that a corrupted row cannot stop an export.
  auto targets = nlohmann::json::parse(targets_json, nullptr, false);
  if (!targets.is_array()) return false;
  for (const auto& t : targets) {
    if (!t.is_string()) continue;
    std::string_view value = t.get_ref<const std::string&>();
    if (prefix ? value.substr(0, want.size()) == want : value == want) return true;
  }
  return false;
}
}  // namespace

void for_each_audit_entry(Db& db, const AuditFilter& filter,
                          const std::function<void(const AuditEntry&)>& visit) {
  std::string where = "1 = 1";
  std::vector<std::string> binds;
  if (filter.since_utc) {
    where += " AND ts_utc >= ?";
    binds.push_back(*filter.since_utc);
  }
  if (filter.until_utc) {
    where += " AND ts_utc < ?";
    binds.push_back(*filter.until_utc);
  }
  if (filter.actor) add_name_condition(where, binds, "actor", *filter.actor);
  if (filter.action) add_name_condition(where, binds, "action", *filter.action);
  auto stmt =
      db.prepare(fmt::format("SELECT {} FROM audit_log WHERE {} ORDER BY seq", kColumns, where));
  for (size_t i = 0; i < binds.size(); ++i)
    stmt.bind(static_cast<int>(i + 1), binds[i]);
  while (stmt.step()) {
    AuditEntry e = read_entry(stmt);
    if (filter.target && !has_target(e.targets, *filter.target)) continue;
    visit(e);
  }
}

AuditVerifyReport verify_audit_log(Db& db, const std::vector<ChainAnchor>& anchors,
                                   const std::optional<ChainAnchor>& from) {
  ChainVerifier verifier;
  if (from) {
    verifier = ChainVerifier(ChainVerifier::Start::first_entry);
    verifier.expect_start(from->seq);
    verifier.expect_entry(*from);
  }
  for (const auto& anchor : anchors)
    if (!from || anchor.seq > from->seq) verifier.expect_entry(anchor);
  // The head recorded with every append catches truncation of the newest entries (a signed
  // checkpoint kept elsewhere catches it even when the head was rewritten too).
  auto head = read_audit_head(db);
  if (head && head->first >= 0)
    verifier.expect_end({head->first, head->second, "the recorded head of the log"});
  for_each_audit_entry(db, from ? from->seq : 1, [&](const AuditEntry& e) { verifier.add(e); });
  if (!head && verifier.report().total > 0)
    verifier.fail_at(1, "the recorded head of the log is missing");
  else if (head && head->first < 0)
    verifier.fail_at(verifier.last_seq(), "the recorded head of the log is unreadable");
  return verifier.finish();
}

}  // namespace credit::store
