#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "store/lock_holder.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "support.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

using namespace credit;

namespace {
ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error thrown");
  return ErrorCode::internal;
}
}  // namespace

TEST_CASE("a new store is in WAL mode with foreign keys on and the latest schema") {
  test::TempDir dir;
  auto s = store::Store::create(dir.file("s.db"));
  auto mode = s->db().prepare("PRAGMA journal_mode");
  mode.step();
  CHECK(mode.column_text(0) == "wal");
  auto fk = s->db().prepare("PRAGMA foreign_keys");
  fk.step();
  CHECK(fk.column_int64(0) == 1);
  CHECK(store::schema_version(s->db()) == store::latest_schema_version());
}

TEST_CASE("create refuses an existing path; open refuses a missing one") {
  test::TempDir dir;
  store::Store::create(dir.file("s.db"));
  CHECK(code_of([&] { store::Store::create(dir.file("s.db")); }) == ErrorCode::conflict);
  CHECK(code_of([&] { store::Store::open(dir.file("missing.db")); }) ==
        ErrorCode::store_unavailable);
}

TEST_CASE("an older store is refused by open and upgraded only by an explicit migration") {
  if (store::latest_schema_version() < 2) return;  // needs two migrations to exist
  test::TempDir dir;
  std::string path = dir.file("old.db");
  store::Store::create(path, 1);
  CHECK(code_of([&] { store::Store::open(path); }) == ErrorCode::store_unavailable);
  auto any = store::Store::open_any_version(path);
  CHECK(store::schema_version(any->db()) == 1);  // opening did not migrate
  store::Transaction tx(any->db(), store::Transaction::Kind::immediate);
  auto applied = store::apply_migrations(any->db(), store::latest_schema_version());
  tx.commit();
  CHECK(applied.size() == size_t(store::latest_schema_version() - 1));
  CHECK_NOTHROW(store::Store::open(path));
}

TEST_CASE("a file that is not a store is refused") {
  test::TempDir dir;
  std::string path = dir.file("junk.db");
  {
    FILE* f = fopen(path.c_str(), "w");
    fputs("not a database at all, just text\n", f);
    fclose(f);
  }
  CHECK(code_of([&] { store::Store::open(path); }) == ErrorCode::store_unavailable);
}

TEST_CASE("a writer that finds the store busy waits up to its limit, then names the holder") {
  test::TempDir dir;
  const std::string path = dir.file("s.db");
  auto holder = store::Store::create(path);
  auto waiter = store::Store::open(path);
  store::Transaction held(holder->db(), store::Transaction::Kind::immediate);
  store::HeldLock claim(holder->holder_file(), {static_cast<int64_t>(::getpid()), "li.na",
                                                "import batch 12", "2026-05-06T14:02:11+08:00"});
  std::vector<std::string> notices;
  waiter->wait_for_writers(std::chrono::milliseconds(1300),
                           [&](const std::optional<store::LockHolder>& h, auto) {
                             notices.push_back(h ? h->describe() : "?");
                           });
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  try {
    store::Transaction tx(waiter->db(), store::Transaction::Kind::immediate);
    FAIL("the write lock was free");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::store_unavailable);
    message = e.what();
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(1300));
  CHECK(waited < std::chrono::milliseconds(2500));
  CHECK(message ==
        fmt::format("the store is busy: import batch 12 by li.na (process {}), started 14:02:11 "
                    "holds its write lock; gave up after waiting 1 s",
                    ::getpid()));
  REQUIRE(notices.size() == 1);  // told once a second
  CHECK(notices[0].rfind("import batch 12 by li.na", 0) == 0);
  CHECK(waiter->db().gave_up_waiting());

  claim.release();
  CHECK_FALSE(holder->holder_file().read());
  held.commit();
  waiter->wait_for_writers(std::chrono::milliseconds(0));
  CHECK_NOTHROW(store::Transaction(waiter->db(), store::Transaction::Kind::immediate).commit());
}

TEST_CASE("a holder file left by a process that is gone names nobody") {
  test::TempDir dir;
  store::LockHolderFile file(dir.file("s.db"));
  CHECK_FALSE(file.read());
  store::LockHolder ghost{999999999, "ghost", "import batch 1", "2026-05-06T14:02:11+08:00"};
  file.claim(ghost);
  CHECK_FALSE(file.read());  // no such process
  store::LockHolder me{static_cast<int64_t>(::getpid()), "me", "user add", ghost.since};
  file.claim(me);
  REQUIRE(file.read());
  CHECK(file.read()->what == "user add");
  file.release(ghost);  // not ours: stays
  CHECK(file.read());
  file.release(me);
  CHECK_FALSE(std::filesystem::exists(dir.file("s.db-holder")));
}

TEST_CASE("durations for --wait") {
  using std::chrono::milliseconds;
  CHECK(parse_duration("0") == milliseconds(0));
  CHECK(parse_duration("90") == milliseconds(90000));
  CHECK(parse_duration("90s") == milliseconds(90000));
  CHECK(parse_duration("10m") == milliseconds(600000));
  CHECK(parse_duration("2h") == milliseconds(7200000));
  CHECK(parse_duration("500ms") == milliseconds(500));
  for (const char* bad : {"", "soon", "-1s", "10 m", "1d", "m", "99999999999999999h"})
    CHECK_FALSE(parse_duration(bad));
}

namespace {
mode_t mode_of(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("a new store and its WAL files are private to their owner whatever the umask") {
  test::TempDir dir;
  std::string path = dir.file("s.db");
  mode_t old = ::umask(0);  // the loosest umask: nothing may depend on it
  auto s = store::Store::create(path);
  s->db().exec("CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  ::umask(old);
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(path + "-wal") == 0600);
  CHECK(mode_of(path + "-shm") == 0600);
}

TEST_CASE("a store other users may read is refused; a group may read it") {
  test::TempDir dir;
  std::string path = dir.file("s.db");
  store::Store::create(path);
  ::chmod(path.c_str(), 0644);
  try {
    store::Store::open(path);
    FAIL("a world-readable store was opened");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::store_unavailable);
    CHECK(std::string(e.what()).find("accessible by others (mode 0644)") != std::string::npos);
    CHECK(e.hint().find("chmod 600") != std::string::npos);
  }
  ::chmod(path.c_str(), 0640);
  CHECK_NOTHROW(store::Store::open(path));
  ::chmod(path.c_str(), 0660);  // a group that may write could forge the audit log
  CHECK(code_of([&] { store::Store::open(path); }) == ErrorCode::store_unavailable);
}

TEST_CASE("a store in a directory every user may write is refused") {
  test::TempDir dir;
  ::chmod(dir.path().c_str(), 0777);
  CHECK(code_of([&] { store::Store::create(dir.file("s.db")); }) == ErrorCode::store_unavailable);
  ::chmod(dir.path().c_str(), 01777);  // sticky, like /tmp: others cannot replace the file
  CHECK_NOTHROW(store::Store::create(dir.file("s.db")));
  ::chmod(dir.path().c_str(), 0777);
  CHECK(code_of([&] { store::Store::open(dir.file("s.db")); }) == ErrorCode::store_unavailable);
  ::chmod(dir.path().c_str(), 0700);
}
