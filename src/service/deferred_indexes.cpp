#include "service/deferred_indexes.hpp"

#include <fmt/format.h>

#include <sqlite3.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdlib>

#include "store/store.hpp"

namespace credit::service {

int64_t DeferredRecordIndexes::configured_records() {
  const char* env = std::getenv("CREDIT_BULK_INDEX_ROWS");
  if (env == nullptr || *env == '\0') return kCachedRecords;
  char* end = nullptr;
  const long long rows = std::strtoll(env, &end, 10);
  return *end == '\0' && rows > 0 ? rows : kCachedRecords;
}

DeferredRecordIndexes::DeferredRecordIndexes(store::Db& db, int64_t cached_records) : db_(db) {
  // max(id) is as good as count(*) here and reads one page.
  auto size = db_.prepare("SELECT coalesce(max(id), 0) FROM records");
  size.step();
  const int64_t records = size.column_int64(0);
  // Rebuilding reads the whole table once per index: worth it when the batch adds at least half
  // as many rows as the store held, and only once the indexes no longer fit in the cache.
  threshold_ = std::max({int64_t{1}, records / 2, cached_records - records});
}

void DeferredRecordIndexes::drop() {
  if (deferred()) return;
  // Every index of records that SQLite did not make for a constraint (sql IS NULL for those).
  auto list = db_.prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' "
      "AND sql IS NOT NULL ORDER BY name");
  std::vector<std::string> names;
  while (list.step()) {
    names.push_back(list.column_text(0));
    dropped_.push_back(list.column_text(1));
  }
  list.reset();
  for (const auto& name : names)
    db_.exec("DROP INDEX \"" + name + "\"");
}

void DeferredRecordIndexes::rebuild() {
  if (!deferred()) return;
  auto cache = db_.prepare("PRAGMA cache_size");
  cache.step();
  const int64_t cache_size = cache.column_int64(0);
  cache.reset();
  // The cache is full of the batch's dirty pages: written out (to the WAL, uncommitted) they can
  // be dropped, and the sorts reuse their memory.
  if (int rc = sqlite3_db_cacheflush(db_.handle()); rc != SQLITE_OK)
    db_.raise(rc, "writing out the page cache");
  // The sorts spill to temporary files rather than memory (the store keeps temporary data in
  // memory, which here would hold each index whole), and a helper thread sorts beside the main one.
  db_.exec(fmt::format("PRAGMA temp_store = FILE; PRAGMA threads = 1; PRAGMA cache_size = -{}",
                       kSortKiB));
  sqlite3_db_release_memory(db_.handle());
#ifdef __GLIBC__
  malloc_trim(0);  // the sorts allocate large blocks of their own; give the freed pages back first
#endif
  for (const auto& sql : dropped_)
    db_.exec(sql);
  db_.exec(fmt::format("PRAGMA temp_store = MEMORY; PRAGMA threads = 0; PRAGMA cache_size = {}",
                       cache_size));
  dropped_.clear();
}

}  // namespace credit::service
