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
  f.text_fields = "违反广告管理规定 发布虚假广告 《中华人民共和国广告法》第五十五条";
  f.kind_key = "违反广告管理规定";
  f.evidence.present = {"commitment", "rectification"};
  return f;
}

// Everything the Dandong profile asks for (all severities).
RepairFacts dandong_case(Date decided, Date applied) {
  RepairFacts f = general_case(decided, applied);
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
  f.text_fields = "生产销售不符合食品安全标准的食品";
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
  d.text_fields = "恶意欠薪";
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

  // Severe: training (≥ 3 class hours) and a credit report issued within one month.
  f.evidence.present = {"commitment", "rectification"};
  f.severity = Severity::severe;
  auto e = repair_eligibility(n26, f);
  CHECK(rules(e) == std::vector<std::string>{"national-2026/repair.evidence.training",
                                             "national-2026/repair.evidence.credit_report"});
  CHECK_FALSE(e.allowed_from());
  f.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  e = repair_eligibility(n26, f);  // hours and date not stated
  REQUIRE(e.refusals.size() == 2);
  CHECK(e.refusals[0].reason.find("class hours") != std::string::npos);
  CHECK(e.refusals[1].reason.find("issue date") != std::string::npos);
  f.evidence.training_hours = 2.5;
  f.evidence.credit_report_issued = ymd(2026, 4, 10);  // more than a month before 2026-05-11
  e = repair_eligibility(n26, f);
  CHECK(rules(e) == std::vector<std::string>{"national-2026/repair.evidence.training",
                                             "national-2026/repair.evidence.credit_report"});
  CHECK(e.refusals[1].reason.find("2026-04-11") != std::string::npos);
  f.evidence.training_hours = 3;
  f.evidence.credit_report_issued = ymd(2026, 4, 11);
  CHECK(repair_eligibility(n26, f).allowed());
  f.evidence.credit_report_issued = ymd(2026, 5, 12);  // after the application
  CHECK(rules(repair_eligibility(n26, f)) ==
        std::vector<std::string>{"national-2026/repair.evidence.credit_report"});
  // Judged at submission: an approval a month later still accepts the same report.
  f.evidence.credit_report_issued = ymd(2026, 4, 11);
  f.application_date = ymd(2026, 6, 20);
  f.evidence.as_of = ymd(2026, 5, 11);
  CHECK(repair_eligibility(n26, f).allowed());

  // Dandong asks for all of it, and the interview record, in every case.
  auto d = dandong_case(ymd(2025, 1, 10), ymd(2026, 5, 6));
  d.evidence.present = {"commitment", "rectification", "training", "credit_report"};
  CHECK(rules(repair_eligibility(profile("dandong-2019"), d)) ==
        std::vector<std::string>{"dandong-2019/repair.evidence.interview"});
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

  // Objection, 3 working days from Tue 2025-09-30: 10-01…10-08 off, Sat 10-11 worked.
  auto o = objection_deadline(profile("national-2019"), cal, ymd(2025, 9, 30));
  CHECK(o.date == ymd(2025, 10, 11));
  CHECK(o.rule_id == "national-2019/deadlines.objection");
  // A year without calendar data is counted on weekends alone, and says so.
  auto late = objection_deadline(profile("national-2026"), cal, ymd(2027, 12, 30));
  CHECK(late.date == ymd(2028, 1, 4));
  CHECK_FALSE(late.years_without_data.empty());
}
