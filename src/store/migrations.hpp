#pragma once
// Versioned schema migrations. The SQL lives in share/migrations/NNNN_name.sql and is embedded in
// the binary at build time; PRAGMA user_version records the last one applied.
#include <string>
#include <vector>

namespace credit::store {

class Db;

struct Migration {
  std::string name;  // "0001_foundation.sql"
  std::string sql;
  int version() const;  // the leading number
};

const std::vector<Migration>& embedded_migrations();
int latest_schema_version();
int schema_version(Db& db);
// Applies the migrations after the store's version, up to `target`, inside the caller's write
// transaction (so a migration and its audit entry commit together).
// Returns the names applied.
std::vector<std::string> apply_migrations(Db& db, int target);

}  // namespace credit::store
