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

  // `cached_records`: kCachedRecords, smaller in tests.
  explicit DeferredRecordIndexes(store::Db& db, int64_t cached_records = kCachedRecords);
  // After each insert, with the batch's inserted count so far: drops the indexes at the threshold.
  void note_inserted(int64_t inserted) {
    if (inserted == threshold_) drop();
  }
  // Builds the dropped indexes again; call before the batch's transaction is released.
  void rebuild();
  bool deferred() const { return !dropped_.empty(); }

 private:
  void drop();

  store::Db& db_;
  int64_t threshold_ = 0;
  std::vector<std::string> dropped_;  // their CREATE INDEX statements
};

}  // namespace credit::service
