// Publication through the service: the public view of a field, releases cut and confirmed, a
// pending release rendered identically after its records changed, confirmation twice, and the
// watermarks that keep a delta's cost in proportion to what changed.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "domain/disclosure.hpp"
#include "io/byte_source.hpp"
#include "io/kind_files.hpp"
#include "io/sample_data.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace credit;

TEST_CASE("public_field_value: the public data set's masking") {
  const auto& spec = io::shipped_kind_spec(domain::Kind::penalty);
  domain::MaskingRules rules;  // 4 + 4 kept, legal rep ID never
  auto field = [&](const char* code) -> const domain::FieldSpec& {
    return spec.fields[static_cast<size_t>(spec.field_by_code(code))];
  };
  using domain::SubjectType;
  const domain::Screener none(domain::PrivacyRules{}, rules);
  auto shown = [&](const char* code, std::string_view v, SubjectType t) {
    return domain::public_field_value(field(code), v, t, "", rules, none);
  };
  CHECK(shown("CF_XDR_MC", "张三丰", SubjectType::natural_person) == "张**");
  CHECK(shown("CF_XDR_MC", "北京甲广告有限公司", SubjectType::legal_person) ==
        "北京甲广告有限公司");
  CHECK(shown("CF_XDR_ZJHM", "11010519491231002X", SubjectType::natural_person) ==
        "1101**********002X");
  CHECK(shown("CF_FR_ZJHM", "110105195001010039", SubjectType::legal_person) == std::nullopt);
  CHECK(shown("CF_FR_ZJLX", "身份证", SubjectType::legal_person) == std::nullopt);
  CHECK(shown("CF_FRDB", "王建国", SubjectType::legal_person) == "王建国");
  CHECK(shown("BZ", "电话13800138000", SubjectType::legal_person) == std::nullopt);
  CHECK(shown("CF_WSH", "", SubjectType::legal_person) == std::nullopt);
  rules.show_legal_rep_id = true;  // a profile cannot say so (policy.cpp), and it changes nothing
  CHECK(shown("CF_FR_ZJHM", "110105195001010039", SubjectType::legal_person) == std::nullopt);
}

TEST_CASE("public_field_value: free text is screened, the subject's name included") {
  const auto& spec = io::shipped_kind_spec(domain::Kind::penalty);
  const auto policy = domain::parse_policy(
      test::read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/national-2026.json"));
  const domain::Screener screener(policy.privacy, policy.masking);
  auto shown = [&](const char* code, std::string_view v, domain::SubjectType t) {
    return domain::public_field_value(spec.fields[static_cast<size_t>(spec.field_by_code(code))], v,
                                      t, "张三", policy.masking, screener);
  };
  CHECK(shown("CF_SY", "张三住幸福路8号，电话13912345678", domain::SubjectType::natural_person) ==
        "张*住幸福路***，电话139****5678");
  // an organisation's name is no person's: only the natural person subject's name is masked
  CHECK(shown("CF_NR", "张三罚款5000元", domain::SubjectType::legal_person) == "张三罚款5000元");
  CHECK(shown("CF_WFXW", "患有高血压", domain::SubjectType::legal_person) == "【健康信息已屏蔽】");
  CHECK(shown("CF_WSH", "京朝市监罚〔2025〕123号", domain::SubjectType::natural_person) ==
        "京朝市监罚〔2025〕123号");
  CHECK(shown("BZ", "电话13800138000", domain::SubjectType::natural_person) == std::nullopt);
}

namespace {

const std::string kDept = "11110000000013127H";

struct Publisher {
  test::TestStore ts;
  std::string op = ts.add_user("op", "operator", kDept);
  std::string rev = ts.add_user("rev", "reviewer", kDept);
  std::string pub = ts.add_user("pub", "publisher");
  std::vector<Json> rows;

  Publisher() { call("import.authorize", {{"kinds", {"penalty"}}, {"until", "2027-05-06"}}, rev); }
  Json call(const std::string& action, Json params, const std::string& token,
            const std::string& input = {}) {
    rows.clear();
    service::Call call{
        action, std::move(params), token, {}, [this](const Json& r) { rows.push_back(r); }};
    if (!input.empty()) call.inputs.push_back({"in.csv", io::make_string_source(input, "in.csv")});
    return ts.service().call(call);
  }
  void import(uint64_t n, uint64_t seed) {
    io::SampleOptions o;
    o.rows = n;
    o.seed = seed;
    o.dept = kDept;
    o.decided_from = *domain::Date::from_ymd(2026, 3, 1);
    o.decided_to = *domain::Date::from_ymd(2026, 4, 30);
    call("import.run", {{"kind", "penalty"}}, op, io::sample_text(o));
  }
  int64_t count(const std::string& sql) {
    auto s = ts.store->db().prepare(sql);
    s.step();
    return s.column_int64(0);
  }
  std::string lines() const {
    std::string out;
    for (const auto& r : rows)
      out += r["file"].get<std::string>() + ":" + r["line"].get<std::string>() + "\n";
    return out;
  }
};

}  // namespace

TEST_CASE("a release is cut, confirmed, and nothing is published before") {
  Publisher p;
  p.import(40, 1);
  const int64_t publishable =
      p.count("SELECT count(*) FROM records WHERE publish = 1 AND disclosure = 'public'");
  REQUIRE(publishable > 0);
  Json plan = p.call("publish.plan", Json::object(), p.pub);
  CHECK(plan["published"] == publishable);
  Json cut = p.call("publish.prepare", Json::object(), p.pub);
  CHECK(cut["sequence"] == 1);
  CHECK(cut["resend"] == false);
  CHECK(static_cast<int64_t>(p.rows.size()) == publishable);
  CHECK(p.count("SELECT count(*) FROM records WHERE status = 'published'") == 0);
  CHECK(p.count("SELECT count(*) FROM releases WHERE status = 'pending'") == 1);
  Json done = p.call("publish.confirm", {{"sequence", 1}, {"delivered_to", "test"}}, p.pub);
  CHECK(done["published"] == publishable);
  CHECK(p.count("SELECT count(*) FROM records WHERE status = 'published' AND portal_version = "
                "version AND published_on = '2026-05-06'") == publishable);
  // Confirmed again (a concurrent run that delivered it too): nothing more.
  Json again = p.call("publish.confirm", {{"sequence", 1}}, p.pub);
  CHECK(again["already_delivered"] == true);
  CHECK(again["published"] == 0);
  CHECK(p.count("SELECT deliveries FROM releases WHERE sequence = 1") == 2);
  // Nothing changed: no release, no sequence used.
  CHECK(p.call("publish.prepare", Json::object(), p.pub)["sequence"].is_null());
  CHECK(p.count("SELECT count(*) FROM releases") == 1);
}

TEST_CASE("a pending release is sent again identical, even after its records changed") {
  Publisher p;
  p.import(20, 2);
  p.call("publish.prepare", Json::object(), p.pub);
  p.call("publish.confirm", {{"sequence", 1}}, p.pub);
  // Amend a published record, cut release 2 (holding version 2), then amend it again before the
  // release is delivered.
  const int64_t id = p.count(
      "SELECT min(id) FROM records WHERE status = 'published' AND subject_type = 'legal_person' "
      "AND json_extract(data, '$.CF_NR_FK') IS NOT NULL");
  auto amend = [&](const char* fine) {
    p.call("record.amend",
           {{"record", id}, {"set", {std::string("罚款金额=") + fine}}, {"reason", "更正"}}, p.op);
  };
  amend("7");
  Json cut = p.call("publish.prepare", Json::object(), p.pub);
  REQUIRE(cut["sequence"] == 2);
  const std::string first = p.lines();
  CHECK(first.find("\"reason\":\"amended\"") != std::string::npos);
  CHECK(first.find("\"CF_NR_FK\":\"7\"") != std::string::npos);
  amend("8");
  Json resend = p.call("publish.prepare", Json::object(), p.pub);
  CHECK(resend["sequence"] == 2);
  CHECK(resend["resend"] == true);
  CHECK(p.lines() == first);  // rendered from version 2, kept in the record's history
  CHECK(resend["files"] == cut["files"]);
  CHECK(resend["manifest"] == cut["manifest"]);
  p.call("publish.confirm", {{"sequence", 2}}, p.pub);
  CHECK(p.count(fmt::format("SELECT portal_version FROM records WHERE id = {}", id)) == 2);
  // The second amendment goes out next.
  p.call("publish.prepare", Json::object(), p.pub);
  CHECK(p.lines().find("\"CF_NR_FK\":\"8\"") != std::string::npos);
}

TEST_CASE("a delta looks only at what changed since the last cut") {
  Publisher p;
  p.import(30, 3);
  p.call("publish.prepare", Json::object(), p.pub);
  p.call("publish.confirm", {{"sequence", 1}}, p.pub);
  auto setting = [&](const char* key) {
    return p.count(fmt::format("SELECT value FROM settings WHERE key = '{}'", key));
  };
  CHECK(setting("publish.records_upto") == p.count("SELECT max(id) FROM records"));
  // A record the portal shows, changed behind the service's back (no history row): a delta does
  // not see it — only a full snapshot does. Changes always keep a version, so this is only a
  // probe of the cost model.
  p.ts.store->db().exec(
      "UPDATE records SET version = version + 1 WHERE id = (SELECT min(id) FROM records "
      "WHERE status = 'published')");
  CHECK(p.call("publish.plan", Json::object(), p.pub)["published"] == 0);
  Json full = p.call("publish.plan", {{"full", true}}, p.pub);
  CHECK(full["amended"] == 1);
  // Records the policy does not publish are looked at once, not at every run.
  p.import(10, 4);
  p.call("publish.prepare", Json::object(), p.pub);
  CHECK(setting("publish.records_upto") == p.count("SELECT max(id) FROM records"));
}

TEST_CASE("releases carry repair notices while they run, then withdraw them (Dandong Art. 12(6))") {
  Publisher p;
  p.import(20, 6);
  p.call("publish.prepare", Json::object(), p.pub);
  p.call("publish.confirm", {{"sequence", 1}}, p.pub);
  const int64_t record = p.count(
      "SELECT min(id) FROM records WHERE status = 'published' AND subject_type = 'legal_person'");
  REQUIRE(record > 0);
  // An application in its notice until 2026-05-13 (the store's clock says 2026-05-06).
  p.ts.store->db().exec(fmt::format(
      "INSERT INTO repair_applications (id, record_id, dept, status, kind_key, submitted_by, "
      "submitted_at, submitted_on, policy, decision_deadline, deadline_rule, decided_on, "
      "notice_end, notice_rule) VALUES (7, {}, '{}', 'in_notice', 'x', 'op', "
      "'2026-05-06T00:00:00Z', '2026-05-06', 'dandong-2019@x', '2026-05-20', 'r', '2026-05-06', "
      "'2026-05-13', 'dandong-2019/repair.notice')",
      record, kDept));
  Json plan = p.call("publish.plan", Json::object(), p.pub);
  CHECK(plan["sequence"] == 2);  // a release for the notice alone
  CHECK(plan["notices"] == 1);
  Json cut = p.call("publish.prepare", Json::object(), p.pub);
  const std::string lines = p.lines();
  CHECK(lines.find("repair_notices.ndjson:{\"op\":\"notice\",\"application\":\"7\"") !=
        std::string::npos);
  CHECK(lines.find("\"notice_end\":\"2026-05-13\"") != std::string::npos);
  CHECK(cut["manifest"].get<std::string>().find("\"withdraw_notice\": 0") != std::string::npos);
  // Re-sent before confirmation: identical, even though the application changed meanwhile.
  p.ts.store->db().exec("UPDATE repair_applications SET notice_end = '2026-05-14' WHERE id = 7");
  CHECK(p.call("publish.prepare", Json::object(), p.pub)["resend"] == true);
  CHECK(p.lines() == lines);
  p.call("publish.confirm", {{"sequence", 2}}, p.pub);
  CHECK(p.count("SELECT notice_on_portal FROM repair_applications WHERE id = 7") == 1);
  // On the portal: not sent again; decided: withdrawn, saying why.
  CHECK(p.call("publish.plan", Json::object(), p.pub)["sequence"].is_null());
  p.ts.store->db().exec("UPDATE repair_applications SET status = 'rejected' WHERE id = 7");
  p.call("publish.prepare", Json::object(), p.pub);
  CHECK(p.lines() ==
        "repair_notices.ndjson:{\"op\":\"withdraw_notice\",\"application\":\"7\",\"record\":\"" +
            std::to_string(record) + "\",\"reason\":\"rejected\"}\n");
  p.call("publish.confirm", {{"sequence", 3}}, p.pub);
  CHECK(p.count("SELECT notice_on_portal FROM repair_applications WHERE id = 7") == 0);
}

TEST_CASE("purge-expired archives due records once, with their history") {
  Publisher p;
  p.import(30, 5);
  p.call("publish.prepare", Json::object(), p.pub);
  p.call("publish.confirm", {{"sequence", 1}}, p.pub);
  const int64_t due = p.count("SELECT count(*) FROM records WHERE publicity_until < '2026-08-01'");
  REQUIRE(due > 0);  // the minor ones: three months
  p.ts.clock = Clock::fixed(*parse_timestamp("2026-08-01T01:00:00+08:00"));
  Json dry = p.call("purge.expired", {{"dry_run", true}}, p.pub);
  CHECK(dry["expired"] == due);
  CHECK(p.count("SELECT count(*) FROM records WHERE status = 'expired'") == 0);
  Json r = p.call("purge.expired", Json::object(), p.pub);
  CHECK(r["expired"] == due);
  CHECK(r["repairs_finalised"] == 0);
  CHECK(p.count("SELECT count(*) FROM records WHERE status = 'expired' AND archived = 1 AND "
                "withdrawn_on = '2026-08-01'") == due);
  CHECK(p.count("SELECT count(*) FROM record_versions WHERE change = 'expire'") == due);
  CHECK(p.call("purge.expired", Json::object(), p.pub)["expired"] == 0);
  // The portal is told by the next release: the published ones among them are withdrawn.
  const int64_t shown = p.count(
      "SELECT count(*) FROM records WHERE status = 'expired' AND portal_version IS NOT NULL");
  Json cut = p.call("publish.prepare", Json::object(), p.pub);
  if (shown > 0) CHECK(cut["withdrawals"] == shown);
}
