#pragma once
// The audit log's hash chain. Each entry's hash covers a canonical, unambiguous serialisation of
// all its fields, including the previous entry's hash, so editing, deleting or reordering any entry
// breaks every hash from that point on.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace credit::store {

class Db;

struct AuditEntry {
  int64_t seq = 0;
  std::string ts_utc;
  std::optional<std::string> ts_sim;
  std::string actor;
  std::string role;
  std::string dept;
  std::string action;
  std::string targets = "[]";  // JSON array text, stored and hashed as is
  std::string params = "{}";   // JSON object text
  std::string outcome;         // ok | denied | unauthenticated | failed
  std::string reason;
  std::string prev_hash;
  std::string hash;
};

inline const std::string kGenesisHash(64, '0');

// "credit-audit-v1" then each field as a length-prefixed string (s<len>:<bytes>) or n for null:
// no value can be mistaken for a field boundary.
std::string canonical_serialisation(const AuditEntry& entry);
std::string compute_entry_hash(const AuditEntry& entry);

// Appends an entry inside the caller's open write transaction: assigns seq, prev_hash and hash and
// moves the recorded head. Returns the stored entry.
AuditEntry append_audit_entry(Db& db, AuditEntry entry);

// Checks entries fed in sequence order; stops at the first break.
class ChainVerifier {
 public:
  // Verifying from the start of the log, or from a known earlier entry (for partial exports).
  ChainVerifier() = default;
  ChainVerifier(int64_t next_seq, std::string prev_hash)
      : expected_seq_(next_seq), prev_hash_(std::move(prev_hash)) {}

  bool add(const AuditEntry& entry);  // false once broken
  bool ok() const { return !broken_seq_; }
  int64_t valid_count() const { return valid_; }
  std::optional<int64_t> broken_seq() const { return broken_seq_; }
  const std::string& problem() const { return problem_; }
  int64_t last_seq() const { return expected_seq_ - 1; }
  const std::string& head_hash() const { return prev_hash_; }

 private:
  int64_t expected_seq_ = 1;
  std::string prev_hash_ = kGenesisHash;
  int64_t valid_ = 0;
  std::optional<int64_t> broken_seq_;
  std::string problem_;
};

struct AuditVerifyReport {
  int64_t total = 0;  // entries in the store
  int64_t valid = 0;
  std::optional<int64_t> broken_seq;
  std::string problem;
  int64_t head_seq = 0;
  std::string head_hash;
};

// The head recorded with every append: (seq, hash); seq -1 when the record is unreadable.
std::optional<std::pair<int64_t, std::string>> read_audit_head(Db& db);

// Verifies the store's whole log, and that it ends where the recorded head says.
AuditVerifyReport verify_audit_log(Db& db);

// Streams entries with seq >= from_seq in order.
void for_each_audit_entry(Db& db, int64_t from_seq,
                          const std::function<void(const AuditEntry&)>& visit);

}  // namespace credit::store
