#pragma once
// A credit store: one SQLite file in WAL mode with foreign keys on and a checked schema version.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "store/lock_holder.hpp"
#include "store/sqlite.hpp"

namespace credit::store {

class Store {
 public:
  // Creates a new store file; refuses when the path exists. `schema_version` 0 means latest
  // (tests create older stores to exercise `credit migrate`).
  static std::unique_ptr<Store> create(const std::string& path, int schema_version = 0);
  // Opens an existing store whose schema is current; an older schema is refused (never migrated
  // silently) with a hint to run `credit migrate`, a newer one with a hint to upgrade credit.
  static std::unique_ptr<Store> open(const std::string& path);
  // Opens an existing store whatever its schema version, for `credit migrate`.
  static std::unique_ptr<Store> open_any_version(const std::string& path);

  Db& db() { return db_; }
  const std::string& path() const { return db_.path(); }

  // Who waits for another connection's write lock, for how long: up to `limit` (10 minutes
  // unless set), then the call fails naming the holder (lock_holder.hpp). `notice`, when given, is
  // told about once a second while waiting who holds the lock (nullopt: a command that names
  // nothing, e.g. a query writing its audit entry).
  using WaitNotice =
      std::function<void(const std::optional<LockHolder>& holder, std::chrono::milliseconds)>;
  static constexpr std::chrono::minutes kDefaultWait{10};
  void wait_for_writers(std::chrono::milliseconds limit, WaitNotice notice = {});
  LockHolderFile& holder_file() { return holder_file_; }

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

 private:
  Store(const std::string& path, Db::Mode mode);
  void configure_connection();
  Db db_;
  LockHolderFile holder_file_;
};

}  // namespace credit::store
