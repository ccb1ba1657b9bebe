// Reads while a writer holds the store: their entries go to the side log of reads (STORE-reads)
// and are folded into the main log by the next holder of its write lock (docs/concurrency.md).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/writer_queue.hpp"
#include "store/read_log.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"

using namespace credit;

namespace {
int64_t count(store::Db& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  stmt.step();
  return stmt.column_int64(0);
}

// A store whose write lock another connection (an import, say) can hold.
struct Busy {
  test::TestStore t;
  std::string auditor = t.add_user("aud", "auditor");
  std::string viewer = t.add_user("view", "viewer");
  store::Db other{t.store->path(), store::Db::Mode::read_write};

  void hold() { other.exec("BEGIN IMMEDIATE"); }
  void release() { other.exec("COMMIT"); }
  int64_t main_count(const std::string& where) {
    return count(t.store->db(), "SELECT count(*) FROM audit_log WHERE " + where);
  }
  std::unique_ptr<store::ReadLog> side() { return store::ReadLog::open_existing(t.store->path()); }
  int64_t side_count() { return count(side()->db(), "SELECT count(*) FROM read_log"); }
  Json verify() { return t.call("audit.verify", Json::object(), auditor); }
};
}  // namespace

TEST_CASE("a read while a writer holds the store is recorded in the side log, then folded") {
  Busy b;
  const int64_t before = b.main_count("1 = 1");
  CHECK_FALSE(b.side());  // no side file until a read needs one
  b.hold();
  Json me = b.t.call("whoami", Json::object(), b.viewer);  // answers: the lock is not waited for
  CHECK(me["user"] == "view");
  b.t.call("whoami", Json::object(), b.viewer);
  CHECK(b.main_count("1 = 1") == before);
  REQUIRE(b.side());
  CHECK(b.side_count() == 2);
  struct stat st;
  REQUIRE(::stat(store::ReadLog::path_for(b.t.store->path()).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Verified where it is while not folded yet (verify's own entry goes there too).
  Json v = b.verify();
  CHECK(v["valid"] == true);
  CHECK(v["reads"]["unfolded"] == 2);
  b.release();

  b.t.add_user("later", "viewer");  // the next write folds the side entries in
  CHECK(b.main_count("action = 'audit.read_entry'") == 3);
  CHECK(b.side_count() == 0);
  auto folded = b.t.store->db().prepare(
      "SELECT actor, json_extract(params, '$.entry.action'), json_extract(params, '$.side_seq') "
      "FROM audit_log WHERE action = 'audit.read_entry' ORDER BY seq");
  REQUIRE(folded.step());
  CHECK(folded.column_text(0) == "view");
  CHECK(folded.column_text(1) == "whoami");
  CHECK(folded.column_int64(2) == 1);
  v = b.verify();
  CHECK(v["valid"] == true);
  CHECK(v["reads"]["folded"] == 3);
}

TEST_CASE(
    "a fold repeated after a crash between the main commit and the side delete copies nothing "
    "twice") {
  Busy b;
  b.hold();
  b.t.call("whoami", Json::object(), b.viewer);
  b.t.call("whoami", Json::object(), b.viewer);
  b.release();
  {  // the fold's main transaction commits, then the process dies before deleting side entries
    auto side = b.side();
    store::Transaction tx(b.t.store->db(), store::Transaction::Kind::immediate);
    CHECK(store::fold_read_log(b.t.store->db(), *side, "2026-05-06T02:00:00.000000Z") == 2);
    tx.commit();
  }
  CHECK(b.side_count() == 2);
  CHECK(b.main_count("action = 'audit.read_entry'") == 2);
  CHECK(b.verify()["valid"] == true);  // folded entries still in the side file are not doubted

  b.t.add_user("later", "viewer");  // folds again: nothing new, and deletes the leftovers
  CHECK(b.main_count("action = 'audit.read_entry'") == 2);
  CHECK(b.side_count() == 0);
  // Side entries after a partial clean-up continue the chain.
  b.hold();
  b.t.call("whoami", Json::object(), b.viewer);
  b.release();
  b.t.add_user("later2", "viewer");
  CHECK(b.main_count("action = 'audit.read_entry'") == 3);
  Json v = b.verify();
  CHECK(v["valid"] == true);
  CHECK(v["reads"]["folded"] == 3);
}

TEST_CASE("audit verify catches a side entry altered or removed before it was folded") {
  Busy b;
  b.hold();
  for (int i = 0; i < 3; ++i)
    b.t.call("whoami", Json::object(), b.viewer);
  SUBCASE("altered") {
    b.side()->db().exec("UPDATE read_log SET actor = 'someone' WHERE seq = 2");
    Json v = b.verify();
    CHECK(v["valid"] == false);
    CHECK(v["problem"].get<std::string>().find("side log of reads is broken at its entry 2") !=
          std::string::npos);
    b.release();
    b.t.add_user("later", "viewer");  // the fold stops before the altered entry
    CHECK(b.main_count("action = 'audit.read_entry'") == 1);
    CHECK(b.verify()["valid"] == false);
  }
  SUBCASE("newest removed") {
    b.side()->db().exec("DELETE FROM read_log WHERE seq = 3");
    Json v = b.verify();
    CHECK(v["valid"] == false);
    CHECK(v["problem"].get<std::string>().find("missing") != std::string::npos);
  }
  SUBCASE("a folded entry's side copy rewritten in the main log") {
    b.release();
    b.t.add_user("later", "viewer");
    b.t.store->db().exec(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET params = replace(params, "
        "'\"whoami\"', '\"user.list\"') WHERE action = 'audit.read_entry'");
    CHECK(b.verify()["valid"] == false);
  }
}

TEST_CASE("writers through the server take their turns in arrival order") {
  service::WriterQueue queue;
  std::mutex m;
  std::vector<int> order;
  queue.wait_turn();  // a writer holds the store
  auto first = std::make_unique<service::WriterQueue::Turn>(queue);
  std::vector<std::thread> writers;
  for (int i = 0; i < 5; ++i) {
    writers.emplace_back([&, i] {
      queue.wait_turn();
      service::WriterQueue::Turn turn(queue);
      std::lock_guard lock(m);
      order.push_back(i);
    });
    while (queue.queued() < static_cast<uint64_t>(i + 2))  // writer i has its ticket
      std::this_thread::yield();
  }
  CHECK(order.empty());  // nobody overtakes the holder
  first.reset();
  for (auto& t : writers)
    t.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(queue.queued() == 0);
}
