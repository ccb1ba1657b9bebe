#pragma once
// Large batches in bounded transactions (docs/concurrency.md, "Bounded transactions for large
// batches"). A batch that commits more than a chunk of rows is written in several transactions of
// about kChunkRows rows each, so that the WAL, and every page lookup in it, stays small. Until one
// final commit the batch is *loading*: its new records are in `records` but hidden from every
// reader, its updates of existing records wait in staged_rows for the final transaction, and its
// batch row (hidden too) gets its status, counts and rejects, and the batch its audit entry, only
// in that transaction.
//
// Hiding is by id: a loading batch's records are exactly those from `records.hidden_from` (a
// settings row, the first id the batch inserted) on, because while it loads no other writer
// inserts records (they are refused, see refuse_while_loading). Readers compare records.id, which
// every index carries, so covering indexes stay covering. The final commit deletes the settings
// rows; a `kill -9` leaves them, and the next write deletes the batch's rows (in bounded
// transactions too) before it runs: to its users a batch is all or nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credit::store {
class Db;
}

namespace credit::service {

inline constexpr const char* kHiddenFromKey = "records.hidden_from";
inline constexpr const char* kLoadingKey = "import.loading";

// SQL true for a record readers may see; `id` names its id column ("r.id", "records.id", "id").
std::string visible_record(std::string_view id);
// Its negation, written so that SQLite searches the id range (NOT (…) would scan).
std::string hidden_record(std::string_view id);
// SQL true for an import batch readers may see (a loading batch is not seen).
std::string visible_batch(std::string_view id);

// Rows per transaction: 50,000 (about 80 MB of WAL), or CREDIT_CHUNK_ROWS when set (tests lower
// it to load a small file in several chunks).
inline constexpr int64_t kChunkRows = 50000;
int64_t configured_chunk_rows();

struct LoadingBatch {
  int64_t batch = 0;
  int64_t pid = 0;
  std::string process_start;         // the process's start (Linux /proc), against a reused pid
  int64_t first_record = 0;          // records from this id on are the batch's
  int64_t last_derivation = 0;       // derivations up to this id existed before
  std::string since;                 // China time, for messages
  std::vector<std::string> indexes;  // CREATE INDEX statements of indexes dropped for the load
  bool stale() const;                // its process is gone (or is this one, no longer loading)
};

std::optional<LoadingBatch> loading_batch(store::Db& db);

// Inside the write transaction before the batch's first chunk commits: hides the records it will
// insert from now on.
void begin_loading(store::Db& db, int64_t batch, const std::string& since);
// Inside the final transaction: the batch's records become visible with its commit.
void end_loading(store::Db& db);
// The batch dropped the records' secondary indexes to build them at its end
// (deferred_indexes.hpp): a batch removed after a crash builds them again.
void note_dropped_indexes(store::Db& db, const std::vector<std::string>& create_statements);
// After an error in a loading batch: this process gives it up, so that the next write (in any
// process) removes it like a batch whose process is gone.
void abandon_loading();
// Whether this process gave up a load since the last call (and forgets it).
bool take_abandoned_load();

// An import or approval refuses to run beside a batch that another process is loading: its
// records would fall among the hidden ones (Error store_unavailable, exit 8).
void refuse_while_loading(store::Db& db);

// Deletes a loading batch's records (newest first), `chunk` rows per call; false once none are
// left. The caller commits between calls.
bool discard_some(store::Db& db, const LoadingBatch& loading, int64_t chunk);
// After discard_some: deletes the batch's staged rows and the derivations only it used, and,
// unless `keep_batch`, its batch row and the loading marks and builds the indexes it dropped.
void discard_rest(store::Db& db, const LoadingBatch& loading, bool keep_batch);

// Before a write: removes a batch left loading by a process that is gone (kill -9, power loss),
// in bounded transactions of its own. True when there was one.
bool recover_interrupted_load(store::Db& db);

}  // namespace credit::service
