// query.run through the service: the name index (1-, 2- and 3+-character substrings, kept
// current by triggers, never a scan of records: EXPLAIN QUERY PLAN), filters and paging, what
// each role sees (the statement agrees with domain::view_of), masking, and the registration of
// every query with its purpose (查询使用登记).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>

#include "domain/disclosure.hpp"
#include "domain/text_clean.hpp"
#include "io/sample_data.hpp"
#include "service/name_index.hpp"
#include "service/query_sql.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace credit;

namespace {

const std::string kDept = "11110000000013127H";
const std::string kOtherDept = "91110000600037341L";

std::string sample_csv(uint64_t rows, uint64_t seed, const std::string& dept) {
  io::SampleOptions o;
  o.kind = domain::Kind::penalty;
  o.rows = rows;
  o.seed = seed;
  o.dept = dept;
  return io::sample_text(o);
}

struct Harness {
  test::TestStore ts;
  std::string op = ts.add_user("op", "operator", kDept);
  std::string rev = ts.add_user("rev", "reviewer", kDept);
  std::string other_op = ts.add_user("op.other", "operator", kOtherDept);
  std::string other_rev = ts.add_user("rev.other", "reviewer", kOtherDept);
  std::string centre = ts.add_user("centre", "reviewer", "*");
  std::string viewer = ts.add_user("viewer", "viewer");
  std::string auditor = ts.add_user("aud", "auditor");

  Harness() {
    for (const auto& [token, dept, seed] :
         {std::tuple{rev, kDept, 1}, std::tuple{other_rev, kOtherDept, 2}}) {
      ts.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, token);
      service::Call call{"import.run", {{"kind", "penalty"}}, token == rev ? op : other_op, {}, {}};
      call.inputs.push_back(
          {"in.csv",
           io::make_string_source(sample_csv(120, static_cast<uint64_t>(seed), dept), "in.csv")});
      ts.service().call(call);
    }
    // Every combination of level, status and archive flag, spread over both departments.
    db().exec(
        "UPDATE records SET disclosure = CASE id % 3 WHEN 0 THEN 'public' WHEN 1 THEN 'shared' "
        "ELSE 'authorised' END, status = CASE id % 5 WHEN 0 THEN 'active' WHEN 4 THEN 'expired' "
        "ELSE 'published' END, archived = (id % 5 = 4 OR id % 7 = 0)");
    consent_all();
  }
  // The credit centre reads the authorised-level records under their subjects' authorisations
  // (授权查询): one for every subject, for the purpose the queries give.
  void consent_all() {
    const std::string desk = ts.add_user("desk", "operator", "*");
    auto s = db().prepare(
        "SELECT DISTINCT coalesce(nullif(uscc, ''), id_number) FROM records "
        "WHERE disclosure = 'authorised'");
    std::vector<std::string> subjects;
    while (s.step())
      subjects.push_back(s.column_text(0));
    for (const auto& subject : subjects) {
      service::Call call{"consent.add",
                         {{"subject", subject},
                          {"purpose", "单元测试"},
                          {"kinds", {"penalty"}},
                          {"until", "2026-12-31"}},
                         desk,
                         {},
                         {}};
      call.inputs.push_back({"auth.pdf", io::make_string_source("授权书", "auth.pdf")});
      ts.service().call(call);
    }
  }
  store::Db& db() { return ts.store->db(); }
  Json query(Json params, const std::string& token) {
    if (!params.contains("purpose")) params["purpose"] = "单元测试";
    if (!params.contains("limit")) params["limit"] = 10000;
    return ts.call("query.run", std::move(params), token);
  }
  std::vector<int64_t> ids(const Json& result) {
    std::vector<int64_t> out;
    for (const auto& r : result["records"])
      out.push_back(r["id"]);
    return out;
  }
  std::vector<int64_t> ids_where(const std::string& sql) {
    std::vector<int64_t> out;
    auto s = db().prepare("SELECT id FROM records WHERE " + sql + " ORDER BY id");
    while (s.step())
      out.push_back(s.column_int64(0));
    return out;
  }
  ErrorCode error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    FAIL("no error");
    return ErrorCode::internal;
  }
};

// The plan of the page statement for a filter, one detail a line.
std::string plan_of(store::Db& db, const service::QueryFilter& f) {
  std::optional<std::string> match;
  if (f.name) match = service::name_match_expression(db, *f.name);
  service::QuerySql sql(f, domain::audience_of("viewer", "*"), match, "2026-05-06");
  auto s = db.prepare("EXPLAIN QUERY PLAN " + sql.page_sql());
  sql.bind(s);
  std::string plan;
  while (s.step())
    plan += s.column_text(3) + "\n";
  return plan;
}

}  // namespace

TEST_CASE("name substrings of any length are answered from the index, never a scan") {
  Harness h;
  // Ground truth by a scan: every record whose name contains the text.
  auto containing = [&](const std::string& text) {
    return h.ids_where("instr(subject_name, '" + text +
                       "') > 0 AND archived = 0 AND status NOT "
                       "IN ('expired', 'repaired', 'revoked')");
  };
  auto visible_to_centre = [&](std::vector<int64_t> ids) { return ids; };
  auto name_of = [&](const char* sql) {
    auto s = h.db().prepare(sql);
    REQUIRE(s.step());
    return s.column_text(0);
  };
  const std::string company = name_of(
      "SELECT subject_name FROM records WHERE subject_type = 'legal_person' LIMIT 1 OFFSET 7");
  const std::string person = name_of(
      "SELECT subject_name FROM records WHERE subject_type = 'natural_person' LIMIT 1 OFFSET 3");
  const std::string surname = person.substr(0, 3);  // one CJK character
  const std::string last_two = company.substr(company.size() - 6);
  const std::string middle = company.substr(6, 12);  // 4 characters from the third
  for (const std::string& text : {company, person, surname, last_two, middle,
                                  person.substr(person.size() - 3), std::string("有限公司")}) {
    INFO(text);
    const auto expected = visible_to_centre(containing(text));
    CHECK_FALSE(expected.empty());
    CHECK(h.ids(h.query({{"name_contains", text}}, h.centre)) == expected);
    CHECK(h.query({{"name_contains", text}, {"count_only", true}}, h.centre)["count"] ==
          expected.size());
  }
  CHECK(h.query({{"name_contains", "不存在的名字"}}, h.centre)["records"].empty());
  CHECK(h.query({{"name_contains", "齉"}}, h.centre)["records"].empty());
  // Full-width letters and digits are searched as the importer stores them.
  CHECK(h.error_of([&] { h.query({{"name_contains", ""}}, h.centre); }) == ErrorCode::bad_input);
  CHECK(h.error_of([&] {
    h.query({{"name_contains", "a\x01"}}, h.centre);
  }) == ErrorCode::bad_input);

  // The triggers keep the index current when a name changes or a record goes.
  const int64_t renamed = h.ids_where("status = 'published' AND archived = 0").front();
  h.db().exec(
      fmt::format("UPDATE records SET subject_name = '龘靐齉有限公司' WHERE id = {}", renamed));
  CHECK(h.ids(h.query({{"name_contains", "靐齉"}}, h.centre)) == std::vector<int64_t>{renamed});
  CHECK(h.ids(h.query({{"name_contains", "龘"}}, h.centre)) == std::vector<int64_t>{renamed});
  h.db().exec(fmt::format("DELETE FROM records WHERE id = {}", renamed));
  CHECK(h.query({{"name_contains", "靐齉"}}, h.centre)["records"].empty());
  CHECK(containing(company.substr(0, 6)) ==
        h.ids(h.query({{"name_contains", company.substr(0, 6)}}, h.centre)));
}

TEST_CASE("EXPLAIN QUERY PLAN: names, codes and ID numbers never scan the records") {
  Harness h;
  for (const char* name : {"有限公司", "有限", "有", "黄记烟酒"}) {
    INFO(name);
    service::QueryFilter f;
    f.name = name;
    const std::string plan = plan_of(h.db(), f);
    INFO(plan);
    CHECK(plan.find("SCAN record_names VIRTUAL TABLE INDEX") != std::string::npos);
    CHECK(plan.find("SEARCH r USING INTEGER PRIMARY KEY") != std::string::npos);
    CHECK(plan.find("SCAN r\n") == std::string::npos);
    CHECK(plan.find("SCAN r USING") == std::string::npos);
    CHECK(plan.find("TEMP B-TREE") == std::string::npos);  // rowid order: no sort
  }
  service::QueryFilter by_code;
  by_code.uscc = "91110000600037341L";
  by_code.name = "有限";
  by_code.kind = "penalty";
  INFO(plan_of(h.db(), by_code));
  CHECK(plan_of(h.db(), by_code).find("SEARCH r USING INDEX records_uscc (uscc=?") !=
        std::string::npos);
  service::QueryFilter by_id;
  by_id.id_number = "11010519491231002X";
  INFO(plan_of(h.db(), by_id));
  CHECK(plan_of(h.db(), by_id).find("SEARCH r USING INDEX records_id_number (id_number=?") !=
        std::string::npos);
  service::QueryFilter by_authority;
  by_authority.authority = "11110105000005071J";
  CHECK(plan_of(h.db(), by_authority).find("(kind=? AND authority_uscc=?") != std::string::npos);
}

TEST_CASE("each role sees exactly the records domain::view_of lets it see") {
  Harness h;
  struct Caller {
    std::string token, role, dept;
  };
  for (const auto& c :
       {Caller{h.op, "operator", kDept}, Caller{h.other_rev, "reviewer", kOtherDept},
        Caller{h.centre, "reviewer", "*"}, Caller{h.viewer, "viewer", "*"}}) {
    INFO(c.role << " " << c.dept);
    const auto audience = domain::audience_of(c.role, c.dept);
    std::vector<int64_t> expected;
    std::set<int64_t> clear;
    auto s = h.db().prepare(
        "SELECT id, disclosure, status, archived, source_dept_uscc FROM records ORDER BY id");
    while (s.step()) {
      const auto view = domain::view_of(audience, *domain::parse_disclosure(s.column_view(1)),
                                        s.column_view(2), s.column_int64(3) != 0, s.column_view(4));
      if (view.visible) expected.push_back(s.column_int64(0));
      if (view.clear) clear.insert(s.column_int64(0));
    }
    Json all = h.query({{"include_archived", true}}, c.token);
    CHECK(h.ids(all) == expected);
    for (const auto& r : all["records"])
      CHECK(r["masked"].get<bool>() == (clear.count(r["id"]) == 0));
    // Only public: published and not archived, stored public.
    CHECK(h.ids(h.query({{"levels", {"public"}}, {"include_archived", true}}, c.token)) ==
          h.ids_where("disclosure = 'public' AND status = 'published' AND archived = 0"));
  }
  CHECK(h.error_of([&] { h.query({}, h.auditor); }) == ErrorCode::permission_denied);
  CHECK(h.error_of([&] {
    h.query({{"levels", {"authorised"}}}, h.viewer);
  }) == ErrorCode::permission_denied);
}

TEST_CASE("the credit centre's authorised query needs the subject's authorisation") {
  Harness h;
  const auto all = h.ids(h.query({}, h.centre));
  CHECK(h.error_of([&] {
    h.query({{"purpose", "另一用途"}}, h.centre);
  }) == ErrorCode::policy_refused);
  h.db().exec("UPDATE consents SET revoked_at = '2026-05-06T00:00:00Z'");
  CHECK(h.error_of([&] { h.query({}, h.centre); }) == ErrorCode::policy_refused);
  CHECK(h.error_of([&] {
    h.query({{"count_only", true}}, h.centre);
  }) == ErrorCode::policy_refused);
  // Without the authorised level, or for its own department's records, none is needed.
  CHECK(h.ids(h.query({{"levels", {"public", "shared"}}}, h.centre)).size() < all.size());
  CHECK_FALSE(h.ids(h.query({}, h.op)).empty());
}

TEST_CASE("masking: names and ID numbers of natural persons, clear for one's own department") {
  Harness h;
  h.db().exec("UPDATE records SET disclosure = 'public', status = 'published', archived = 0");
  const auto ids =
      h.ids_where("subject_type = 'natural_person' AND source_dept_uscc = '" + kDept + "'");
  REQUIRE_FALSE(ids.empty());
  auto one = [&](const std::string& token) {
    Json r = h.query({{"after", ids[0] - 1}, {"limit", 1}}, token);
    REQUIRE(r["records"].size() == 1);
    return r["records"][0];
  };
  const Json clear = one(h.op), masked = one(h.viewer), other = one(h.other_op);
  const std::string id = clear["id_number"], name = clear["subject_name"];
  CHECK_FALSE(clear["masked"].get<bool>());
  CHECK(masked["id_number"] == id.substr(0, 4) + std::string(10, '*') + id.substr(14));
  CHECK(masked["subject_name"] ==
        name.substr(0, 3) + std::string(domain::utf8_length(name) - 1, '*'));
  CHECK(other == masked);  // another department's operator sees what a viewer sees
  for (const char* key :
       {"id", "kind", "status", "severity", "subject_name", "subject_type", "uscc", "id_number",
        "document_number", "authority", "decided_on", "publicity_until"})
    CHECK(masked.contains(key));
  // record show decides the same way.
  Json shown = h.ts.call("record.show", {{"record", ids[0]}, {"purpose", "核查"}}, h.viewer);
  CHECK(shown["record"]["id_number"] == masked["id_number"]);
  CHECK(shown["record"]["subject_name"] == masked["subject_name"]);
  CHECK(h.ts.call("record.show", {{"record", ids[0]}, {"purpose", "核查"}},
                  h.op)["record"]["id_number"] == id);
}

TEST_CASE("filters combine; pages follow each other in id order") {
  Harness h;
  const std::vector<int64_t> expected = h.ids_where(
      "severity = 'general' AND decided_on >= '2025-06-01' AND archived = 0 AND status NOT IN "
      "('expired', 'repaired', 'revoked') AND (disclosure <> 'authorised' OR source_dept_uscc = '" +
      kDept + "')");
  REQUIRE(expected.size() > 10);
  std::vector<int64_t> paged;
  Json params = {{"severity", "general"}, {"decided_from", "2025-06-01"}, {"limit", 7}};
  for (int64_t after = 0;;) {
    params["after"] = after;
    Json page = h.query(params, h.op);
    for (auto id : h.ids(page))
      paged.push_back(id);
    if (!page["more"].get<bool>()) break;
    after = page["next_after"];
  }
  CHECK(paged == expected);
  CHECK(h.query({{"severity", "general"}, {"decided_from", "2025-06-01"}, {"count_only", true}},
                h.op)["count"] == expected.size());
  CHECK(h.ids(h.query({{"status", "expired"}}, h.centre)) == h.ids_where("status = 'expired'"));
  CHECK(h.ids(h.query({{"in_publicity", true}}, h.centre)) ==
        h.ids_where("status = 'published' AND archived = 0 AND publicity_until >= '2026-05-06'"));
  auto s = h.db().prepare("SELECT uscc, authority_uscc FROM records WHERE uscc IS NOT NULL");
  REQUIRE(s.step());
  const std::string uscc = s.column_text(0), authority = s.column_text(1);
  CHECK(h.ids(h.query({{"uscc", uscc}, {"include_archived", true}}, h.centre)) ==
        h.ids_where("uscc = '" + uscc + "'"));
  CHECK(h.ids(h.query({{"authority", authority}, {"kind", "penalty"}, {"include_archived", true}},
                      h.centre)) == h.ids_where("authority_uscc = '" + authority + "'"));
  for (const Json& bad : {Json{{"uscc", "123"}}, Json{{"kind", "fine"}}, Json{{"limit", 0}},
                          Json{{"decided_from", "2026-13-01"}}, Json{{"id_number", "12345"}},
                          Json{{"decided_from", "2026-02-01"}, {"decided_to", "2026-01-01"}}}) {
    INFO(bad.dump());
    CHECK(h.error_of([&] { h.query(bad, h.centre); }) == ErrorCode::bad_input);
  }
}

TEST_CASE("every query is registered with its purpose and count, never its results") {
  Harness h;
  const std::string person = [&] {
    auto s = h.db().prepare(
        "SELECT subject_name FROM records WHERE subject_type = 'natural_person' LIMIT 1");
    s.step();
    return s.column_text(0);
  }();
  Json r = h.query({{"name_contains", person}, {"purpose", "招标投标资格审查"}}, h.viewer);
  auto last = [&] {
    auto s = h.db().prepare(
        "SELECT actor, outcome, params, reason FROM audit_log ORDER BY seq DESC LIMIT 1");
    s.step();
    return std::vector<std::string>{s.column_text(0), s.column_text(1), s.column_text(2),
                                    s.column_text(3)};
  };
  auto entry = last();
  CHECK(entry[0] == "viewer");
  CHECK(entry[1] == "ok");
  CHECK(entry[3] == "招标投标资格审查");
  Json params = Json::parse(entry[2]);
  CHECK(params["count"] == r["count"]);
  CHECK(params["name_contains"].get<std::string>().rfind("hmac:", 0) == 0);
  CHECK(entry[2].find(person) == std::string::npos);
  for (const auto& rec : r["records"])
    CHECK(entry[2].find(rec["document_number"].get<std::string>()) == std::string::npos);

  // Beyond the public level without a purpose: refused, and the refusal registered.
  CHECK(h.error_of([&] {
    h.ts.call("query.run", {{"kind", "penalty"}}, h.viewer);
  }) == ErrorCode::usage);
  CHECK(last()[1] == "failed");
  // Public records only: no purpose needed.
  h.ts.call("query.run", {{"levels", {"public"}}}, h.viewer);
  CHECK(last()[1] == "ok");
  // Personal data in clear needs one at any level.
  CHECK(h.error_of([&] {
    h.ts.call("query.run", {{"levels", {"public"}}}, h.op);
  }) == ErrorCode::usage);
}

TEST_CASE("an import indexes its new records' names at the end of the batch, staged or not") {
  test::TestStore ts;
  const std::string op = ts.add_user("op", "operator", kDept);
  const std::string rev = ts.add_user("rev", "reviewer", kDept);
  auto import = [&](uint64_t seed) {
    service::Call call{"import.run", {{"kind", "penalty"}}, op, {}, {}};
    call.inputs.push_back(
        {"in.csv", io::make_string_source(sample_csv(40, seed, kDept), "in.csv")});
    return ts.service().call(call);
  };
  auto indexed = [&] {
    auto s = ts.store->db().prepare(
        "SELECT count(*) FROM records WHERE id IN (SELECT rowid FROM record_names WHERE "
        "record_names MATCH '\"有限公司\"') OR (instr(subject_name, '有限公司') = 0)");
    s.step();
    return s.column_int64(0);
  };
  auto records = [&] {
    auto s = ts.store->db().prepare("SELECT count(*) FROM records");
    s.step();
    return s.column_int64(0);
  };
  const int64_t batch = import(5)["batch"];  // staged: no authorisation
  ts.call("import.approve", {{"batch", batch}}, rev);
  CHECK(records() == 40);
  CHECK(indexed() == 40);
  ts.call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2026-12-31"}}, rev);
  import(6);  // committed at once
  CHECK(records() == 80);
  CHECK(indexed() == 80);
}
