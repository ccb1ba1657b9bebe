#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/identifiers.hpp"
#include "domain/policy.hpp"
#include "support.hpp"

using namespace credit::domain;
using credit::test::read_text;

namespace {

std::string policy_text(const std::string& id) {
  return read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/" + id + ".json");
}

const PolicyProfile& profile(const std::string& id) {
  static const PolicyProfile n2026 = parse_policy(policy_text("national-2026"));
  static const PolicyProfile n2019 = parse_policy(policy_text("national-2019"));
  static const PolicyProfile dd = parse_policy(policy_text("dandong-2019"));
  return id == "national-2026" ? n2026 : id == "national-2019" ? n2019 : dd;
}

Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}

SeverityDecision penalty(const PolicyProfile& p, std::string_view category,
                         std::optional<double> fine = {}, bool person = false,
                         std::string_view content = {}) {
  SeverityFacts f;
  f.category = category;
  f.content = content;
  f.fine = fine;
  f.natural_person = person;
  return classify_severity(p, f);
}

// Replaces the first occurrence of `from` in the national-2026 text, parses, returns the error.
std::string error_after(std::string_view from, std::string_view to) {
  std::string text = policy_text("national-2026");
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "fixture not found: " << from);
  text.replace(at, from.size(), to);
  try {
    parse_policy(text);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("Kind and Severity names") {
  CHECK(to_string(Kind::penalty) == "penalty");
  CHECK(parse_kind("licence") == Kind::license);
  CHECK(parse_kind("行政处罚") == Kind::penalty);
  CHECK_FALSE(parse_kind("red-list"));
  CHECK(to_string(Severity::severe) == "severe");
  CHECK(to_chinese(Severity::minor) == "轻微");
  CHECK(parse_severity("严重") == Severity::severe);
  CHECK(parse_severity("一般失信") == Severity::general);
  CHECK(parse_severity(" minor ") == Severity::minor);
  CHECK_FALSE(parse_severity("较重"));
  CHECK_FALSE(parse_severity(""));
}

TEST_CASE("Policy: shipped profiles load with their headline numbers") {
  const auto& n26 = profile("national-2026");
  CHECK(n26.id == "national-2026");
  CHECK(n26.in_force == ymd(2026, 4, 1));
  CHECK(n26.legal_basis.at(0).number == "国家发展改革委令2025年第36号");
  CHECK_FALSE(n26.penalty_periods(Severity::minor).publish.value);
  CHECK(n26.penalty_periods(Severity::minor).max.months == 3);
  CHECK(n26.penalty_periods(Severity::general).min.months == 3);
  CHECK(n26.penalty_periods(Severity::general).max.months == 12);
  CHECK(n26.penalty_periods(Severity::severe).min.months == 12);
  CHECK(n26.penalty_periods(Severity::severe).max.months == 36);
  CHECK(n26.publication_deadline.working_days == 7);
  CHECK(n26.objection_deadline.working_days == 3);
  CHECK_FALSE(n26.repair.notice);
  CHECK_FALSE(n26.repair.max_repairs);

  const auto& n19 = profile("national-2019");
  CHECK(n19.in_force == ymd(2019, 7, 1));
  CHECK(n19.penalty_periods(Severity::general).min.months == 3);
  CHECK(n19.penalty_periods(Severity::general).max.months == 12);
  CHECK(n19.penalty_periods(Severity::severe).min.months == 6);
  CHECK(n19.penalty_periods(Severity::severe).max.months == 36);
  CHECK(n19.repair.non_repairable.size() == 6);

  const auto& dd = profile("dandong-2019");
  CHECK(dd.penalty_periods(Severity::general).min.months == 6);
  CHECK(dd.penalty_periods(Severity::severe).min.months == 6);
  REQUIRE(dd.repair.notice);
  CHECK(dd.repair.notice->working_days == 5);
  REQUIRE(dd.repair.max_repairs);
  CHECK(dd.repair.max_repairs->count == 2);
  CHECK(dd.repair.max_repairs->within_months == 36);
  REQUIRE(dd.repair.same_kind_cooldown);
  CHECK(dd.repair.same_kind_cooldown->months == 36);
  CHECK(dd.repair.non_repairable.size() == 6);
  CHECK(dd.repair.non_repairable[0].id == "art7-1-health-safety");
}

TEST_CASE("Policy: every rule has a unique id under its profile and a citation") {
  for (const char* id : {"national-2026", "national-2019", "dandong-2019"}) {
    CAPTURE(id);
    const auto& p = profile(id);
    std::set<std::string> ids;
    for (const auto& r : p.all_rules()) {
      CHECK(r.id.rfind(std::string(id) + "/", 0) == 0);
      CHECK_FALSE(r.cite.empty());
      CHECK(ids.insert(r.id).second);
    }
    CHECK(ids.size() > 30);
    // Each rule cites the regulation or standard it comes from, never the design notes.
    for (const auto& r : p.all_rules()) {
      CAPTURE(r.id);
      CHECK(r.cite.find("DESIGN") == std::string::npos);
    }
  }
  const auto r = profile("national-2026").find_rule("national-2026/periods.penalty.severe.max");
  REQUIRE(r);
  CHECK(r->cite.find("最长公示期为3年") != std::string::npos);
  CHECK_FALSE(profile("national-2026").find_rule("national-2026/nope"));
  CHECK(profile("dandong-2019").find_rule("dandong-2019/repair.notice")->cite.find("5个工作日") !=
        std::string::npos);
}

TEST_CASE("classify_severity: explicit 失信程度 always wins") {
  const auto& p = profile("national-2026");
  SeverityFacts f;
  f.category = "警告";
  f.explicit_severity = "严重";
  auto d = classify_severity(p, f);
  CHECK(d.severity == Severity::severe);
  CHECK(d.rule_id == "national-2026/severity.explicit");
  f.category = "吊销许可证";
  f.explicit_severity = "一般失信";
  d = classify_severity(p, f);
  CHECK(d.severity == Severity::general);
  CHECK(d.rule_id == "national-2026/severity.explicit");
  f.explicit_severity = "较重";  // unknown: warn and fall back to the rules
  d = classify_severity(p, f);
  CHECK(d.severity == Severity::severe);
  CHECK(d.rule_id == "national-2026/severity.rules.revocation-closure-restriction");
  CHECK_FALSE(d.warning.empty());
}

TEST_CASE("classify_severity: national-2026 rules") {
  const auto& p = profile("national-2026");
  auto d = penalty(p, "警告");
  CHECK(d.severity == Severity::minor);
  CHECK(d.rule_id == "national-2026/severity.rules.warning-or-criticism-only");
  CHECK(penalty(p, "警告；通报批评").severity == Severity::minor);
  d = penalty(p, "警告；罚款", 0.2);
  CHECK(d.severity == Severity::minor);
  CHECK(d.rule_id == "national-2026/severity.rules.small-fine-organisation");
  CHECK(d.explanation.find("罚款 0.2 万元 ≤ 0.3 万元") != std::string::npos);
  CHECK(penalty(p, "罚款", 0.2, true).severity == Severity::general);  // 2000 yuan for a person
  CHECK(penalty(p, "罚款", 0.02, true).rule_id == "national-2026/severity.rules.small-fine-person");
  CHECK(penalty(p, "罚款").severity == Severity::general);  // amount unknown: not minor
  d = penalty(p, "罚款,吊销许可证件", 5);
  CHECK(d.severity == Severity::severe);
  CHECK(d.explanation == "处罚类别/处罚内容 contains \"吊销\"");
  d = penalty(p, "罚款", 150);
  CHECK(d.severity == Severity::severe);
  CHECK(d.rule_id == "national-2026/severity.rules.huge-fine-organisation");
  CHECK(penalty(p, "罚款", 99.99).severity == Severity::general);
  CHECK(penalty(p, "罚款", 100).severity == Severity::severe);  // 以上 is inclusive
  d = penalty(p, "罚款；没收违法所得", 3);
  CHECK(d.severity == Severity::general);
  CHECK(d.rule_id == "national-2026/severity.default");
  CHECK(penalty(p, "罚款", 0.1, false, "适用简易程序当场作出").severity == Severity::minor);
  CHECK(penalty(p, "责令停产停业").severity == Severity::severe);
}

TEST_CASE(
    "classify_severity: national-2019 and Dandong treat confiscation and suspension as severe") {
  for (const char* id : {"national-2019", "dandong-2019"}) {
    CAPTURE(id);
    const auto& p = profile(id);
    auto d = penalty(p, "罚款；没收违法所得", 3);
    CHECK(d.severity == Severity::severe);
    CHECK(d.rule_id == std::string(id) + "/severity.rules.confiscation");
    CHECK(penalty(p, "暂扣许可证").severity == Severity::severe);
    CHECK(penalty(p, "警告").severity == Severity::general);  // no minor class in 2019
    CHECK(penalty(p, "罚款", 10).severity == Severity::severe);
    CHECK(penalty(p, "罚款", 9.5).severity == Severity::general);
    CHECK(penalty(p, "罚款", 1, true).severity == Severity::severe);
  }
}

TEST_CASE("classify_severity: licences and list entries are fixed") {
  const auto& p = profile("national-2026");
  SeverityFacts f;
  f.kind = Kind::license;
  f.explicit_severity = "严重";  // ignored: a licence is not a sanction
  auto d = classify_severity(p, f);
  CHECK(d.severity == Severity::general);
  CHECK(d.rule_id == "national-2026/severity.license");
  f.kind = Kind::dishonest;
  d = classify_severity(p, f);
  CHECK(d.severity == Severity::severe);
  CHECK(d.rule_id == "national-2026/severity.dishonest");
}

TEST_CASE("derive_publicity: penalties") {
  const auto& p = profile("national-2026");
  auto r = derive_publicity(p, Kind::penalty, Severity::severe, ymd(2024, 2, 29), {}, {});
  CHECK(r.start == ymd(2024, 2, 29));
  CHECK(r.earliest_repair == ymd(2025, 2, 28));
  CHECK(r.end == ymd(2027, 2, 28));
  CHECK(r.publish);
  CHECK(r.start_rule == "national-2026/periods.start");
  CHECK(r.repair_rule == "national-2026/periods.penalty.severe.min");
  CHECK(r.end_rule == "national-2026/periods.penalty.severe.max");
  CHECK(r.publish_rule == "national-2026/periods.penalty.severe.publish");

  r = derive_publicity(p, Kind::penalty, Severity::minor, ymd(2026, 5, 10), {}, {});
  CHECK_FALSE(r.publish);
  CHECK(r.publish_rule == "national-2026/periods.penalty.minor.publish");
  CHECK(r.earliest_repair == ymd(2026, 5, 10));
  CHECK(r.end == ymd(2026, 8, 10));

  r = derive_publicity(p, Kind::penalty, Severity::general, ymd(2026, 1, 31), {}, {});
  CHECK(r.earliest_repair == ymd(2026, 4, 30));
  CHECK(r.end == ymd(2027, 1, 31));

  r = derive_publicity(profile("national-2019"), Kind::penalty, Severity::severe, ymd(2024, 8, 31),
                       {}, {});
  CHECK(r.earliest_repair == ymd(2025, 2, 28));
  CHECK(r.repair_rule == "national-2019/periods.penalty.severe.min");
  // Dandong counts its minimum from the first publication (Art. 9(1)); the maximum from the
  // decision. Not yet published: no date, and a note that says why.
  r = derive_publicity(profile("dandong-2019"), Kind::penalty, Severity::general, ymd(2024, 8, 31),
                       {}, {});
  CHECK_FALSE(r.earliest_repair);
  CHECK(r.awaits_publication);
  CHECK(r.repair_start_rule == "dandong-2019/periods.min_start");
  CHECK(r.end == ymd(2025, 8, 31));
  // Decided 2025-10-10, first published 2026-06-01: not before 2026-12-01.
  r = derive_publicity(profile("dandong-2019"), Kind::penalty, Severity::severe, ymd(2025, 10, 10),
                       {}, {}, ymd(2026, 6, 1));
  CHECK(r.earliest_repair == ymd(2026, 12, 1));
  CHECK(r.repair_rule == "dandong-2019/periods.penalty.severe.min");
  CHECK(r.end == ymd(2028, 10, 10));
  // The national profiles count from the decision, whenever it was published.
  r = derive_publicity(profile("national-2019"), Kind::penalty, Severity::severe, ymd(2025, 10, 10),
                       {}, {}, ymd(2026, 6, 1));
  CHECK(r.earliest_repair == ymd(2026, 4, 10));
  CHECK(r.repair_start_rule == "national-2019/periods.start");
}

TEST_CASE(
    "derive_publicity: the 公示截止期 column within policy wins, otherwise it is capped or "
    "ignored") {
  const auto& p = profile("national-2026");
  auto r =
      derive_publicity(p, Kind::penalty, Severity::general, ymd(2026, 5, 1), ymd(2026, 11, 1), {});
  CHECK(r.end == ymd(2026, 11, 1));
  CHECK(r.end_rule == "national-2026/periods.explicit_end");
  CHECK(r.notes.size() == 1);
  r = derive_publicity(p, Kind::penalty, Severity::general, ymd(2026, 5, 1), ymd(2029, 5, 1), {});
  CHECK(r.end == ymd(2027, 5, 1));
  CHECK(r.end_rule == "national-2026/periods.penalty.general.max");
  CHECK(r.notes.at(0).find("capped") != std::string::npos);
  r = derive_publicity(p, Kind::penalty, Severity::general, ymd(2026, 5, 1), ymd(2026, 4, 1), {});
  CHECK(r.end == ymd(2027, 5, 1));
  CHECK(r.notes.at(0).find("ignored") != std::string::npos);
  r = derive_publicity(p, Kind::penalty, Severity::general, ymd(2026, 5, 1), ymd(2027, 5, 1), {});
  CHECK(r.end_rule == "national-2026/periods.explicit_end");
  CHECK(r.notes.empty());
}

TEST_CASE("derive_publicity: licences and list entries") {
  const auto& p = profile("national-2026");
  auto r =
      derive_publicity(p, Kind::license, Severity::general, ymd(2025, 3, 1), {}, ymd(2030, 2, 28));
  CHECK(r.end == ymd(2030, 2, 28));
  CHECK_FALSE(r.earliest_repair);
  CHECK(r.publish);
  CHECK(r.end_rule == "national-2026/periods.license.end");
  r = derive_publicity(p, Kind::license, Severity::general, ymd(2025, 3, 1), {}, ymd(2099, 12, 31));
  CHECK(r.end == ymd(2099, 12, 31));
  CHECK(r.notes.at(0).find("indefinite") != std::string::npos);
  r = derive_publicity(p, Kind::license, Severity::general, ymd(2025, 3, 1), {}, {});
  CHECK(r.end == ymd(2028, 3, 1));
  CHECK(r.end_rule == "national-2026/periods.license.no_end");

  r = derive_publicity(p, Kind::dishonest, Severity::severe, ymd(2025, 3, 1), {}, ymd(2026, 9, 1));
  CHECK(r.end == ymd(2026, 9, 1));
  CHECK(r.end_rule == "national-2026/periods.dishonest.end");
  CHECK(r.earliest_repair == ymd(2026, 3, 1));
  r = derive_publicity(profile("national-2019"), Kind::dishonest, Severity::severe, ymd(2025, 3, 1),
                       {}, {});
  CHECK_FALSE(r.earliest_repair);
  CHECK(r.end == ymd(2028, 3, 1));
  CHECK(r.end_rule == "national-2019/periods.dishonest.no_end");
}

TEST_CASE("match_non_repairable: structured fields, keywords last, never 违法事实") {
  const auto& dd = profile("dandong-2019");
  auto nr = [](const PolicyProfile& p, Kind k, Severity s, std::string_view type,
               std::string_view basis = {}, std::string_view declared = {}) {
    return match_non_repairable(p, k, s, BehaviourFacts{type, basis, declared});
  };
  // By the catalogued behaviour in 违法行为类型 (synonyms, punctuation ignored).
  auto m = nr(dd, Kind::penalty, Severity::severe, "拖欠农民工工资");
  REQUIRE(m);
  CHECK(m->category_id == "art7-2-market-order");
  CHECK(m->rule_id == "dandong-2019/repair.non_repairable.art7-2-market-order");
  CHECK(m->field == "违法行为类型");
  CHECK(m->how.find("dandong-2019/repair.behaviours.wage-arrears") != std::string::npos);
  CHECK(m->explanation().find("第七条第（二）项") != std::string::npos);
  CHECK(nr(dd, Kind::penalty, Severity::severe, "生产、销售伪劣产品")->how.find("counterfeit") !=
        std::string::npos);
  m = nr(dd, Kind::dishonest, Severity::severe, "拒不履行法院生效判决");
  REQUIRE(m);
  CHECK(m->category_id == "art7-4-refusing-obligations");
  CHECK(nr(dd, Kind::penalty, Severity::severe, "阻挠公民履行兵役义务")->category_id ==
        "art7-5-national-defence");
  // By the law and article in 处罚依据, when 违法行为类型 is generic.
  m = nr(dd, Kind::penalty, Severity::severe, "违反招标投标管理规定",
         "《中华人民共和国招标投标法》第五十三条");
  REQUIRE(m);
  CHECK(m->field == "处罚依据");
  CHECK(m->how.find("bid-rigging") != std::string::npos);
  // The article belongs to the law it follows: 第五十三条 here is the Company Law's.
  CHECK_FALSE(nr(dd, Kind::penalty, Severity::severe, "违规",
                 "《中华人民共和国招标投标法》第十条、《中华人民共和国公司法》第五十三条"));
  // By the department's explicit category column, first.
  m = nr(dd, Kind::penalty, Severity::severe, "其他", "", "第七条第（六）项");
  REQUIRE(m);
  CHECK(m->category_id == "art7-6-other-severe");
  CHECK(m->field == "失信行为类别");
  // Keywords last, in 违法行为类型 / 处罚依据 only.
  m = nr(dd, Kind::penalty, Severity::severe, "涉嫌围标行为");
  REQUIRE(m);
  CHECK(m->field == "违法行为类型");
  // Only severe records, only sanctions; unrelated behaviour passes.
  CHECK_FALSE(nr(dd, Kind::penalty, Severity::general, "拖欠农民工工资"));
  CHECK_FALSE(nr(dd, Kind::license, Severity::severe, "拖欠农民工工资"));
  CHECK_FALSE(nr(dd, Kind::penalty, Severity::severe, "未按规定办理变更登记"));
  CHECK_FALSE(nr(dd, Kind::penalty, Severity::severe, "印刷企业未按规定承印",
                 "《印刷业管理条例》第三十九条"));

  const auto& n19 = profile("national-2019");
  m = nr(n19, Kind::penalty, Severity::severe, "违法生产",
         "违反《中华人民共和国食品安全法》第三十四条");
  REQUIRE(m);
  CHECK(m->category_id == "food-drug");
  CHECK(nr(n19, Kind::penalty, Severity::severe, "违规", "违反《消防法》")->category_id ==
        "fire-safety");
  CHECK_FALSE(nr(n19, Kind::penalty, Severity::general, "违规", "违反《消防法》"));
  CHECK_FALSE(nr(profile("national-2026"), Kind::penalty, Severity::severe, "违反食品安全法"));
}

TEST_CASE("same kind: the same classified behaviour (Dandong Art. 10(3))") {
  const auto& dd = profile("dandong-2019");
  CHECK(same_kind_key(dd, "未按时公示年度报告") == same_kind_key(dd, "未按规定公示年度报告"));
  CHECK(same_kind_key(dd, "未按时公示年度报告") == "behaviour:annual-report");
  CHECK(same_kind_key(dd, "违反 价格管理规定") == same_kind_key(dd, "违反价格管理规定"));
  CHECK(same_kind_key(dd, "违反价格管理规定") != same_kind_key(dd, "违反广告管理规定"));
  const Date app = ymd(2026, 6, 1);
  auto c = check_repair_limits(dd, app, "未按规定公示年度报告",
                               {{ymd(2025, 3, 1), "未按时公示年度报告"}});
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/repair.same_kind_cooldown");
  CHECK(c.failures[0].reason.find("dandong-2019/repair.behaviours.annual-report") !=
        std::string::npos);
  CHECK(c.failures[0].allowed_from == ymd(2028, 3, 1));
}

TEST_CASE("Repair limits and eligibility (Dandong Art. 9 and 10)") {
  const auto& dd = profile("dandong-2019");
  const Date app = ymd(2026, 6, 1);
  CHECK(check_repair_limits(dd, app, "虚假宣传", {}).eligible());
  std::vector<PriorRepair> prior = {{ymd(2024, 1, 10), "未按时年报"}, {ymd(2025, 3, 1), "环境"}};
  auto c = check_repair_limits(dd, app, "虚假宣传", prior);
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/repair.max_repairs");
  CHECK(c.failures[0].reason.find("2024-01-10, 2025-03-01") != std::string::npos);
  prior[0].decided = ymd(2023, 5, 31);  // 36 months and a day before: outside the window
  CHECK(check_repair_limits(dd, app, "虚假宣传", prior).eligible());
  c = check_repair_limits(dd, app, "环境", prior);
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/repair.same_kind_cooldown");
  CHECK(check_repair_limits(profile("national-2026"), app, "环境",
                            {{ymd(2025, 1, 1), "环境"}, {ymd(2025, 2, 1), "x"}})
            .eligible());

  // Minimum 6 months from the first publication (披露之日, Art. 9(1)).
  RepairSubject subj{
      Kind::penalty, Severity::general, "legal_person", ymd(2025, 1, 10), ymd(2025, 1, 20), {}, ""};
  c = check_repair_eligibility(dd, subj, ymd(2025, 7, 10), {});
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/periods.penalty.general.min");
  CHECK(c.failures[0].reason.find("2025-07-20") != std::string::npos);
  CHECK(c.failures[0].reason.find("dandong-2019/periods.min_start") != std::string::npos);
  CHECK(check_repair_eligibility(dd, subj, ymd(2025, 7, 20), {}).eligible());
  subj.first_published.reset();
  c = check_repair_eligibility(dd, subj, ymd(2026, 7, 20), {});
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/periods.min_start");
  subj.first_published = ymd(2023, 1, 20);
  subj.severity = Severity::severe;
  subj.behaviour.violation_type = "恶意欠薪";
  c = check_repair_eligibility(dd, subj, ymd(2025, 7, 10), {});
  REQUIRE(c.failures.size() == 1);
  CHECK(c.failures[0].rule_id == "dandong-2019/repair.non_repairable.art7-2-market-order");
  subj.kind = Kind::license;
  CHECK_FALSE(check_repair_eligibility(dd, subj, ymd(2025, 7, 10), {}).eligible());
}

TEST_CASE("Required evidence: exactly what each source asks for") {
  auto ids = [](const char* profile_id, Severity s) {
    std::set<std::string> out;
    for (const auto& e : required_evidence(profile(profile_id), s))
      out.insert(e.id);
    return out;
  };
  // Order 36: commitment and rectification, whatever the severity.
  for (Severity s : {Severity::minor, Severity::general, Severity::severe})
    CHECK(ids("national-2026", s) == std::set<std::string>{"commitment", "rectification"});
  // 527号: training and a credit report for severe cases.
  CHECK(ids("national-2019", Severity::severe) ==
        std::set<std::string>{"commitment", "rectification", "training", "credit_report"});
  // Dandong Art. 5, 9, 12: the credit centre's report within a month, interview, training ≥ 3 h.
  for (const auto& e : required_evidence(profile("dandong-2019"), Severity::general)) {
    if (e.id == "training") CHECK(e.min_class_hours == 3);
    if (e.id == "credit_report") CHECK(e.issued_within_months == 1);
  }
  CHECK(required_evidence(profile("dandong-2019"), Severity::general).size() == 5);
}

TEST_CASE("Annulment of a fraudulent repair: where the source provides it (Dandong Art. 17)") {
  const auto& dd = profile("dandong-2019").repair;
  REQUIRE(dd.annulment);
  CHECK(dd.annulment->id == "dandong-2019/repair.annulment");
  CHECK(dd.annulment->cite.find("第十七条") != std::string::npos);
  CHECK_FALSE(profile("national-2026").repair.annulment);
  CHECK_FALSE(profile("national-2019").repair.annulment);
}

TEST_CASE("The Dandong procedure: acceptance decision, decision after the notice (Art. 12)") {
  const auto& dd = profile("dandong-2019").repair;
  REQUIRE(dd.acceptance);
  CHECK(dd.acceptance->id == "dandong-2019/repair.acceptance");
  CHECK(dd.acceptance->cite.find("第十二条第（五）项") != std::string::npos);
  REQUIRE(dd.decision_after_notice);
  CHECK(dd.decision_after_notice->cite.find("第十二条第（七）项") != std::string::npos);
  REQUIRE(dd.withdrawal);
  CHECK(dd.withdrawal->working_days == 1);
  for (const char* id : {"national-2026", "national-2019"}) {
    CHECK_FALSE(profile(id).repair.acceptance);
    CHECK_FALSE(profile(id).repair.decision_after_notice);
  }
}

TEST_CASE("Masking") {
  CHECK(mask_person_name("张三") == "张*");
  CHECK(mask_person_name("欧阳娜娜") == "欧***");
  CHECK(mask_person_name("张") == "*");
  CHECK(mask_person_name("") == "*");
  CHECK(mask_person_name("\xff\xfe") == "*");
  CHECK(mask_person_name("Li Lei") == "L*****");
  const auto& m = profile("national-2026").masking;
  CHECK(mask_id_number("310104198001012755", m) == "3101**********2755");
  CHECK(mask_id_number("11010519491231002X", m) == "1101**********002X");
  CHECK(mask_id_number("110105491231002", m) == "1101*******1002");
  CHECK(mask_id_number("12345678", m) == "********");
  CHECK(mask_id_number("", m).empty());
  CHECK_FALSE(m.show_legal_rep_id);
}

TEST_CASE("USCC allow-list") {
  const auto& p = profile("national-2026");
  std::string reason;
  CHECK_FALSE(check_uscc("00000000000000000X").valid);
  CHECK(uscc_allowed_exception(p, "00000000000000000X", &reason));
  CHECK(reason.find("national-2026/uscc_allow_list.00000000000000000X") != std::string::npos);
  CHECK(uscc_allowed_exception(p, "00000000000000000X", nullptr));
  CHECK_FALSE(uscc_allowed_exception(p, "91110000600037341K", &reason));
}

TEST_CASE("parse_policy: validation errors name the JSON path") {
  CHECK(error_after(R"("max": {"months": 36,)", R"("max": {"months": "36",)") ==
        "policy periods.penalty.severe.max.months: expected an integer");
  CHECK(error_after(R"("max": {"months": 36,)", R"("max": {"months": 6,)") ==
        "policy periods.penalty.severe: min is longer than max");
  CHECK(error_after(R"("max": {"months": 36,)", R"("max": {"month": 36,)") ==
        "policy periods.penalty.severe.max.month: unknown key");
  CHECK(error_after(R"("id": "huge-fine-person")", R"("id": "huge-fine-organisation")") ==
        "policy severity.rules[2].id: id \"huge-fine-organisation\" is used twice");
  CHECK(error_after(R"("severity": "minor", "keywords_any")",
                    R"("severity": "tiny", "keywords_any")") ==
        "policy severity.rules[5].severity: expected \"minor\", \"general\" or \"severe\"");
  CHECK(error_after(R"("keep_first": 4)", R"("keep_first": 10)") ==
        "policy masking.id_number: keeps too much of the number (at most 12 characters)");
  CHECK(error_after(R"("show": false)", R"("show": true)") ==
        "policy masking.legal_rep_id.show: a legal representative's ID number is never shown");
  CHECK(error_after(R"("in_force": "2026-04-01")", R"("in_force": "2026-04-31")") ==
        "policy in_force: expected a date \"YYYY-MM-DD\"");
  CHECK(error_after(R"("kinds": ["penalty", "dishonest"])", R"("kinds": ["penalty", "fine"])") ==
        "policy repair.non_repairable[0].kinds[1]: unknown value");
  CHECK(error_after(R"("publication": {"working_days": 7, "cite")",
                    R"("publication": {"working_days": 7, "cit")") ==
        "policy deadlines.publication.cit: unknown key");
  CHECK(error_after(R"("format": 1,)", R"("format": 2,)") ==
        "policy format: unsupported format (this build reads 1)");
  CHECK(error_after(R"("code": "00000000000000000X")", R"("code": "0000")") ==
        "policy uscc_allow_list[0].code: expected 18 characters");
  CHECK(error_after(R"("fine_at_least": 100,)", R"("fine_at_least": -1,)") ==
        "policy severity.rules[1].fine_at_least: expected a non-negative number");
  CHECK(error_after(R"("decision": {)", R"("decisions": {)") ==
        "policy repair.decisions: unknown key");
  CHECK(error_after("\"format\": 1,", "").find("policy format: missing") == 0);
  CHECK(error_after("{", "[").find("policy file is not valid JSON") == 0);
}

TEST_CASE("parse_policy: robustness") {
  static constexpr char kNoise[] =
      "{}[]\":,0123456789-abcdefghijklmnopqrstuvwxyz_ \xe4\xb8\x80\xff";
  std::mt19937_64 rng(36);
  const std::string base = policy_text("dandong-2019");
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    if (i % 50 == 0) {  // damage a real profile in a few places
      s = base;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
        s[rng() % s.size()] = static_cast<char>(rng() & 0xFF);
      }
    } else {
      s.resize(rng() % 32);
      for (auto& c : s)
        c = kNoise[rng() % (sizeof(kNoise) - 1)];
    }
    // Only PolicyError may escape; anything else fails the test case.
    try {
      const auto p = parse_policy(s);
      (void)classify_severity(p, SeverityFacts{});
    } catch (const PolicyError&) {
    }
  }
}

TEST_CASE("parse_policy: every value replaced by a wrong type or value is rejected cleanly") {
  const nlohmann::json base = nlohmann::json::parse(policy_text("national-2026"));
  const auto leaves = base.flatten();
  const nlohmann::json replacements[] = {nullptr,
                                         true,
                                         -1,
                                         0,
                                         1.5,
                                         1e300,
                                         "",
                                         "x",
                                         "2026-02-30",
                                         nlohmann::json::array(),
                                         nlohmann::json::object()};
  int rejected = 0, total = 0;
  for (const auto& [pointer, value] : leaves.items()) {
    for (const auto& r : replacements) {
      nlohmann::json doc = base;
      doc[nlohmann::json::json_pointer(pointer)] = r;
      ++total;
      try {
        const auto p = parse_policy(doc.dump());
        (void)derive_publicity(p, Kind::penalty, Severity::severe, Date::from_days(20000), {}, {});
      } catch (const PolicyError& e) {
        ++rejected;
        // The message names where the problem is.
        const std::string what = e.what();
        REQUIRE(what.rfind("policy ", 0) == 0);
      }
    }
  }
  CHECK(total > 1000);
  CHECK(rejected > total / 2);
}
