#include "store/migrations.hpp"

#include <fmt/format.h>

#include "store/sqlite.hpp"
#include "util/error.hpp"

namespace credit::store {

int Migration::version() const {
  return std::stoi(name.substr(0, name.find('_')));
}

int latest_schema_version() {
  const auto& all = embedded_migrations();
  return all.empty() ? 0 : all.back().version();
}

int schema_version(Db& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  stmt.step();
  return static_cast<int>(stmt.column_int64(0));
}

std::vector<std::string> apply_migrations(Db& db, int target) {
  if (!db.in_transaction())
    fail(ErrorCode::internal, "migrations run inside the caller's write transaction");
  std::vector<std::string> applied;
  int current = schema_version(db);  // read under the write lock: concurrent migrators serialise
  for (const auto& migration : embedded_migrations()) {
    int v = migration.version();
    if (v <= current || v > target) continue;
    if (v != current + 1)
      fail(ErrorCode::internal,
           fmt::format("migration {} does not follow version {}", migration.name, current));
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", v));
    applied.push_back(migration.name);
    current = v;
  }
  return applied;
}

}  // namespace credit::store
