// Credit repair eligibility and deadlines (domain/repair_eligibility): every rule and every
// refusal under the shipped profiles, with the date each refusal lifts, and working-day deadlines
// across holidays and make-up working days of the shipped calendar.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "domain/repair_eligibility.hpp"

#ifndef CREDIT_SOURCE_DIR
#define CREDIT_SOURCE_DIR "."
#endif

using namespace credit::domain;

namespace {

std::string share_file(const std::string& path) {
  std::ifstream in(std::string(CREDIT_SOURCE_DIR) + "/share/" + path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open share/" << path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}

const PolicyProfile& profile(const std::string& id) {
  static const auto load = [](const char* name) {
    return parse_policy(share_file(std::string("policy/") + name + ".json"));
  };
  static const PolicyProfile n2026 = load("national-2026");
  static const PolicyProfile n2019 = load("national-2019");
  static const PolicyProfile dd = load("dandong-2019");
  return id == "national-2026" ? n2026 : id == "national-2019" ? n2019 : dd;
}

const Calendar& calendar() {
  static const Calendar cal = [] {
    std::vector<CalendarYear> years;
    for (int y = 2024; y <= 2026; ++y)
      years.push_back(parse_calendar_year(share_file("calendar/" + std::to_string(y) + ".json")));
    return Calendar(years);
  }();
  return cal;
}

// A published general penalty with the evidence every profile asks for in general cases.
RepairFacts general_case(Date decided, Date applied) {
  RepairFacts f;
  f.kind = Kind::penalty;
  f.severity = Severity::general;
  f.status = "published";
  f.decision_date = decided;
  f.application_date = applied;
  f.subject_type = "legal_person";
  f.violation_type = "违反广告管理规定";
  f.basis = "《中华人民共和国广告法》第五十八条";
  f.kind_key = "违反广告管理规定";
  f.evidence.present = {"commitment", "rectification"};
  return f;
}

// Everything the Dandong profile asks for (all severities); published on the decision day.
RepairFacts dandong_case(Date decided, Date applied) {
  RepairFacts f = general_case(decided, applied);
  f.first_published = decided;
  f.evidence.present = {"commitment", "rectification", "interview", "training", "credit_report"};
  f.evidence.training_hours = 3;
  f.evidence.credit_report_issued = applied;
  return f;
}

std::vector<std::string> rules(const Eligibility& e) {
  std::vector<std::string> out;
  for (const auto& r : e.refusals)
    out.push_back(r.rule_id);
  return out;
}

}  // namespace

TEST_CASE("repair: minimum period, with the date it is allowed from (two profiles)") {
  // national-2026 general: 3 months from the decision (Fri 2025-09-26 → 2025-12-26).
  auto f = general_case(ymd(2025, 9, 26), ymd(2025, 12, 25));
  auto e = repair_eligibility(profile("national-2026"), f);
  REQUIRE(rules(e) == std::vector<std::string>{"national-2026/periods.penalty.general.min"});
  CHECK(e.allowed_from() == ymd(2025, 12, 26));
  f.application_date = ymd(2025, 12, 26);
  e = repair_eligibility(profile("national-2026"), f);
  CHECK(e.allowed());
  CHECK(e.allowing_rule == "national-2026/periods.penalty.general.min");

  // national-2019 severe: 6 months; national-2026 severe: 1 year.
  f = general_case(ymd(2025, 9, 26), ymd(2026, 3, 25));
  f.severity = Severity::severe;
  f.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  f.evidence.training_hours = 3;
  f.evidence.credit_report_issued = ymd(2026, 3, 20);
  e = repair_eligibility(profile("national-2019"), f);
  REQUIRE(rules(e) == std::vector<std::string>{"national-2019/periods.penalty.severe.min"});
  CHECK(e.allowed_from() == ymd(2026, 3, 26));
  e = repair_eligibility(profile("national-2026"), f);
  REQUIRE(rules(e) == std::vector<std::string>{"national-2026/periods.penalty.severe.min"});
  CHECK(e.allowed_from() == ymd(2026, 9, 26));

  // Dandong: 6 months whatever the severity.
  auto d = dandong_case(ymd(2025, 9, 26), ymd(2026, 3, 25));
  e = repair_eligibility(profile("dandong-2019"), d);
  REQUIRE(rules(e) == std::vector<std::string>{"dandong-2019/periods.penalty.general.min"});
  CHECK(e.allowed_from() == ymd(2026, 3, 26));
  d.evidence.credit_report_issued = d.application_date = ymd(2026, 3, 26);
  CHECK(repair_eligibility(profile("dandong-2019"), d).allowed());
}

TEST_CASE("repair: record state — published, no open application, not disputed") {
  auto f = general_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  f.status = "active";
  auto e = repair_eligibility(profile("national-2026"), f);
  REQUIRE(rules(e) == std::vector<std::string>{kRuleRecordPublished});
  CHECK_FALSE(e.allowed_from());  // time does not publish a record
  for (const char* s : {"expired", "repaired", "revoked"}) {
    f.status = s;
    CHECK(rules(repair_eligibility(profile("national-2019"), f)) ==
          std::vector<std::string>{kRuleRecordPublished});
  }
  f.status = "published";
  f.under_repair = true;
  CHECK(rules(repair_eligibility(profile("national-2026"), f)) ==
        std::vector<std::string>{kRuleRecordOpen});
  f.under_repair = false;
  f.disputed = true;
  e = repair_eligibility(profile("dandong-2019"), f);
  CHECK(e.refusals.front().rule_id == kRuleRecordDisputed);
  // A refusal time lifts and one it does not: no date to offer.
  f.application_date = ymd(2025, 2, 1);
  e = repair_eligibility(profile("national-2026"), f);
  CHECK(rules(e) ==
        std::vector<std::string>{kRuleRecordDisputed, "national-2026/periods.penalty.general.min"});
  CHECK(e.refusals[1].allowed_from == ymd(2025, 4, 10));
  CHECK_FALSE(e.allowed_from());
}

TEST_CASE("repair: licences and non-repairable categories are refused without a date") {
  auto f = general_case(ymd(2024, 1, 10), ymd(2026, 5, 6));
  f.kind = Kind::license;
  auto e = repair_eligibility(profile("national-2026"), f);
  REQUIRE(e.refusals.size() == 1);
  CHECK(e.refusals[0].rule_id.rfind("national-2026/periods.license", 0) == 0);
  CHECK_FALSE(e.allowed_from());

  // national-2019: severe food and drug cases are published for the maximum period.
  f = general_case(ymd(2024, 1, 10), ymd(2026, 5, 6));
  f.severity = Severity::severe;
  f.violation_type = "生产销售不符合食品安全标准的食品";
  f.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  f.evidence.training_hours = 4;
  f.evidence.credit_report_issued = ymd(2026, 4, 30);
  e = repair_eligibility(profile("national-2019"), f);
  REQUIRE(rules(e) == std::vector<std::string>{"national-2019/repair.non_repairable.food-drug"});
  CHECK_FALSE(e.allowed_from());
  CHECK(repair_eligibility(profile("national-2026"), f).allowed());  // not in the 2026 rule
  f.severity = Severity::general;                                    // only severe cases
  CHECK(repair_eligibility(profile("national-2019"), f).allowed());

  // Dandong Art. 7: never repairable (here: unpaid wages, 欠薪).
  auto d = dandong_case(ymd(2024, 1, 10), ymd(2026, 5, 6));
  d.severity = Severity::severe;
  d.violation_type = "恶意欠薪";
  e = repair_eligibility(profile("dandong-2019"), d);
  REQUIRE(rules(e) ==
          std::vector<std::string>{"dandong-2019/repair.non_repairable.art7-2-market-order"});
  CHECK_FALSE(e.allowed_from());
}

TEST_CASE("repair: count and same-kind limits name the day they lift (Dandong Art. 10)") {
  const auto& dd = profile("dandong-2019");
  auto f = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  f.prior = {{ymd(2024, 2, 1), "未按时年报"}, {ymd(2025, 3, 1), "环境"}};
  auto e = repair_eligibility(dd, f);
  REQUIRE(rules(e) == std::vector<std::string>{"dandong-2019/repair.max_repairs"});
  CHECK(e.allowed_from() == ymd(2027, 2, 1));  // the 2024 repair leaves the 36 months
  f.evidence.credit_report_issued = f.application_date = ymd(2027, 2, 1);
  CHECK(repair_eligibility(dd, f).allowed());
  f.evidence.credit_report_issued = f.application_date = ymd(2027, 1, 31);
  CHECK_FALSE(repair_eligibility(dd, f).allowed());

  // Same kind within 36 months; both limits: allowed once both lift.
  f = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  f.prior = {{ymd(2025, 3, 1), "违反广告管理规定"}};
  e = repair_eligibility(dd, f);
  REQUIRE(rules(e) == std::vector<std::string>{"dandong-2019/repair.same_kind_cooldown"});
  CHECK(e.allowed_from() == ymd(2028, 3, 1));
  f.prior.push_back({ymd(2024, 6, 30), "x"});
  e = repair_eligibility(dd, f);
  CHECK(rules(e) == std::vector<std::string>{"dandong-2019/repair.max_repairs",
                                             "dandong-2019/repair.same_kind_cooldown"});
  CHECK(e.refusals[0].allowed_from == ymd(2027, 6, 30));
  CHECK(e.allowed_from() == ymd(2028, 3, 1));
  // Month-end clamping: a repair on 2024-02-29 leaves a 36-month window on 2027-03-01.
  f.prior = {{ymd(2024, 2, 29), "违反广告管理规定"}};
  e = repair_eligibility(dd, f);
  CHECK(e.allowed_from() == ymd(2027, 3, 1));

  // The national profiles have no such limits.
  auto n = general_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  n.prior = f.prior;
  n.prior.push_back({ymd(2025, 3, 1), "违反广告管理规定"});
  CHECK(repair_eligibility(profile("national-2026"), n).allowed());
  CHECK(repair_eligibility(profile("national-2019"), n).allowed());
}

TEST_CASE("repair: required evidence — presence, class hours, credit report age") {
  const auto& n26 = profile("national-2026");
  auto f = general_case(ymd(2025, 1, 10), ymd(2026, 5, 11));
  f.evidence.present = {"commitment"};
  CHECK(rules(repair_eligibility(n26, f)) ==
        std::vector<std::string>{"national-2026/repair.evidence.rectification"});
  f.evidence.present = {};
  CHECK(rules(repair_eligibility(profile("national-2019"), f)) ==
        std::vector<std::string>{"national-2019/repair.evidence.commitment",
                                 "national-2019/repair.evidence.rectification"});

  // national-2026 (Order 36): commitment and rectification only, whatever the severity — a severe
  // record is accepted without a training certificate or a credit report.
  f.evidence.present = {"commitment", "rectification"};
  f.severity = Severity::severe;
  f.application_date = ymd(2026, 5, 11);
  CHECK(repair_eligibility(n26, f).allowed());
  for (const auto& req : required_evidence(n26, Severity::severe))
    CHECK((req.id == "commitment" || req.id == "rectification"));

  // national-2019 severe: training (≥ 3 class hours) and a credit report (527号).
  const auto& n19 = profile("national-2019");
  auto e = repair_eligibility(n19, f);
  CHECK(rules(e) == std::vector<std::string>{"national-2019/repair.evidence.training",
                                             "national-2019/repair.evidence.credit_report"});
  CHECK_FALSE(e.allowed_from());
  f.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  e = repair_eligibility(n19, f);  // hours not stated
  REQUIRE(e.refusals.size() == 1);
  CHECK(e.refusals[0].reason.find("class hours") != std::string::npos);
  f.evidence.training_hours = 2.5;
  CHECK(rules(repair_eligibility(n19, f)) ==
        std::vector<std::string>{"national-2019/repair.evidence.training"});
  f.evidence.training_hours = 3;
  CHECK(repair_eligibility(n19, f).allowed());

  // Dandong: the municipal credit centre's report, issued within one month (Art. 12(1)).
  const auto& dd = profile("dandong-2019");
  auto r = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 11));
  r.evidence.credit_report_issued.reset();
  e = repair_eligibility(dd, r);
  REQUIRE(e.refusals.size() == 1);
  CHECK(e.refusals[0].reason.find("issue date") != std::string::npos);
  r.evidence.credit_report_issued = ymd(2026, 4, 10);  // more than a month before 2026-05-11
  e = repair_eligibility(dd, r);
  CHECK(rules(e) == std::vector<std::string>{"dandong-2019/repair.evidence.credit_report"});
  CHECK(e.refusals[0].reason.find("2026-04-11") != std::string::npos);
  r.evidence.credit_report_issued = ymd(2026, 4, 11);
  CHECK(repair_eligibility(dd, r).allowed());
  r.evidence.credit_report_issued = ymd(2026, 5, 12);  // after the application
  CHECK(rules(repair_eligibility(dd, r)) ==
        std::vector<std::string>{"dandong-2019/repair.evidence.credit_report"});
  // Judged at submission: an approval a month later still accepts the same report.
  r.evidence.credit_report_issued = ymd(2026, 4, 11);
  r.application_date = ymd(2026, 6, 20);
  r.evidence.as_of = ymd(2026, 5, 11);
  CHECK(repair_eligibility(dd, r).allowed());
  // Training of at least 3 class hours, in every case.
  r.evidence.training_hours = 2;
  CHECK(rules(repair_eligibility(dd, r)) ==
        std::vector<std::string>{"dandong-2019/repair.evidence.training"});

  // Dandong asks for all of it, and the interview record, in every case.
  auto d = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  d.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  CHECK(rules(repair_eligibility(dd, d)) ==
        std::vector<std::string>{"dandong-2019/repair.evidence.interview"});
}

TEST_CASE("repair: Dandong applies to enterprise legal persons only (Art. 2)") {
  const auto& dd = profile("dandong-2019");
  auto d = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  for (const char* who : {"natural_person", "individual_business"}) {
    d.subject_type = who;
    const auto e = repair_eligibility(dd, d);
    REQUIRE(rules(e) == std::vector<std::string>{"dandong-2019/repair.subjects"});
    CHECK(e.refusals[0].reason.find("第二条") != std::string::npos);
    CHECK_FALSE(e.allowed_from());
  }
  // The national profiles repair every subject.
  auto n = general_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  n.subject_type = "natural_person";
  CHECK(repair_eligibility(profile("national-2026"), n).allowed());
}

TEST_CASE("repair: Dandong counts its 6 months from the first publication (Art. 9(1))") {
  const auto& dd = profile("dandong-2019");
  // Decided 2025-10-10, first published 2026-06-01: not before 2026-12-01.
  auto d = dandong_case(ymd(2025, 10, 10), ymd(2026, 11, 30));
  d.first_published = ymd(2026, 6, 1);
  d.evidence.credit_report_issued = d.application_date;
  auto e = repair_eligibility(dd, d);
  REQUIRE(rules(e) == std::vector<std::string>{"dandong-2019/periods.penalty.general.min"});
  CHECK(e.allowed_from() == ymd(2026, 12, 1));
  CHECK(e.refusals[0].reason.find("first publication 2026-06-01") != std::string::npos);
  d.evidence.credit_report_issued = d.application_date = ymd(2026, 12, 1);
  e = repair_eligibility(dd, d);
  CHECK(e.allowed());
  CHECK(e.allowing_rule == "dandong-2019/periods.penalty.general.min");
  // national-2026 counts from the decision: allowed from 2026-01-10 (3 months).
  auto n = general_case(ymd(2025, 10, 10), ymd(2026, 1, 10));
  n.first_published = ymd(2026, 6, 1);
  CHECK(repair_eligibility(profile("national-2026"), n).allowed());
}

TEST_CASE("repair: Dandong Art. 7 by what the decision is, not by words in its story") {
  const auto& dd = profile("dandong-2019");
  struct Case {
    const char *type, *basis, *category;
  };
  // Severe records (fine 120万): never repairable.
  const Case severe[] = {
      {"串通投标", "《中华人民共和国招标投标法》第五十三条", "art7-2-market-order"},
      {"虚开增值税专用发票", "《中华人民共和国发票管理办法》", "art7-2-market-order"},
      {"拖欠劳动者工资", "《劳动保障监察条例》第二十六条", "art7-2-market-order"},
      {"恶意欠薪", "《保障农民工工资支付条例》第五十五条", "art7-2-market-order"},
      {"非法吸收公众存款", "《防范和处置非法集资条例》第三十条", "art7-2-market-order"},
      {"生产、销售伪劣产品", "《中华人民共和国产品质量法》第五十条", "art7-2-market-order"},
      {"婴幼儿配方乳粉不符合食品安全标准", "《中华人民共和国食品安全法》第一百二十四条",
       "art7-1-health-safety"},
  };
  for (const auto& c : severe) {
    CAPTURE(c.type);
    auto d = dandong_case(ymd(2024, 1, 10), ymd(2026, 5, 6));
    d.severity = Severity::severe;
    d.violation_type = c.type;
    d.basis = c.basis;
    const auto e = repair_eligibility(dd, d);
    REQUIRE(rules(e) == std::vector<std::string>{
                            std::string("dandong-2019/repair.non_repairable.") + c.category});
    CHECK(e.refusals[0].reason.find("违法行为类型") != std::string::npos);  // the field
    CHECK(e.refusals[0].reason.find("第七条") != std::string::npos);        // the article
    CHECK_FALSE(e.allowed_from());
  }
  // A printing-licence revocation whose story mentions a food factory as the customer.
  auto p = dandong_case(ymd(2024, 1, 10), ymd(2026, 5, 6));
  p.severity = Severity::severe;
  p.violation_type = "印刷企业未按规定承印包装装潢印刷品";
  p.basis = "《印刷业管理条例》第三十九条";
  CHECK(repair_eligibility(dd, p).allowed());
}

TEST_CASE("repair: deadlines in working days across holidays and make-up days") {
  const auto& cal = calendar();
  // Dandong notice, 5 working days from Thu 2026-04-30: 05-01…05-05 off, Sat 05-09 worked.
  auto n = repair_notice_end(profile("dandong-2019"), cal, ymd(2026, 4, 30));
  REQUIRE(n);
  CHECK(n->date == ymd(2026, 5, 11));
  CHECK(n->rule_id == "dandong-2019/repair.notice");
  CHECK(n->years_without_data.empty());
  CHECK_FALSE(repair_notice_end(profile("national-2026"), cal, ymd(2026, 4, 30)));
  CHECK_FALSE(repair_notice_end(profile("national-2019"), cal, ymd(2026, 4, 30)));

  // Decision, 10 working days from Fri 2026-02-13 across the Spring Festival (02-14 and 02-28
  // are make-up working days).
  auto d = repair_decision_deadline(profile("national-2026"), cal, ymd(2026, 2, 13));
  CHECK(d.date == ymd(2026, 3, 5));
  CHECK(d.rule_id == "national-2026/repair.decision");

  // Dandong Art. 12(7): the record withdrawn within 1 working day of the decision — decided on
  // Wed 2026-09-30, the next working day is Thu 10-08 (10-01…10-07 off).
  auto w = repair_processing_deadline(profile("dandong-2019"), cal, ymd(2026, 9, 30));
  REQUIRE(w);
  CHECK(w->date == ymd(2026, 10, 8));
  CHECK(w->rule_id == "dandong-2019/repair.withdrawal");
  CHECK_FALSE(repair_processing_deadline(profile("national-2026"), cal, ymd(2026, 9, 30)));

  // Objection, 3 working days from Tue 2025-09-30: 10-01…10-08 off, Sat 10-11 worked.
  auto o = objection_deadline(profile("national-2019"), cal, ymd(2025, 9, 30));
  CHECK(o.date == ymd(2025, 10, 11));
  CHECK(o.rule_id == "national-2019/deadlines.objection");
  // A year without calendar data is counted on weekends alone, and says so.
  auto late = objection_deadline(profile("national-2026"), cal, ymd(2027, 12, 30));
  CHECK(late.date == ymd(2028, 1, 4));
  CHECK_FALSE(late.years_without_data.empty());
}

TEST_CASE("repair: minor information only shared can be repaired (Order 36)") {
  const auto& n26 = profile("national-2026");
  auto f = general_case(ymd(2026, 4, 10), ymd(2026, 4, 20));
  f.severity = Severity::minor;  // not published under national-2026: shared only
  f.status = "active";
  f.published_by_policy = false;
  auto e = repair_eligibility(n26, f);
  CHECK(e.allowed());  // obligations met (commitment, rectification); no minimum period
  CHECK(e.allowing_rule == "national-2026/periods.penalty.minor.min");
  // A record the policy publishes must be published first.
  f.published_by_policy = true;
  CHECK(rules(repair_eligibility(n26, f)) == std::vector<std::string>{kRuleRecordPublished});
  // Evidence is still required.
  f.published_by_policy = false;
  f.evidence.present = {"commitment"};
  CHECK(rules(repair_eligibility(n26, f)) ==
        std::vector<std::string>{"national-2026/repair.evidence.rectification"});
}
