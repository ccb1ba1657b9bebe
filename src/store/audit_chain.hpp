#pragma once
// The audit log's hash chain. Each entry's hash covers a canonical, unambiguous serialisation of
// all its fields, including the previous entry's hash, so editing, deleting or reordering any entry
// breaks every hash from that point on.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credit::store {

class Db;
class Stmt;

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

// The audit_log columns in order, and one entry as a row of a table with these columns (audit_log,
// and the side log's read_log).
inline constexpr const char* kAuditColumns =
    "seq, ts_utc, ts_sim, actor, role, dept, action, targets, params, outcome, reason, prev_hash, "
    "hash";
AuditEntry audit_entry_from_row(const Stmt& row);
void insert_audit_row(Db& db, std::string_view table, const AuditEntry& entry);

// "credit-audit-v1" then each field as a length-prefixed string (s<len>:<bytes>) or n for null:
// no value can be mistaken for a field boundary.
std::string canonical_serialisation(const AuditEntry& entry);
// The field encoding above, for other documents that are hashed or signed (checkpoints).
void put_canonical_field(std::string& out, std::string_view value);
void put_canonical_optional(std::string& out, const std::optional<std::string>& value);
std::string compute_entry_hash(const AuditEntry& entry);

// Appends an entry inside the caller's open write transaction: assigns seq, prev_hash and hash and
// moves the recorded head. Returns the stored entry.
AuditEntry append_audit_entry(Db& db, AuditEntry entry);

// Where a chain must reach: a signed checkpoint, the store's recorded head, an export's manifest.
struct ChainAnchor {
  int64_t seq = 0;
  std::string hash;
  std::string source;  // for messages: "the checkpoint", "the recorded head of the log"
};

// What a verification found. broken_seq names the first entry that is wrong or missing.
struct AuditVerifyReport {
  int64_t total = 0;  // entries read
  int64_t valid = 0;  // entries verified before the first break
  std::optional<int64_t> broken_seq;
  std::string problem;
  std::optional<int64_t> first_seq;
  int64_t head_seq = 0;  // the last valid entry
  std::string head_hash;
  int64_t runs = 0;          // contiguous runs of sequence numbers (1 for a whole log)
  int64_t anchored_seq = 0;  // every entry up to here is covered by a matched anchor
  int64_t anchors_matched = 0;
  bool ok() const { return !broken_seq; }
};

// The one verifier for the store, exports and checkpoints. Entries are fed in sequence order;
// each must hash to its recorded hash and link to its predecessor. It stops at the first break.
class ChainVerifier {
 public:
  enum class Start {
    genesis,      // the first entry is entry 1, linked to the genesis hash
    first_entry,  // start mid-chain at whatever entry comes first, trusting its link backwards
  };
  enum class Gaps {
    refuse,  // a missing sequence number is a break (a whole log, a contiguous export)
    allow,   // a filtered export: links are checked inside each contiguous run only
  };
  explicit ChainVerifier(Start start = Start::genesis, Gaps gaps = Gaps::refuse)
      : gaps_(gaps), seq_known_(start == Start::genesis), link_known_(seq_known_) {}
  // Verifying from a known earlier entry: the next entry must be `next_seq` and link to
  // `prev_hash`.
  ChainVerifier(int64_t next_seq, std::string prev_hash);

  // The first entry must be `seq` (Start::first_entry, when a manifest or checkpoint says so).
  void expect_start(int64_t seq);
  // The entry at anchor.seq must be present and carry anchor.hash.
  void expect_entry(ChainAnchor anchor);
  // The chain must end exactly at anchor.seq, with anchor.hash.
  void expect_end(ChainAnchor anchor);

  bool add(const AuditEntry& entry);  // false once broken
  // Records a problem found outside the entries (an unreadable line, a digest): a break at the
  // next expected entry unless the chain broke earlier.
  void fail_here(std::string problem);
  void fail_at(int64_t seq, std::string problem);
  // An entry that could not be read at all (a garbled line): counted, and a break.
  void add_unreadable(std::string problem);
  // Checks what only the end can tell: anchors never reached, a log that ends early or late.
  const AuditVerifyReport& finish();

  bool ok() const { return !report_.broken_seq; }
  const AuditVerifyReport& report() const { return report_; }
  int64_t valid_count() const { return report_.valid; }
  std::optional<int64_t> broken_seq() const { return report_.broken_seq; }
  const std::string& problem() const { return report_.problem; }
  int64_t last_seq() const { return report_.head_seq; }
  const std::string& head_hash() const { return report_.head_hash; }

 private:
  bool broken(int64_t seq, std::string problem);
  bool check_anchors_before(int64_t seq);
  bool check_anchor_at(const AuditEntry& e);

  Gaps gaps_ = Gaps::refuse;
  bool seq_known_ = true;   // expected_seq_ is known
  bool link_known_ = true;  // prev_hash_ is known
  int64_t expected_seq_ = 1;
  std::string prev_hash_ = kGenesisHash;
  std::map<int64_t, ChainAnchor> anchors_;  // still to be matched, by seq
  std::optional<ChainAnchor> end_;
  AuditVerifyReport report_;
};

// The head recorded with every append: (seq, hash); seq -1 when the record is unreadable.
std::optional<std::pair<int64_t, std::string>> read_audit_head(Db& db);

// Verifies the store's log, and that it ends where the recorded head says. `from` starts the
// check mid-chain at a trusted anchor (a verified checkpoint); `anchors` are checkpoints the
// chain must match.
AuditVerifyReport verify_audit_log(Db& db, const std::vector<ChainAnchor>& anchors = {},
                                   const std::optional<ChainAnchor>& from = std::nullopt);

// Streams entries with seq >= from_seq in order.
void for_each_audit_entry(Db& db, int64_t from_seq,
                          const std::function<void(const AuditEntry&)>& visit);

// Which entries an export takes. Times are format_utc() text, compared as stored; a name ending
// in '*' matches by prefix.
struct AuditFilter {
  std::optional<std::string> since_utc;  // ts_utc >= since
  std::optional<std::string> until_utc;  // ts_utc < until
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<std::string> target;  // one of the entry's targets
};
// Streams the entries that pass the filter, in sequence order.
void for_each_audit_entry(Db& db, const AuditFilter& filter,
                          const std::function<void(const AuditEntry&)>& visit);

}  // namespace credit::store
