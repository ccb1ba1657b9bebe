#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "domain/date.hpp"

using credit::domain::Date;
using credit::domain::excel_serial_date;
using credit::domain::parse_date_lenient;

namespace {

Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}

}  // namespace

TEST_CASE("Date: validation and day numbers") {
  CHECK(Date::from_ymd(2024, 2, 29).has_value());
  CHECK_FALSE(Date::from_ymd(2023, 2, 29).has_value());
  CHECK_FALSE(Date::from_ymd(1900, 2, 29).has_value());  // century, not leap
  CHECK(Date::from_ymd(2000, 2, 29).has_value());        // 400-year rule
  CHECK_FALSE(Date::from_ymd(2024, 13, 1).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 4, 31).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 1, 0).has_value());
  CHECK_FALSE(Date::from_ymd(0, 1, 1).has_value());
  CHECK_FALSE(Date::from_ymd(10000, 1, 1).has_value());

  CHECK(ymd(1970, 1, 1).days() == 0);
  CHECK(ymd(2000, 1, 1).days() == 10957);
  CHECK(ymd(2024, 2, 29).days() == 19782);
  CHECK(ymd(1900, 1, 1).days() == -25567);
  CHECK(Date::from_days(19782) == ymd(2024, 2, 29));
  const Date d = ymd(2024, 2, 29);
  CHECK(d.year() == 2024);
  CHECK(d.month() == 2);
  CHECK(d.day() == 29);
}

TEST_CASE("Date: weekday is ISO (1 = Monday)") {
  CHECK(ymd(1970, 1, 1).weekday() == 4);
  CHECK(ymd(1969, 12, 31).weekday() == 3);
  CHECK(ymd(1900, 1, 1).weekday() == 1);
  CHECK(ymd(2024, 2, 29).weekday() == 4);
  CHECK(ymd(2025, 9, 28).weekday() == 7);
  CHECK(ymd(2025, 10, 11).weekday() == 6);
}

TEST_CASE("Date: arithmetic around 2024-02-29") {
  CHECK(ymd(2024, 2, 28).add_days(1) == ymd(2024, 2, 29));
  CHECK(ymd(2024, 2, 28).add_days(2) == ymd(2024, 3, 1));
  CHECK(ymd(2023, 2, 28).add_days(1) == ymd(2023, 3, 1));
  CHECK(ymd(2024, 3, 1).add_days(-1) == ymd(2024, 2, 29));
  CHECK(ymd(2024, 12, 31).add_days(1) == ymd(2025, 1, 1));

  CHECK(ymd(2024, 1, 31).add_months(1) == ymd(2024, 2, 29));
  CHECK(ymd(2023, 1, 31).add_months(1) == ymd(2023, 2, 28));
  CHECK(ymd(2024, 3, 31).add_months(-1) == ymd(2024, 2, 29));
  CHECK(ymd(2024, 5, 31).add_months(1) == ymd(2024, 6, 30));
  CHECK(ymd(2024, 12, 15).add_months(1) == ymd(2025, 1, 15));
  CHECK(ymd(2025, 1, 15).add_months(-13) == ymd(2023, 12, 15));
  CHECK(ymd(2024, 2, 29).add_months(12) == ymd(2025, 2, 28));
  CHECK(ymd(2024, 2, 29).add_months(36) == ymd(2027, 2, 28));
  CHECK(ymd(2024, 2, 29).add_months(48) == ymd(2028, 2, 29));
  CHECK(ymd(2024, 8, 31).add_months(6) == ymd(2025, 2, 28));

  CHECK(ymd(2024, 2, 29).add_years(1) == ymd(2025, 2, 28));
  CHECK(ymd(2024, 2, 29).add_years(4) == ymd(2028, 2, 29));
  CHECK(ymd(2024, 2, 29).add_years(-1) == ymd(2023, 2, 28));
  CHECK(ymd(2023, 3, 1).add_years(1) == ymd(2024, 3, 1));
}

TEST_CASE("Date: comparisons") {
  CHECK(ymd(2024, 2, 29) < ymd(2024, 3, 1));
  CHECK(ymd(2024, 3, 1) > ymd(2024, 2, 29));
  CHECK(ymd(2024, 3, 1) >= ymd(2024, 3, 1));
  CHECK(ymd(2024, 3, 1) != ymd(2024, 3, 2));
}

TEST_CASE("Date: iso and strict parse") {
  CHECK(ymd(2024, 3, 5).iso() == "2024-03-05");
  CHECK(ymd(7, 1, 9).iso() == "0007-01-09");
  CHECK(Date::parse_iso("2024-02-29") == ymd(2024, 2, 29));
  CHECK_FALSE(Date::parse_iso("2023-02-29"));
  CHECK_FALSE(Date::parse_iso("2024-3-05"));
  CHECK_FALSE(Date::parse_iso("2024/03/05"));
  CHECK_FALSE(Date::parse_iso("20240305"));
  CHECK_FALSE(Date::parse_iso(" 2024-03-05"));
  CHECK_FALSE(Date::parse_iso("2024-03-05 "));
  CHECK_FALSE(Date::parse_iso("2024-0a-05"));
  CHECK_FALSE(Date::parse_iso("0000-01-01"));
  CHECK_FALSE(Date::parse_iso(""));
}

TEST_CASE("Date: every day 1900–2100 round-trips through iso()") {
  for (Date d = ymd(1900, 1, 1); d <= ymd(2100, 12, 31); d = d.add_days(1)) {
    const auto back = Date::parse_iso(d.iso());
    REQUIRE(back.has_value());
    REQUIRE(*back == d);
    REQUIRE(*Date::from_ymd(d.year(), d.month(), d.day()) == d);
  }
}

TEST_CASE("parse_date_lenient: the three 双公示 forms") {
  CHECK(parse_date_lenient("2024-03-05").date == ymd(2024, 3, 5));
  CHECK(parse_date_lenient("2024/03/05").date == ymd(2024, 3, 5));
  CHECK(parse_date_lenient("20240305").date == ymd(2024, 3, 5));
  CHECK(parse_date_lenient("2024/3/5").date == ymd(2024, 3, 5));
  CHECK(parse_date_lenient("2024-3-5").date == ymd(2024, 3, 5));
  CHECK(parse_date_lenient("2024/12/5").date == ymd(2024, 12, 5));
  CHECK(parse_date_lenient("2024/1/31").date == ymd(2024, 1, 31));
  CHECK(parse_date_lenient("20240229").date == ymd(2024, 2, 29));
  CHECK(parse_date_lenient("2024-03-05").error.empty());
}

TEST_CASE("parse_date_lenient: the forms spreadsheets and Chinese templates produce") {
  CHECK(parse_date_lenient("2025年4月5日").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025年04月05日").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025.04.05").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025.4.5").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025-04-05 00:00:00").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025/4/5 0:00").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025-04-05T00:00:00").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025-04-05 14:30:59.250").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("2025年4月5日 00:00:00").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("45752").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("45752.0").date == ymd(2025, 4, 5));
  CHECK(parse_date_lenient("45752.75").date == ymd(2025, 4, 5));
}

TEST_CASE("excel_serial_date: the 1900 and 1904 systems") {
  CHECK(excel_serial_date(1, false) == ymd(1900, 1, 1));
  CHECK(excel_serial_date(59, false) == ymd(1900, 2, 28));
  CHECK_FALSE(excel_serial_date(60, false).has_value());  // Excel's 1900-02-29
  CHECK(excel_serial_date(61, false) == ymd(1900, 3, 1));
  CHECK(excel_serial_date(45752, false) == ymd(2025, 4, 5));
  CHECK(excel_serial_date(0, true) == ymd(1904, 1, 1));
  CHECK(excel_serial_date(45752 - 1462, true) == ymd(2025, 4, 5));
  CHECK(excel_serial_date(2958465, false) == ymd(9999, 12, 31));
  CHECK_FALSE(excel_serial_date(2958466, false).has_value());
  CHECK_FALSE(excel_serial_date(-1, true).has_value());
}

TEST_CASE("parse_date_lenient: impossible dates and other shapes are rejected with a reason") {
  auto err = [](const char* s) {
    const auto r = parse_date_lenient(s);
    CHECK_FALSE(r.date.has_value());
    return r.error;
  };
  CHECK(err("2023-02-29") == "2023-02-29 does not exist: February 2023 has 28 days");
  CHECK(err("20230229") == "2023-02-29 does not exist: February 2023 has 28 days");
  CHECK(err("2024/4/31") == "2024-04-31 does not exist: April 2024 has 30 days");
  CHECK(err("2024/13/01") == "month 13 does not exist (1–12)");
  CHECK(err("2024-00-10") == "month 0 does not exist (1–12)");
  CHECK(err("0000-01-01") == "year 0000 does not exist");
  CHECK(err("2024-03/05") == "mixed separators: use one of '-', '/' or '.' throughout");
  CHECK(err("2024年2月30日") == "2024-02-30 does not exist: February 2024 has 29 days");
  CHECK(err("") == "empty date");
  const std::string shape =
      "expected a date as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日 or an Excel "
      "date number such as 45752";
  for (const char* s :
       {"2024-003-05",   "24-03-05",        "2024-03-",         "2024--05",           "2024年3月",
        "2024年3月5",    "2024年03月005日", "2024-03-05 25:00", "2024-03-05 00:00:0", "4575",
        "457520",        "45752.",          "2024-03-05 noon",  " 2024-03-05",        "2024-03-05 ",
        "202403051",     "2024030",         "abcdefgh",         "2024-3-005",         "2024/03/05/",
        "１２３４-01-01"}) {
    CAPTURE(s);
    CHECK(err(s) == shape);
  }
}

TEST_CASE("parse_date_lenient: robustness on random bytes") {
  std::mt19937_64 rng(20240229);
  const std::string alphabet = "0123456789-/ x\xe5\xb9\xb4\xff";
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    if (i % 2 == 0) {
      // Date-shaped text with random numbers: many are real dates, many are not.
      const char sep = "-/"[rng() % 2];
      s = std::to_string(1990 + rng() % 50);
      if (rng() % 3) s += sep;
      s += std::to_string(rng() % 14);
      if (rng() % 3) s += sep;
      s += std::to_string(rng() % 33);
      if (rng() % 8 == 0) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    } else {
      s.resize(rng() % 12);
      for (auto& c : s) {
        c = (rng() % 4 == 0) ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
      }
    }
    const auto r = parse_date_lenient(s);
    // Exactly one of date / error, and an accepted text re-parses to the same day.
    REQUIRE(r.date.has_value() == r.error.empty());
    if (r.date) {
      ++accepted;
      REQUIRE(parse_date_lenient(r.date->iso()).date == r.date);
    }
  }
  CHECK(accepted > 1000);
}
