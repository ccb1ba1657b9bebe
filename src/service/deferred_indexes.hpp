#pragma once
// Bulk loads without random index maintenance. A batch that inserts rows into records keeps the
// table's secondary indexes current row by row, in the random order of their keys; once those
// indexes outgrow the page cache every insert reads and rewrites pages of each of them, and a
// first load of a million rows spent most of its time there. A batch that has inserted more rows
// than a threshold (half the store, and enough for the indexes to outgrow the cache) therefore
// drops them and builds them again at its
// end, each in one sorted pass. Both happen inside the batch's transaction: a rollback, or a
// kill -9 before the commit, leaves the indexes as they were. The natural key's unique index is
// kept: the batch looks rows up by it.
//
// SQLite refuses to drop an index ("database table is locked") while any statement of the
// connection is still reading. An import reads its rows from a file and may drop the indexes at
// any row; an approval reads them from staged_rows, so it knows its inserts in advance and drops
// the indexes before that read begins (expect_inserts).
#include <cstdint>
#include <string>
#include <vector>

namespace credit::store {
class Db;
}

namespace credit::service {

class DeferredRecordIndexes {
 public:
  // Indexes of fewer records than this fit in an import's page cache (ImportConnection; about
  // 340 bytes of index per record), where keeping them current costs less than building them.
  static constexpr int64_t kCachedRecords = 150000;
  // The page cache while the indexes are built, which also bounds each sort's memory.
  static constexpr int64_t kSortKiB = 16 * 1024;

  // `cached_records`: kCachedRecords, or CREDIT_BULK_INDEX_ROWS when set (tests lower it to
  // exercise bulk loads with a few rows).
  explicit DeferredRecordIndexes(store::Db& db, int64_t cached_records = configured_records());
  static int64_t configured_records();
  // After each insert, with the batch's inserted count so far: drops the indexes at the threshold.
  void note_inserted(int64_t inserted) {
    if (inserted == threshold_) drop();
  }
  // Before a batch that will insert about `inserts` rows: drops the indexes now if that reaches
  // the threshold. For batches that read their rows from the store (see above).
  void expect_inserts(int64_t inserts) {
    if (inserts >= threshold_) drop();
  }
  // Builds the dropped indexes again; call before the batch's transaction is released.
  void rebuild();
  bool deferred() const { return !dropped_.empty(); }
  // The CREATE INDEX statements of the dropped indexes.
  const std::vector<std::string>& dropped() const { return dropped_; }

 private:
  void drop();

  store::Db& db_;
  int64_t threshold_ = 0;
  std::vector<std::string> dropped_;  // their CREATE INDEX statements
};

}  // namespace credit::service
