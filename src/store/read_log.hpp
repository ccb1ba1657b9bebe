#pragma once
// The side log of read entries (docs/concurrency.md): a read that finds the store's write lock
// taken (an import holds it for minutes) records its audit entry in a second SQLite file beside
// the store, STORE-reads, with its own hash chain, and releases its answer once that entry is
// committed. The next holder of the main write lock folds the side entries into the main log, one
// `audit.read_entry` entry each carrying the side entry exactly as it was, and remembers the last
// side entry folded (settings 'audit.reads_folded', in the fold's transaction). SQLite cannot
// commit two files atomically, so the fold is idempotent instead: folded entries are deleted from
// the side file afterwards, and a fold copies only entries after the one remembered.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/sqlite.hpp"

namespace credit::store {

inline constexpr const char* kReadEntryAction = "audit.read_entry";

// (seq, hash) of a chain position; (0, genesis) before the first entry.
using ChainPoint = std::pair<int64_t, std::string>;

// The last side entry folded into the main log (main settings; (0, genesis) when none).
ChainPoint folded_read_point(Db& main);

class ReadLog {
 public:
  static std::string path_for(const std::string& store_path) { return store_path + "-reads"; }
  // Opens the side log, creating it (mode 0600, WAL) on first use; `store_id` ties it to its store.
  static std::unique_ptr<ReadLog> open_or_create(const std::string& store_path,
                                                 const std::string& store_id);
  // Opens the side log if there is one.
  static std::unique_ptr<ReadLog> open_existing(const std::string& store_path);

  Db& db() { return db_; }

  // Appends an entry in its own transaction, durable when this returns. `base` starts the chain of
  // a side log that has none yet (the main log's last folded point).
  AuditEntry append(AuditEntry entry, const ChainPoint& base);

  // Everything in the side file, read in one snapshot.
  struct Contents {
    std::string store_id;
    std::optional<ChainPoint> head;  // recorded with every append
    std::vector<AuditEntry> entries;
  };
  Contents read_all();
  std::vector<AuditEntry> entries_after(int64_t seq);
  // Deletes the entries folded up to `seq` (best effort: a later fold deletes them).
  void forget_through(int64_t seq);

 private:
  explicit ReadLog(const std::string& path);
  void create_schema(const std::string& store_id);
  Db db_;
};

// Folds the side log into the main log inside the caller's main write transaction: appends one
// audit.read_entry per side entry after the last folded one, in side order, stopping at the first
// side entry that does not verify (left for `audit verify` to report), and moves the folded point.
// `fold_time_utc` is used in a folded entry's reason. Returns the side seq folded up to, now or
// before (0: none ever): what the side file may forget.
int64_t fold_read_log(Db& main, ReadLog& side, const std::string& fold_time_utc);

// The side entry a folded main entry carries; nullopt when the params do not hold one.
std::optional<AuditEntry> folded_side_entry(const AuditEntry& main_entry);

// `audit verify` for reads: every folded entry is intact and they form one chain; the last is the
// recorded folded point; the side file's unfolded entries continue that chain up to its recorded
// head. `side` is read before the main log's snapshot (a fold in between would otherwise look like
// missing entries). Empty problem: all good.
struct ReadLogReport {
  int64_t folded = 0;    // audit.read_entry entries checked
  int64_t unfolded = 0;  // side entries not folded yet, checked
  std::string problem;
  bool ok() const { return problem.empty(); }
};
ReadLogReport verify_read_log(Db& main, const std::optional<ReadLog::Contents>& side,
                              const std::string& store_id);

}  // namespace credit::store
