// The import workflow through the service: staging, approval and its separation of duties,
// departments, standing authorisations, idempotence, updates with history, duplicates, atomic
// rejection, dry runs, amendments and revocations, masking in record.show.
#include <doctest/doctest.h>

#include <cstdlib>

#include "io/sample_data.hpp"
#include "service/deferred_indexes.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace credit;

namespace {

const std::string kDept = "11110000000013127H";
const std::string kOtherDept = "91110000600037341L";

std::string sample_csv(uint64_t rows, uint64_t invalid = 0, uint64_t seed = 1,
                       const std::string& dept = kDept, domain::Kind kind = domain::Kind::penalty) {
  io::SampleOptions o;
  o.kind = kind;
  o.rows = rows;
  o.invalid = invalid;
  o.seed = seed;
  o.dept = dept;
  return io::sample_text(o);
}

struct Harness {
  test::TestStore ts;
  std::string op = ts.add_user("op", "operator", kDept);
  std::string rev = ts.add_user("rev", "reviewer", kDept);
  std::string other_rev = ts.add_user("rev.other", "reviewer", kOtherDept);
  std::string other_op = ts.add_user("op.other", "operator", kOtherDept);
  std::string viewer = ts.add_user("viewer", "viewer");
  std::vector<Json> rows;  // streamed by the last call

  Json call(const std::string& action, Json params, const std::string& token,
            const std::string& input = {}) {
    rows.clear();
    service::Call call{
        action, std::move(params), token, {}, [this](const Json& r) { rows.push_back(r); }};
    if (!input.empty() || action == "import.run")
      call.inputs.push_back({"in.csv", io::make_string_source(input, "in.csv")});
    return ts.service().call(call);
  }
  Json import(const std::string& csv, const std::string& token, Json extra = Json::object()) {
    Json params = {{"kind", "penalty"}};
    params.update(extra);
    return call("import.run", params, token, csv);
  }
  int64_t count(const std::string& sql) {
    auto s = ts.store->db().prepare(sql);
    s.step();
    return s.column_int64(0);
  }
  ErrorCode error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    FAIL("expected an error");
    return ErrorCode::internal;
  }
  std::vector<Json> of_type(const std::string& type) const {
    std::vector<Json> out;
    for (const auto& r : rows)
      if (r["type"] == type) out.push_back(r);
    return out;
  }
};

}  // namespace

TEST_CASE("an import is staged, then approved by a reviewer of the department") {
  Harness h;
  Json r = h.import(sample_csv(20), h.op);
  CHECK(r["status"] == "staged");
  CHECK(r["rows"] == 20);
  CHECK(r["accepted"] == 20);
  CHECK(r["inserted"] == 20);
  CHECK(h.count("SELECT count(*) FROM records") == 0);
  CHECK(h.count("SELECT count(*) FROM staged_rows") == 20);
  const int64_t batch = r["batch"];

  CHECK(h.error_of([&] {
    h.call("import.approve", {{"batch", batch}}, h.other_rev);
  }) == ErrorCode::permission_denied);
  Json a = h.call("import.approve", {{"batch", batch}}, h.rev);
  CHECK(a["status"] == "committed");
  CHECK(a["decided_by"] == "rev");
  CHECK(h.count("SELECT count(*) FROM records WHERE status = 'active' AND version = 1") == 20);
  CHECK(h.count("SELECT count(*) FROM staged_rows") == 0);
  CHECK(h.error_of([&] {
    h.call("import.approve", {{"batch", batch}}, h.rev);
  }) == ErrorCode::conflict);
  // One audit entry per batch, with the file's digest and the counts.
  auto s = h.ts.store->db().prepare(
      "SELECT params FROM audit_log WHERE action = 'import.run' AND outcome = 'ok'");
  REQUIRE(s.step());
  Json params = Json::parse(s.column_text(0));
  CHECK(params["files"][0]["sha256"].get<std::string>().size() == 64);
  CHECK(params["counts"]["rows"] == 20);
  CHECK_FALSE(s.step());
}

TEST_CASE("separation of duties: nobody approves a batch they staged") {
  Harness h;
  const int64_t batch = h.import(sample_csv(3), h.op)["batch"];
  // No role has both rights today; the rule holds whatever the roles: make 'rev' the stager.
  h.ts.store->db().exec("UPDATE import_batches SET staged_by = 'rev'");
  CHECK(h.error_of([&] {
    h.call("import.approve", {{"batch", batch}}, h.rev);
  }) == ErrorCode::permission_denied);
  CHECK(h.count("SELECT count(*) FROM audit_log WHERE action = 'import.approve' AND outcome = "
                "'denied'") == 1);
}

TEST_CASE("a reviewer rejects a batch: nothing of it is committed") {
  Harness h;
  const int64_t batch = h.import(sample_csv(5), h.op)["batch"];
  CHECK(h.error_of([&] {
    h.call("import.reject", {{"batch", batch}}, h.rev);
  }) == ErrorCode::bad_input);  // a reason is required
  Json r = h.call("import.reject", {{"batch", batch}, {"reason", "处罚机关代码有误"}}, h.rev);
  CHECK(r["status"] == "rejected");
  CHECK(r["reason"] == "处罚机关代码有误");
  CHECK(h.count("SELECT count(*) FROM records") == 0);
  CHECK(h.count("SELECT count(*) FROM staged_rows") == 0);
}

TEST_CASE("standing authorisations: commit at once; expiry and revocation end them") {
  Harness h;
  CHECK(h.error_of([&] {
    h.call("import.authorize",
           {{"kinds", {"penalty"}}, {"until", "2026-06-30"}, {"dept", kOtherDept}}, h.rev);
  }) == ErrorCode::permission_denied);
  CHECK(h.error_of([&] {
    h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-01-01"}}, h.rev);
  }) == ErrorCode::bad_input);
  Json grant = h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-06-30"}}, h.rev);
  Json r = h.import(sample_csv(10), h.op);
  CHECK(r["status"] == "committed");
  CHECK(r["authorization"] == grant["authorization"]);
  CHECK(h.count("SELECT count(*) FROM records") == 10);
  // Licences are not covered.
  CHECK(h.call("import.run", {{"kind", "license"}}, h.op,
               sample_csv(3, 0, 1, kDept, domain::Kind::license))["status"] == "staged");

  h.ts.clock = Clock::fixed(*parse_timestamp("2026-07-01T09:00:00+08:00"));
  CHECK(h.import(sample_csv(5, 0, 2), h.op)["status"] == "staged");
  h.ts.clock = Clock::fixed(*parse_timestamp("2026-05-06T10:00:00+08:00"));
  CHECK(h.import(sample_csv(5, 0, 3), h.op)["status"] == "committed");
  h.call("import.authorize.revoke", {{"authorization", grant["authorization"]}}, h.rev);
  CHECK(h.import(sample_csv(5, 0, 4), h.op)["status"] == "staged");
  Json listed = h.call("import.authorizations", Json::object(), h.op);
  CHECK(h.rows.at(0)["status"] == "revoked");
  CHECK(h.error_of([&] {
    h.call("import.authorize.revoke", {{"authorization", grant["authorization"]}}, h.rev);
  }) == ErrorCode::conflict);
}

TEST_CASE("re-importing the same file changes nothing; a changed row updates with history") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  const std::string csv = sample_csv(10);
  h.import(csv, h.op);
  const int64_t entries = h.count("SELECT count(*) FROM audit_log");
  Json again = h.import(csv, h.op);
  CHECK(again["status"] == "committed");
  CHECK(again["unchanged"] == 10);
  CHECK(again["inserted"] == 0);
  CHECK(h.count("SELECT count(*) FROM records WHERE version = 1") == 10);
  CHECK(h.count("SELECT count(*) FROM audit_log") == entries + 1);  // still audited

  std::string changed = csv;
  const std::string old_text = "罚款人民币";
  changed.replace(changed.find(old_text), old_text.size(), "处罚款人民币");
  Json u = h.import(changed, h.op);
  CHECK(u["updated"] == 1);
  CHECK(u["unchanged"] == 9);
  CHECK(h.count("SELECT count(*) FROM records WHERE version = 2") == 1);
  CHECK(h.count("SELECT count(*) FROM record_versions WHERE version = 1 AND change = 'import' "
                "AND data LIKE '%\"罚款人民币%'") == 1);
}

TEST_CASE("duplicates within a file are rejected, whatever the first occurrence did") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  std::string csv = sample_csv(3);
  std::string header = csv.substr(0, csv.find("\r\n") + 2);
  std::string first_row =
      csv.substr(header.size(), csv.find("\r\n", header.size()) + 2 - header.size());
  Json r = h.import(csv + first_row, h.op, {{"skip_invalid", true}});
  CHECK(r["inserted"] == 3);
  CHECK(r["rejected"] == 1);
  CHECK(h.of_type("reject")[0]["reason"].get<std::string>().find("line 2") != std::string::npos);
  // The first occurrence is unchanged now, the second differs: still a duplicate.
  std::string second = first_row;
  second.replace(second.find("罚款人民币"), std::string("罚款人民币").size(), "另处罚款人民币");
  r = h.import(header + first_row + second, h.op, {{"skip_invalid", true}});
  CHECK(r["unchanged"] == 1);
  CHECK(r["rejected"] == 1);
  CHECK(r["updated"] == 0);
}

TEST_CASE("a batch with an invalid row commits nothing unless --skip-invalid") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  Json r = h.import(sample_csv(40, 4), h.op);
  CHECK(r["status"] == "rejected");
  CHECK(r["rejected"] == 4);
  CHECK(r["accepted"] == 36);
  CHECK(r["inserted"] == 0);
  CHECK(h.count("SELECT count(*) FROM records") == 0);
  CHECK(h.count("SELECT count(*) FROM import_rejects") == 4);
  CHECK(h.of_type("reject").size() == 4);
  CHECK(h.of_type("columns").size() == 1);
  Json shown = h.call("import.show", {{"batch", r["batch"]}}, h.rev);
  CHECK(shown["rejects"].size() == 4);
  CHECK(shown["rejects"][0]["line"].get<int64_t>() > 1);

  r = h.import(sample_csv(40, 4), h.op, {{"skip_invalid", true}});
  CHECK(r["status"] == "committed");
  CHECK(h.count("SELECT count(*) FROM records") == 36);
}

TEST_CASE("a dry run validates and reports, writes nothing, and is audited") {
  Harness h;
  Json r = h.import(sample_csv(10, 1), h.op, {{"dry_run", true}});
  CHECK(r["batch"].is_null());
  CHECK(r["status"] == "rejected");
  CHECK(r["rejected"] == 1);
  CHECK(h.count("SELECT count(*) FROM import_batches") == 0);
  CHECK(h.count("SELECT count(*) FROM staged_rows") == 0);
  CHECK(h.count("SELECT count(*) FROM audit_log WHERE action = 'import.run' AND params LIKE "
                "'%\"dry_run\":true%'") == 1);
}

TEST_CASE("an operator imports only its own department's rows") {
  Harness h;
  Json r = h.import(sample_csv(5, 0, 1, kOtherDept), h.op);
  CHECK(r["status"] == "rejected");
  CHECK(r["foreign_rows"] == 5);
  CHECK(h.of_type("reject")[0]["reason"].get<std::string>().find("permission denied") !=
        std::string::npos);
  CHECK(h.import(sample_csv(5, 0, 1, kOtherDept), h.other_op)["status"] == "staged");
}

TEST_CASE("a missing required column stops the import before any row") {
  Harness h;
  std::string csv = sample_csv(3);
  csv.replace(0, std::string("行政相对人名称").size(), "名字");
  CHECK(h.error_of([&] { h.import(csv, h.op); }) == ErrorCode::bad_input);
  CHECK(h.count("SELECT count(*) FROM import_batches") == 0);
  CHECK(h.count("SELECT count(*) FROM audit_log WHERE action = 'import.run' AND outcome = "
                "'failed'") == 1);
}

TEST_CASE("approval validates again against the store as it is then") {
  Harness h;
  const int64_t staged = h.import(sample_csv(5), h.op)["batch"];
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  h.import(sample_csv(5), h.op);  // the same rows, committed meanwhile
  h.ts.store->db().exec("UPDATE records SET status = 'expired' WHERE id = 1");
  CHECK(h.error_of([&] {
    h.call("import.approve", {{"batch", staged}}, h.rev);
  }) == ErrorCode::conflict);
  CHECK(h.count("SELECT count(*) FROM staged_rows") == 5);  // still staged
  REQUIRE(h.of_type("reject").size() == 1);                 // streamed, for a rejects file
  CHECK(h.of_type("reject")[0]["reason"].get<std::string>().find("expired") != std::string::npos);
  CHECK(h.of_type("columns").size() == 1);
  Json a = h.call("import.approve", {{"batch", staged}, {"skip_invalid", true}}, h.rev);
  CHECK(a["status"] == "committed");
  CHECK(a["unchanged"] == 4);
}

TEST_CASE("record amend and revoke: staged for a reviewer, or at once under an authorisation") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  h.import(sample_csv(3), h.op);
  h.call("import.authorize.revoke", {{"authorization", 1}}, h.rev);

  CHECK(h.error_of([&] {
    h.call("record.amend", {{"record", 1}, {"set", {"违法行为类型=x"}}, {"reason", "r"}},
           h.other_op);
  }) == ErrorCode::permission_denied);
  CHECK(h.error_of([&] {
    h.call("record.amend", {{"record", 1}, {"set", {"CF_JDRQ=2099-01-01"}}, {"reason", "r"}}, h.op);
  }) == ErrorCode::bad_input);
  CHECK(h.error_of([&] {
    h.call("record.amend", {{"record", 1}, {"set", {"电话=1"}}, {"reason", "r"}}, h.op);
  }) == ErrorCode::bad_input);
  Json a = h.call("record.amend",
                  {{"record", 1}, {"set", {"违法行为类型=销售假冒产品"}}, {"reason", "决定书更正"}},
                  h.op);
  CHECK(a["status"] == "staged");
  CHECK(a["changes"][0]["after"] == "销售假冒产品");
  CHECK(h.error_of([&] {
    h.call("record.revoke", {{"record", 1}, {"reason", "x"}}, h.op);
  }) == ErrorCode::conflict);  // one pending change at a time
  h.call("import.approve", {{"batch", a["batch"]}}, h.rev);
  Json shown = h.call("record.show", {{"record", 1}, {"purpose", "核查"}}, h.op);
  CHECK(shown["record"]["version"] == 2);
  REQUIRE(shown["history"].size() == 1);
  CHECK(shown["history"][0]["change"] == "amend");
  CHECK(shown["history"][0]["reason"] == "决定书更正");
  CHECK(shown["history"][0]["changes"][0]["after"] == "销售假冒产品");

  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  Json v = h.call("record.revoke", {{"record", 2}, {"reason", "行政复议撤销"}}, h.op);
  CHECK(v["status"] == "committed");
  CHECK(h.count("SELECT count(*) FROM records WHERE id = 2 AND status = 'revoked'") == 1);
  CHECK(h.error_of([&] {
    h.call("record.amend", {{"record", 2}, {"set", {"违法行为类型=x"}}, {"reason", "r"}}, h.op);
  }) == ErrorCode::conflict);
  // The audit entry has the change, personal values never in clear.
  CHECK(h.count("SELECT count(*) FROM audit_log WHERE action = 'record.amend' AND params LIKE "
                "'%销售假冒产品%'") == 1);
}

TEST_CASE("record.show masks personal data for those outside the department") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, h.rev);
  h.import(sample_csv(30), h.op);
  const int64_t person =
      h.count("SELECT id FROM records WHERE subject_type = 'natural_person' LIMIT 1");
  REQUIRE(person > 0);
  Json clear = h.call("record.show", {{"record", person}, {"purpose", "核查"}}, h.op);
  Json masked = h.call("record.show", {{"record", person}, {"purpose", "核查"}}, h.viewer);
  CHECK_FALSE(clear["masked"].get<bool>());
  CHECK(masked["masked"].get<bool>());
  const std::string id = clear["record"]["id_number"];
  CHECK(masked["record"]["id_number"] == id.substr(0, 4) + std::string(10, '*') + id.substr(14));
  CHECK(masked["record"]["subject_name"].get<std::string>().find('*') != std::string::npos);
  CHECK(masked.dump().find(id) == std::string::npos);
}

TEST_CASE("a bulk load drops the records' secondary indexes and builds them again") {
  Harness h;
  h.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-06-30"}}, h.rev);
  h.import(sample_csv(40), h.op);
  auto& db = h.ts.store->db();
  const std::string indexes =
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE type = 'index' "
      "AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name)";
  auto schema = [&] {
    auto s = db.prepare(indexes);
    s.step();
    return s.column_text(0);
  };
  const std::string before = schema();
  REQUIRE(h.count("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                  "'records' AND sql IS NOT NULL") >= 5);
  {
    store::Transaction tx(db, store::Transaction::Kind::immediate);
    service::DeferredRecordIndexes deferred(db, 50);  // the store holds 40: the threshold is 20
    deferred.note_inserted(10);
    CHECK_FALSE(deferred.deferred());
    deferred.note_inserted(20);
    CHECK(deferred.deferred());
    CHECK(h.count("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                  "'records' AND sql IS NOT NULL") == 0);
    // The natural key's unique index stays: rows are looked up by it.
    CHECK(h.count("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                  "'records'") == 1);
    deferred.rebuild();
    CHECK(schema() == before);
    tx.commit();
  }
  CHECK(h.count("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);
  {  // dropped and never rebuilt: the rollback restores them
    store::Transaction tx(db, store::Transaction::Kind::immediate);
    service::DeferredRecordIndexes deferred(db, 1);
    deferred.note_inserted(20);
    REQUIRE(deferred.deferred());
  }
  CHECK(schema() == before);
  CHECK(h.count("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);
}

TEST_CASE("an approval large enough to defer the indexes commits (regression: table is locked)") {
  // With the threshold lowered to 5 rows, approving 40 staged rows defers the indexes; they used
  // to be dropped while the staged rows were still being read, which SQLite refuses.
  struct LowThreshold {
    LowThreshold() { ::setenv("CREDIT_BULK_INDEX_ROWS", "5", 1); }
    ~LowThreshold() { ::unsetenv("CREDIT_BULK_INDEX_ROWS"); }
  } low;
  Harness h;
  const std::string indexes =
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE type = 'index' "
      "AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name)";
  auto schema = [&] {
    auto s = h.ts.store->db().prepare(indexes);
    s.step();
    return s.column_text(0);
  };
  const std::string before = schema();
  const int64_t batch = h.import(sample_csv(40), h.op)["batch"];
  Json a;
  CHECK_NOTHROW(a = h.call("import.approve", {{"batch", batch}}, h.rev));
  CHECK(a["status"] == "committed");
  CHECK(a["inserted"] == 40);
  CHECK(h.count("SELECT count(*) FROM records WHERE status = 'active'") == 40);
  CHECK(schema() == before);
  CHECK(h.count("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);
  // The indexes answer again: every record is found through the USCC index.
  CHECK(h.count("SELECT count(*) FROM records INDEXED BY records_dept WHERE source_dept_uscc = '" +
                kDept + "'") == 40);
}

TEST_CASE("expect_inserts drops the indexes up front only when the batch reaches the threshold") {
  Harness h;
  auto& db = h.ts.store->db();
  const std::string count_indexes =
      "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND sql "
      "IS NOT NULL";
  const int64_t all = h.count(count_indexes);
  store::Transaction tx(db, store::Transaction::Kind::immediate);
  service::DeferredRecordIndexes small(db, 50);  // empty store: the threshold is 50
  small.expect_inserts(49);
  CHECK_FALSE(small.deferred());
  CHECK(h.count(count_indexes) == all);
  service::DeferredRecordIndexes large(db, 50);
  large.expect_inserts(50);
  CHECK(large.deferred());
  CHECK(h.count(count_indexes) == 0);
  large.rebuild();
  CHECK(h.count(count_indexes) == all);
}
