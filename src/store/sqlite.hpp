#pragma once
// A thin RAII layer over the SQLite C API: connections, prepared statements, transactions.
// SQLite errors become credit::Error with a category (busy → store_unavailable, constraint →
// conflict).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace credit::store {

// The version of the SQLite library linked in ("3.40.1").
std::string sqlite_library_version();

class Db;

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;

  // Binding: 1-based index. Returns *this to chain.
  Stmt& bind(int index, int64_t value);
  Stmt& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::string_view value);
  Stmt& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Stmt& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Stmt& bind_null(int index);
  Stmt& bind_blob(int index, std::string_view bytes);  // binary content (evidence files)
  // Binds text without copying it: `value` must stay unchanged until the statement is stepped
  // and reset (bulk inserts).
  Stmt& bind_static(int index, std::string_view value);
  template <class T>
  Stmt& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  int parameter_index(const char* name) const;

  // Steps once: true when a row is available, false when done.
  bool step();
  // Runs to completion (for statements without results).
  void run();
  void reset();  // reset and clear bindings, for reuse

  int64_t column_int64(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::string_view column_view(int col) const;  // valid until the next step/reset
  std::optional<std::string> column_optional_text(int col) const;
  std::optional<int64_t> column_optional_int64(int col) const;
  bool column_is_null(int col) const;
  int column_count() const;
  std::string column_name(int col) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

// How a connection waits for another connection's write lock. SQLite keeps no queue: a waiter
// polls, at most every 100 ms. `waiting` is called about once a second while it waits; `gave_up`
// words the error once `limit` has passed (default: SQLite's message).
struct LockWait {
  std::chrono::milliseconds limit{600000};
  std::function<void(std::chrono::milliseconds waited)> waiting;
  std::function<std::string(std::chrono::milliseconds waited)> gave_up;
};

class Db {
 public:
  enum class Mode { read_write, read_write_create, read_only };
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);  // one or more statements, no results
  // exec() that does not wait for another connection's lock: false when it is taken.
  bool try_exec(std::string_view sql);
  Stmt prepare(std::string_view sql) { return Stmt(*this, sql); }
  int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

  // Throws credit::Error for an SQLite result code, with context.
  [[noreturn]] void raise(int rc, std::string_view context) const;

  void set_lock_wait(LockWait wait);
  std::chrono::milliseconds lock_wait_limit() const;
  void set_lock_wait_limit(std::chrono::milliseconds limit);
  // Whether the last wait for the write lock ran out (the call failed busy).
  bool gave_up_waiting() const;

  struct Waiter;  // the busy handler's state (sqlite.cpp)

 private:
  [[noreturn]] void throw_error(int rc, const std::string& message) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<Waiter> waiter_;
};

// BEGIN IMMEDIATE (takes the write lock at once: writers serialise, no upgrade deadlocks) or
// BEGIN DEFERRED (a read snapshot). Rolls back unless commit() was called.
class Transaction {
 public:
  enum class Kind { deferred, immediate };
  Transaction(Db& db, Kind kind);
  // BEGIN IMMEDIATE only if no other connection holds the write lock now: nullptr when one does.
  static std::unique_ptr<Transaction> try_immediate(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();
  void rollback();

 private:
  struct Begun {};
  Transaction(Db& db, Begun) : db_(db) {}
  Db& db_;
  bool open_ = true;
};

}  // namespace credit::store
