#include "store/store.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/migrations.hpp"
#include "util/error.hpp"
#include "util/private_file.hpp"

namespace credit::store {

namespace {
bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void require_existing(const std::string& path) {
  if (!path_exists(path))
    fail(ErrorCode::store_unavailable, fmt::format("no store at '{}'", path),
         fmt::format("check --store or CREDIT_STORE; `credit init --store {}` creates a new store",
                     path));
}

// The store holds the audit signing key, the HMAC key and clear ID numbers: it and its WAL files
// may be read by the owner (and a group the administrator chose), never by others.
void require_private_store(const std::string& path) {
  require_safe_directory(path, "store", ErrorCode::store_unavailable);
  for (const char* suffix : {"", "-wal", "-shm"})
    require_private_file(path + suffix, "store file", ErrorCode::store_unavailable,
                         Sharing::group_read);
}
}  // namespace

Store::Store(const std::string& path, Db::Mode mode) : db_(path, mode), holder_file_(path) {
  configure_connection();
  wait_for_writers(kDefaultWait);
}

void Store::wait_for_writers(std::chrono::milliseconds limit, WaitNotice notice) {
  LockWait wait;
  wait.limit = limit;
  if (notice)
    wait.waiting = [this, notice](std::chrono::milliseconds waited) {
      notice(holder_file_.read(), waited);
    };
  wait.gave_up = [this](std::chrono::milliseconds waited) {
    auto holder = holder_file_.read();
    return fmt::format("the store is busy: {} holds its write lock; gave up after waiting {}",
                       holder ? holder->describe() : "another command", format_wait(waited));
  };
  db_.set_lock_wait(std::move(wait));
}

void Store::configure_connection() {
  // NORMAL is durable against process crashes in WAL mode and keeps commits cheap; a power loss can
  // lose the newest transactions but never splits a change from its audit entry.
  db_.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;");
}

std::unique_ptr<Store> Store::create(const std::string& path, int version) {
  if (path_exists(path))
    fail(ErrorCode::conflict, fmt::format("a file already exists at '{}'", path),
         "credit init never overwrites a store; choose another path, or run `credit migrate` to "
         "upgrade an existing store");
  require_safe_directory(path, "store", ErrorCode::store_unavailable);
  // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the store's mode.
  ::close(create_private_file(path, "store", ErrorCode::store_unavailable));
  std::unique_ptr<Store> store(new Store(path, Db::Mode::read_write_create));
  // 4 KiB pages (SQLite's default). The nightly jobs change records scattered over the table, a
  // page each, and write each changed page twice (WAL, checkpoint): purging 10,000 of a million
  // records took 0.9–1.25 s with 16 KiB pages, 0.65 s with 4 KiB; a bulk import takes about 20 %
  // longer (bench/publish.sh, bench/import.sh). Only a new store can choose its page size.
  store->db_.exec("PRAGMA page_size = 4096");
  store->db_.exec("PRAGMA journal_mode = WAL");
  Transaction tx(store->db_, Transaction::Kind::immediate);
  apply_migrations(store->db_, version == 0 ? latest_schema_version() : version);
  tx.commit();
  return store;
}

std::unique_ptr<Store> Store::open(const std::string& path) {
  auto store = open_any_version(path);
  int have = schema_version(store->db_);
  int want = latest_schema_version();
  if (have == 0)
    fail(ErrorCode::store_unavailable, fmt::format("'{}' is not a credit store", path),
         "check --store or CREDIT_STORE; `credit init` creates a store");
  if (have < want)
    fail(ErrorCode::store_unavailable,
         fmt::format("store '{}' has schema version {}, this credit needs {}", path, have, want),
         fmt::format("an administrator upgrades it with `credit migrate --store {}` (back it up "
                     "first)",
                     path));
  if (have > want)
    fail(ErrorCode::store_unavailable,
         fmt::format("store '{}' has schema version {}, newer than this credit ({})", path, have,
                     want),
         "use a newer credit with this store");
  return store;
}

std::unique_ptr<Store> Store::open_any_version(const std::string& path) {
  require_existing(path);
  require_private_store(path);
  return std::unique_ptr<Store>(new Store(path, Db::Mode::read_write));
}

std::optional<std::string> Store::setting(const std::string& key) {
  auto stmt = db_.prepare("SELECT value FROM settings WHERE key = ?");
  stmt.bind(1, key);
  if (!stmt.step()) return std::nullopt;
  return stmt.column_text(0);
}

void Store::set_setting(const std::string& key, const std::string& value) {
  auto stmt = db_.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  stmt.bind(1, key).bind(2, value).run();
}

}  // namespace credit::store
