#include "store/sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>

#include "util/error.hpp"

namespace credit::store {

namespace {
ErrorCode category(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
      return ErrorCode::store_unavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::conflict;
    default:
      return ErrorCode::internal;
  }
}

std::string hint_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
      return "another process holds the store's write lock; retry in a moment";
    case SQLITE_LOCKED:  // no shared cache: only a statement of the same connection conflicts
      return "a statement of this command was still reading the table; this is a bug, please "
             "report it with the command";
    case SQLITE_CANTOPEN:
      return "check the --store path (or CREDIT_STORE) and its permissions; `credit init` creates "
             "a store";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the file is not an intact credit store; restore it from a backup";
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "the store or its directory is not writable by this user";
    case SQLITE_FULL:
      return "the disk is full; free space and retry";
    default:
      return {};
  }
}

constexpr int kWalTruncateFrames = 128;  // 512 KiB of 4 KiB pages: a command writes about ten
}  // namespace

struct Db::Waiter {
  using Clock = std::chrono::steady_clock;
  LockWait wait;
  Clock::time_point since, next_report;
  bool never = false;  // during a checkpoint: give up at once
  bool gave_up = false;
  std::chrono::milliseconds waited{0};

  // SQLite's busy handler: true (1) to retry.
  static int handle(void* self, int count) { return static_cast<Waiter*>(self)->retry(count); }

  int retry(int count) {
    using namespace std::chrono;
    const auto now = Clock::now();
    if (count == 0) {
      since = now;
      next_report = now + seconds(1);
      gave_up = false;
    }
    waited = duration_cast<milliseconds>(now - since);
    if (never || waited >= wait.limit) {
      gave_up = !never;
      return 0;
    }
    if (wait.waiting && now >= next_report) {
      next_report = now + seconds(1);
      try {  // nothing may unwind through SQLite
        wait.waiting(waited);
      } catch (...) {
      }
    }
    // Short sleeps first (most holders are a command's few milliseconds), then 100 ms.
    static constexpr int kSleepMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50};
    const int ms = count < 11 ? kSleepMs[count] : 100;
    sqlite3_sleep(static_cast<int>(std::min<int64_t>(ms, (wait.limit - waited).count() + 1)));
    return 1;
  }
};

namespace {
// After a commit: checkpoint and truncate a long WAL, unless another connection is reading (then
// a later commit does it), never waiting for one.
int truncate_long_wal(void* waiter, sqlite3* db, const char* schema, int frames) {
  if (frames < kWalTruncateFrames) return SQLITE_OK;
  auto* w = static_cast<Db::Waiter*>(waiter);
  w->never = true;
  sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  w->never = false;
  return SQLITE_OK;
}
}  // namespace

Db::Db(const std::string& path, Mode mode) : path_(path) {
  // Memory statistics cost a global mutex per allocation, which bulk imports feel; credit never
  // reads them. Only possible before SQLite initialises (the first connection of the process).
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == Mode::read_write_create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(ErrorCode::store_unavailable, fmt::format("cannot open store '{}': {}", path, msg),
                hint_for(rc));
  }
  sqlite3_extended_result_codes(db_, 1);
  waiter_ = std::make_unique<Waiter>();
  sqlite3_busy_handler(db_, Waiter::handle, waiter_.get());
  if (mode != Mode::read_only) {
    // Short commands open and close the store many times a minute. Keeping the WAL and its index
    // between them and leaving checkpoints to SQLite's automatic ones (every ~1000 pages) saves
    // re-creating both files and three fsyncs per command; a crash loses nothing either way.
    int one = 1;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // But no connection outlives a command, so every process starts by rebuilding the WAL index
    // from all of the WAL's valid frames, checksumming each, and SQLite's own checkpoints never
    // restart a WAL another process wrote (the rebuilt index forgets what was checkpointed): the
    // WAL grew without end and each command paid for all of it. So the WAL is truncated once it
    // holds a few commands' worth of frames.
    sqlite3_wal_hook(db_, truncate_long_wal, waiter_.get());
  }
}

Db::~Db() {
  sqlite3_close_v2(db_);
}

void Db::throw_error(int rc, const std::string& message) const {
  if ((rc & 0xff) == SQLITE_BUSY && waiter_ && waiter_->gave_up && waiter_->wait.gave_up)
    throw Error(ErrorCode::store_unavailable, waiter_->wait.gave_up(waiter_->waited),
                "try again later, or give --wait DURATION to wait longer");
  throw Error(category(rc), message, hint_for(rc));
}

void Db::raise(int rc, std::string_view context) const {
  std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw_error(rc, fmt::format("store error while {}: {}", context, msg));
}

void Db::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw_error(rc, fmt::format("store error: {}", msg));
  }
}

bool Db::try_exec(std::string_view sql) {
  std::string text(sql);
  waiter_->never = true;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  waiter_->never = false;
  if ((rc & 0xff) == SQLITE_BUSY) return false;
  if (rc != SQLITE_OK) raise(rc, "starting a transaction");
  return true;
}

void Db::set_lock_wait(LockWait wait) {
  waiter_->wait = std::move(wait);
}
std::chrono::milliseconds Db::lock_wait_limit() const {
  return waiter_->wait.limit;
}
void Db::set_lock_wait_limit(std::chrono::milliseconds limit) {
  waiter_->wait.limit = limit;
}
bool Db::gave_up_waiting() const {
  return waiter_->gave_up;
}

int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int Db::changes() const {
  return sqlite3_changes(db_);
}
bool Db::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Stmt::Stmt(Db& db, std::string_view sql) : db_(&db), stmt_(nullptr) {
  int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.raise(rc, fmt::format("preparing `{}`", sql.substr(0, 60)));
}

Stmt::~Stmt() {
  sqlite3_finalize(stmt_);
}
Stmt::Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Stmt& Stmt::bind(int index, int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
Stmt& Stmt::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
Stmt& Stmt::bind(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
Stmt& Stmt::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
Stmt& Stmt::bind_static(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
Stmt& Stmt::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) db_->raise(rc, "binding");
  return *this;
}
int Stmt::parameter_index(const char* name) const {
  return sqlite3_bind_parameter_index(stmt_, name);
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_->raise(rc, fmt::format("running `{}`", std::string_view(sqlite3_sql(stmt_)).substr(0, 60)));
}

void Stmt::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Stmt::column_int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double Stmt::column_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}
std::string_view Stmt::column_view(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string_view(p, sqlite3_column_bytes(stmt_, col)) : std::string_view();
}
std::string Stmt::column_text(int col) const {
  return std::string(column_view(col));
}
bool Stmt::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::optional<std::string> Stmt::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}
std::optional<int64_t> Stmt::column_optional_int64(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_int64(col);
}
int Stmt::column_count() const {
  return sqlite3_column_count(stmt_);
}
std::string Stmt::column_name(int col) const {
  return sqlite3_column_name(stmt_, col);
}

Transaction::Transaction(Db& db, Kind kind) : db_(db) {
  db_.exec(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

std::unique_ptr<Transaction> Transaction::try_immediate(Db& db) {
  if (!db.try_exec("BEGIN IMMEDIATE")) return nullptr;
  return std::unique_ptr<Transaction>(new Transaction(db, Begun{}));
}

Transaction::~Transaction() {
  if (open_ && db_.in_transaction()) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // Nothing more can be done in a destructor; SQLite rolls back on close anyway.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

void Transaction::rollback() {
  if (open_ && db_.in_transaction()) db_.exec("ROLLBACK");
  open_ = false;
}

std::string sqlite_library_version() {
  return sqlite3_libversion();
}

}  // namespace credit::store
