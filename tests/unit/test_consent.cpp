// Authorised query (授权查询) decisions (domain/consent): whose authorisation a code names, what an
// authorisation covers, and the profile's maximum validity (甘肃 (十四): never for life).
#include <doctest/doctest.h>

#include "domain/consent.hpp"
#include "support.hpp"

using namespace credit::domain;

namespace {

const PolicyProfile& profile() {
  static const PolicyProfile p = parse_policy(credit::test::shipped_policy_text("national-2026"));
  return p;
}

Date day(const char* iso) {
  return *Date::parse_iso(iso);
}

ConsentTerms terms() {
  return {"贷款审批", {Kind::penalty, Kind::license}, day("2026-05-01"), day("2026-10-31"), false};
}

}  // namespace

TEST_CASE("consent subjects: USCC or ID number, never echoed in the error") {
  auto org = parse_consent_subject("91110000600037341l");
  REQUIRE(org.subject);
  CHECK(org.subject->type == ConsentSubject::Type::uscc);
  CHECK(org.subject->code == "91110000600037341L");
  auto person = parse_consent_subject("11010519491231002x");
  REQUIRE(person.subject);
  CHECK(person.subject->type == ConsentSubject::Type::id_number);
  CHECK(person.subject->code == "11010519491231002X");
  // 121200004013590816 is a USCC whose digits are no valid ID number.
  CHECK(parse_consent_subject("121200004013590816").subject->type == ConsentSubject::Type::uscc);
  auto bad = parse_consent_subject("110105195001010038");  // wrong ID check character
  CHECK_FALSE(bad.subject);
  CHECK(bad.error.find("neither") != std::string::npos);
  CHECK(bad.error.find("110105195001010038") == std::string::npos);
  CHECK(parse_consent_subject("id:110105195001010039").subject->type ==
        ConsentSubject::Type::id_number);
  CHECK_FALSE(parse_consent_subject("uscc:110105195001010039").subject);
}

TEST_CASE("an authorisation covers its purpose, kinds and days only") {
  const ConsentTerms c = terms();
  CHECK(consent_gap(c, Kind::penalty, "贷款审批", day("2026-05-01")).empty());
  CHECK(consent_gap(c, Kind::license, "贷款审批 2026-017", day("2026-10-31")).empty());
  CHECK(consent_gap(c, Kind::penalty, "贷款审批", day("2026-11-01")) == "it ended on 2026-10-31");
  CHECK(consent_gap(c, Kind::penalty, "贷款审批", day("2026-04-30")) == "it starts on 2026-05-01");
  CHECK(consent_gap(c, Kind::dishonest, "贷款审批", day("2026-06-01")) ==
        "it does not cover dishonest records");
  CHECK(consent_gap(c, Kind::penalty, "招标资格审查", day("2026-06-01")).find("for the purpose") !=
        std::string::npos);
  CHECK_FALSE(consent_gap(c, Kind::penalty, "贷款审批额度", day("2026-06-01")).empty());
  ConsentTerms revoked = c;
  revoked.revoked = true;
  CHECK(consent_gap(revoked, Kind::penalty, "贷款审批", day("2026-06-01")) == "it was revoked");
}

TEST_CASE("purposes: the authorised one, or it with a reference after a space") {
  CHECK(purpose_covers("贷款审批", "贷款审批"));
  CHECK(purpose_covers("贷款审批", "贷款审批 2026-017"));
  CHECK_FALSE(purpose_covers("贷款审批", "贷款审批额度"));
  CHECK_FALSE(purpose_covers("贷款审批", "贷款"));
  CHECK_FALSE(purpose_covers("", "贷款审批"));
}

TEST_CASE("the shipped profile bounds an authorisation to one year") {
  const auto& p = profile();
  REQUIRE(p.consent.present);
  CHECK(p.consent.max_validity.months == 12);
  CHECK(p.consent.max_validity.rule.id == "national-2026/consent.max_validity");
  CHECK(p.consent.required.id == "national-2026/consent.required");
  CHECK(p.consent.required.cite.find("十四") != std::string::npos);
  CHECK(p.find_rule("national-2026/consent.required"));
  const Date today = day("2026-05-06");
  CHECK(consent_validity_error(p.consent, today, day("2027-05-06")).empty());
  const std::string beyond = consent_validity_error(p.consent, today, day("2027-05-07"));
  CHECK(beyond.find("national-2026/consent.max_validity") != std::string::npos);
  CHECK(beyond.find("2027-05-06") != std::string::npos);
  CHECK(consent_validity_error(p.consent, today, day("2099-12-31")).find("12 months") !=
        std::string::npos);
  CHECK(consent_validity_error(p.consent, today, day("2026-05-05")).find("past") !=
        std::string::npos);
}

TEST_CASE("a profile may not allow a lifetime authorisation") {
  std::string text = credit::test::shipped_policy_text("national-2026");
  const std::string from = "\"max_validity\": {\"months\": 12";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "\"max_validity\": {\"months\": 1200");
  std::string error;
  try {
    parse_policy(text);
  } catch (const PolicyError& e) {
    error = e.what();
  }
  CHECK(error.find("never for life") != std::string::npos);
}
