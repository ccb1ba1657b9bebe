#include <doctest/doctest.h>

#include "store/audit_chain.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"

using namespace credit;
using credit::test::TestStore;

TEST_CASE("the canonical serialisation is unambiguous") {
  // Moved in rather than assigned from literals: GCC 12 warns falsely (-Wrestrict) on the latter.
  auto entry = [](std::string actor, std::string role) {
    store::AuditEntry e;
    e.actor = std::move(actor);
    e.role = std::move(role);
    return e;
  };
  CHECK(store::canonical_serialisation(entry("ab", "c")) !=
        store::canonical_serialisation(entry("a", "bc")));
  store::AuditEntry with_null, with_empty;
  with_empty.ts_sim = "";
  CHECK(store::canonical_serialisation(with_null) != store::canonical_serialisation(with_empty));
}

TEST_CASE("a store's log verifies, and tampering is located") {
  TestStore ts;
  for (int i = 0; i < 5; ++i)
    ts.add_user("user" + std::to_string(i), "viewer");
  auto& db = ts.store->db();
  auto report = store::verify_audit_log(db);
  CHECK(report.total == 6);
  CHECK(report.valid == 6);
  CHECK_FALSE(report.broken_seq);

  SUBCASE("an edited entry") {
    db.exec(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 4");
    report = store::verify_audit_log(db);
    REQUIRE(report.broken_seq);
    CHECK(*report.broken_seq == 4);
    CHECK(report.valid == 3);
  }
  SUBCASE("a deleted entry") {
    db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3");
    report = store::verify_audit_log(db);
    REQUIRE(report.broken_seq);
    CHECK(*report.broken_seq == 3);
  }
  SUBCASE("two entries swapped") {
    db.exec(
        "DROP TRIGGER audit_log_no_update;"
        "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 5;"
        "UPDATE audit_log SET seq = 5 WHERE seq = -2;");
    report = store::verify_audit_log(db);
    REQUIRE(report.broken_seq);
    CHECK(*report.broken_seq == 2);
  }
  SUBCASE("the newest entries removed, and the next append keeps the gap visible") {
    db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= 5");
    report = store::verify_audit_log(db);
    REQUIRE(report.broken_seq);
    CHECK(*report.broken_seq == 5);
    ts.add_user("after", "viewer");
    report = store::verify_audit_log(db);
    REQUIRE(report.broken_seq);
    CHECK(*report.broken_seq == 5);
  }
  SUBCASE("normal SQL cannot change the log") {
    CHECK_THROWS(db.exec("UPDATE audit_log SET actor = 'x' WHERE seq = 1"));
    CHECK_THROWS(db.exec("DELETE FROM audit_log WHERE seq = 1"));
  }
}

TEST_CASE("an append outside a transaction is refused") {
  TestStore ts;
  CHECK_THROWS(store::append_audit_entry(ts.store->db(), store::AuditEntry{}));
}
