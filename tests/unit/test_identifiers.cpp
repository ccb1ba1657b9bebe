#include <doctest/doctest.h>

#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "domain/identifiers.hpp"

using namespace credit::domain;

TEST_CASE("USCC: valid examples from GB 32100 / DESIGN") {
  for (const char* code : {"91110000600037341L", "121200004013590816", "91350100M000100Y43"}) {
    CAPTURE(code);
    const auto r = check_uscc(code);
    CHECK(r.valid);
    CHECK(r.inner_ok);
    CHECK(r.error.empty());
    CHECK(r.warning.empty());
    CHECK(r.code == code);
  }
  CHECK(uscc_check_char("91110000600037341") == 'L');
  CHECK(uscc_check_char("12120000401359081") == '6');
  CHECK(uscc_check_char("91350100M000100Y4") == '3');
  CHECK(uscc_check_char("91110000600037341L") == 'L');  // 18 given: first 17 used
  CHECK(uscc_check_char("9111000060003734") == '\0');   // too short
  CHECK(uscc_check_char("9111000060003734I") == '\0');  // I is not in the charset
  CHECK(org_code_check_char("60003734") == '1');
  CHECK(org_code_check_char("M000100Y") == '4');
}

TEST_CASE("USCC: errors name what is wrong") {
  CHECK(check_uscc("91110000600037341K").error == "check character is 'K', expected 'L'");
  CHECK_FALSE(check_uscc("91110000600037341K").valid);
  CHECK(check_uscc("9111I000600037341L").error == "position 5 has 'I', which is not allowed");
  CHECK(check_uscc("91110000600O37341L").error == "position 12 has 'O', which is not allowed");
  CHECK(check_uscc("91110000600037341").error == "has 17 characters, expected 18");
  CHECK(check_uscc("91110000600037341LL").error == "has 19 characters, expected 18");
  CHECK(check_uscc("").error == "is empty");
  CHECK(check_uscc("\xef\xbc\x99"
                   "1110000600037341L")
            .error == "position 1 has '\xef\xbc\x99' (full-width), which is not allowed");
  CHECK(check_uscc("9111000060003734\xff"
                   "L")
            .error == "position 17 has a byte that is not valid UTF-8, which is not allowed");
  CHECK(check_uscc("9111000060003734\tL").error ==
        "position 17 has control character U+0009, which is not allowed");
  // Chinese characters count as one character each.
  CHECK(check_uscc("统一社会信用代码").error == "has 8 characters, expected 18");
}

TEST_CASE("USCC: lower case is accepted and normalised with a warning") {
  const auto r = check_uscc("91350100m000100y43");
  CHECK(r.valid);
  CHECK(r.code == "91350100M000100Y43");
  CHECK(r.warning == "lower-case letters converted to upper case");
  // 'i' would become 'I', which is still not allowed.
  CHECK(check_uscc("9111i000600037341L").error == "position 5 has 'i', which is not allowed");
}

TEST_CASE("USCC: inner organisation-code failure is a warning, not an error") {
  std::string code = "91110000600037342";  // organisation code 60003734-2, its check is 1
  code += uscc_check_char(code);
  const auto r = check_uscc(code);
  CHECK(r.valid);
  CHECK_FALSE(r.inner_ok);
  CHECK(r.warning == "organisation code (positions 9–17) check character is '2', expected '1'");
  // The placeholder 00000000000000000X fails the outer check (handled by the policy allow-list).
  CHECK(check_uscc("00000000000000000X").error == "check character is 'X', expected '0'");
}

TEST_CASE("USCC: individual businesses start with 92") {
  CHECK(is_individual_business("92110105MA01234567"));
  CHECK_FALSE(is_individual_business("91110000600037341L"));
  CHECK_FALSE(is_individual_business("9"));
  CHECK_FALSE(is_individual_business(""));
}

TEST_CASE("Resident ID: valid examples") {
  auto r = check_resident_id("11010519491231002X");
  CHECK(r.valid);
  CHECK_FALSE(r.legacy);
  CHECK(r.number == "11010519491231002X");
  CHECK(r.birth_date == Date::from_ymd(1949, 12, 31));
  r = check_resident_id("110105195001010039");
  CHECK(r.valid);
  CHECK(r.birth_date == Date::from_ymd(1950, 1, 1));
  CHECK(resident_id_check_char("11010519491231002") == 'X');
  CHECK(resident_id_check_char("11010519500101003") == '9');
  CHECK(resident_id_check_char("1101051950010100A") == '\0');
}

TEST_CASE("Resident ID: lower-case x is normalised") {
  const auto r = check_resident_id("11010519491231002x");
  CHECK(r.valid);
  CHECK(r.number == "11010519491231002X");
}

TEST_CASE("Resident ID: errors") {
  CHECK(check_resident_id("110105194912310021").error == "check character is '1', expected 'X'");
  CHECK(check_resident_id("110105195001010038").error == "check character is '8', expected '9'");
  CHECK(check_resident_id("110105194902300020").error ==
        "birth date 19490230 in positions 7–14 is not a date");
  CHECK(check_resident_id("110105170001010020").error ==
        "birth year 1700 in positions 7–10 is implausible");
  CHECK(check_resident_id("1101051949123100X2").error == "position 17 has 'X', expected a digit");
  CHECK(check_resident_id("11010519491231002Y").error ==
        "position 18 has 'Y', expected a digit or X");
  CHECK(check_resident_id("1101051949123100").error ==
        "has 16 characters, expected 18 (or 15 for a legacy number)");
  CHECK(check_resident_id("").error == "is empty");
  CHECK_FALSE(check_resident_id("11010519491231002X ").valid);
}

TEST_CASE("Resident ID: legacy 15-digit numbers") {
  const auto r = check_resident_id("110105491231002");
  CHECK(r.valid);
  CHECK(r.legacy);
  CHECK(r.birth_date == Date::from_ymd(1949, 12, 31));
  CHECK(resident_id_to_18("110105491231002") == "11010519491231002X");
  CHECK(resident_id_to_18("11010519491231002X").empty());
  CHECK(check_resident_id("110105491331002").error ==
        "birth date 19491331 in positions 7–12 is not a date");
  CHECK(check_resident_id("11010549123100X").error == "position 15 has 'X', expected a digit");
}

TEST_CASE("Generators produce distinct valid identifiers") {
  std::set<std::string> codes, ids;
  for (uint64_t n = 0; n < 5000; ++n) {
    const auto c = make_uscc(n);
    const auto rc = check_uscc(c);
    REQUIRE(rc.valid);
    REQUIRE(rc.inner_ok);
    REQUIRE(c.substr(0, 2) == "91");
    codes.insert(c);
    const auto id = make_resident_id(n);
    REQUIRE(check_resident_id(id).valid);
    ids.insert(id);
  }
  CHECK(codes.size() == 5000);
  CHECK(ids.size() == 5000);
  for (uint64_t n :
       {uint64_t{99'999'999}, uint64_t{100'000'000}, uint64_t{123'456'789'012}, ~uint64_t{0}}) {
    CAPTURE(n);
    CHECK(check_uscc(make_uscc(n)).valid);
    CHECK(check_resident_id(make_resident_id(n)).valid);
  }
  CHECK(make_uscc(100'000'000) != make_uscc(0));
  CHECK(make_uscc(7) == make_uscc(7));  // deterministic
  CHECK(is_individual_business(make_uscc(1, "92")));
  CHECK(check_uscc(make_uscc(42, "12")).valid);
  CHECK(make_uscc(42, "9132").substr(0, 4) == "9132");
  CHECK(check_uscc(make_uscc(42, "9132")).valid);
  CHECK_THROWS_AS(make_uscc(1, "9I"), std::invalid_argument);
  CHECK_THROWS_AS(make_uscc(1, ""), std::invalid_argument);
  CHECK_THROWS_AS(make_uscc(1, "123456789"), std::invalid_argument);
}

TEST_CASE("Identifiers: robustness on random bytes") {
  std::mt19937_64 rng(32100);
  const std::string alphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZxX\xef\xbc\x99\xe4\xb8\x80\x80\xff ";
  int valid_uscc = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s(rng() % 22, '\0');
    for (auto& c : s)
      c = alphabet[rng() % alphabet.size()];
    // Half the time, start from a valid identifier and damage one byte.
    if (i % 2 == 0) {
      s = (i % 4 == 0) ? make_uscc(rng() % 1'000'000) : make_resident_id(rng() % 1'000'000);
      s[rng() % s.size()] = static_cast<char>(rng() & 0xFF);
    }
    const auto u = check_uscc(s);
    REQUIRE(u.valid == u.error.empty());
    if (u.valid) {
      ++valid_uscc;
      REQUIRE(uscc_check_char(u.code) == u.code[17]);
    }
    const auto p = check_resident_id(s);
    REQUIRE(p.valid == p.error.empty());
    if (p.valid && !p.legacy) REQUIRE(resident_id_check_char(p.number) == p.number[17]);
    (void)uscc_check_char(s);
    (void)resident_id_check_char(s);
    (void)is_individual_business(s);
  }
  CHECK(valid_uscc > 0);
}
