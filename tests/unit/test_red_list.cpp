#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "domain/red_list.hpp"
#include "support.hpp"

using namespace credit::domain;

namespace {

std::string policy_text(const std::string& id) {
  return credit::test::read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/" + id + ".json");
}

Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}

SubjectRecord record(Kind kind, Severity severity, std::string status, Date until) {
  return {7, kind, severity, "京市监罚〔2026〕1号", std::move(status), until};
}

}  // namespace

TEST_CASE("red list: every shipped profile has the rules, with their cites") {
  for (const char* id : {"national-2026", "national-2019", "dandong-2019"}) {
    const PolicyProfile p = parse_policy(policy_text(id));
    REQUIRE(p.red_list);
    CHECK(p.red_list->refused_by.id == std::string(id) + "/red_list.refused_by");
    CHECK(p.red_list->ended_by->cite.find("policy choice") != std::string::npos);
    CHECK(p.red_list->ended_by->cite.find("〔2019〕126号") != std::string::npos);
    CHECK(p.find_rule(std::string(id) + "/red_list.ended_by"));
    SeverityFacts facts;
    facts.kind = Kind::red;
    const SeverityDecision d = classify_severity(p, facts);
    CHECK(d.rule_id == std::string(id) + "/red_list.severity");
    const PublicityDates until =
        derive_publicity(p, Kind::red, d.severity, ymd(2026, 4, 1), {}, ymd(2026, 12, 31));
    CHECK(until.end == ymd(2026, 12, 31));
    CHECK(!until.earliest_repair);
    const PublicityDates open =
        derive_publicity(p, Kind::red, d.severity, ymd(2026, 4, 1), {}, std::nullopt);
    CHECK(open.end == ymd(2029, 4, 1));
    CHECK(open.end_rule == std::string(id) + "/red_list.no_end");
  }
}

TEST_CASE("red list: the kind's names") {
  CHECK(parse_kind("red") == Kind::red);
  CHECK(parse_kind("守信激励名单") == Kind::red);
  CHECK(parse_kind("诚信典型") == Kind::red);
  CHECK(to_string(Kind::red) == "red");
}

TEST_CASE("red list: what refuses a subject") {
  const PolicyProfile p = parse_policy(policy_text("national-2026"));
  const Date today = ymd(2026, 5, 6);
  SUBCASE("a severe penalty in publicity, named with kind, severity and rule") {
    const auto why = red_list_refusal(
        p, {record(Kind::penalty, Severity::severe, "published", ymd(2029, 5, 1))}, today);
    REQUIRE(why);
    CHECK(why->find("record 7 (penalty, severity severe, 京市监罚〔2026〕1号") !=
          std::string::npos);
    CHECK(why->find("national-2026/red_list.refused_by") != std::string::npos);
  }
  SUBCASE("an active dishonest listing") {
    const auto why = red_list_refusal(
        p, {record(Kind::dishonest, Severity::severe, "active", ymd(2027, 1, 1))}, today);
    REQUIRE(why);
    CHECK(why->find("active dishonest list") != std::string::npos);
  }
  SUBCASE("nothing that is not severe, ended or out of publicity") {
    CHECK(!red_list_refusal(
        p,
        {record(Kind::penalty, Severity::general, "published", ymd(2029, 1, 1)),
         record(Kind::penalty, Severity::severe, "repaired", ymd(2029, 1, 1)),
         record(Kind::penalty, Severity::severe, "expired", ymd(2026, 1, 1)),
         record(Kind::penalty, Severity::severe, "published", ymd(2026, 5, 5)),
         record(Kind::dishonest, Severity::severe, "expired", ymd(2026, 4, 30)),
         record(Kind::license, Severity::general, "published", ymd(2099, 12, 31))},
        today));
  }
}

TEST_CASE("red list: what ends a listing is the profile's choice") {
  PolicyProfile p = parse_policy(policy_text("national-2026"));
  CHECK(red_list_ending(p, Kind::penalty, Severity::severe)->id ==
        "national-2026/red_list.ended_by");
  CHECK(red_list_ending(p, Kind::dishonest, Severity::severe));
  CHECK(!red_list_ending(p, Kind::penalty, Severity::general));
  CHECK(!red_list_ending(p, Kind::license, Severity::general));
  CHECK(!red_list_ending(p, Kind::red, Severity::general));
  auto doc = nlohmann::json::parse(policy_text("national-2026"));
  doc["red_list"]["ended_by"]["events"] = {"dishonest"};
  p = parse_policy(doc.dump());
  CHECK(!red_list_ending(p, Kind::penalty, Severity::severe));
  CHECK(red_list_ending(p, Kind::dishonest, Severity::severe));
  doc["red_list"]["ended_by"]["events"] = {"minor_penalty"};
  CHECK_THROWS_WITH_AS(parse_policy(doc.dump()), doctest::Contains("red_list.ended_by.events"),
                       PolicyError);
  doc["red_list"].erase("ended_by");
  p = parse_policy(doc.dump());
  CHECK(!red_list_ending(p, Kind::dishonest, Severity::severe));
}
