#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "domain/calendar.hpp"
#include "support.hpp"

using namespace credit::domain;
using credit::test::read_text;

namespace {

Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}

// The shipped calendar, 2007–2026 (tests may read files; src/domain may not).
const Calendar& shipped() {
  static const Calendar cal = [] {
    std::vector<CalendarYear> years;
    for (int y = 2007; y <= 2026; ++y) {
      years.push_back(parse_calendar_year(read_text(
          std::string(CREDIT_SOURCE_DIR) + "/share/calendar/" + std::to_string(y) + ".json")));
    }
    return Calendar(years);
  }();
  return cal;
}

std::string error_of(std::string_view json) {
  try {
    parse_calendar_year(json);
  } catch (const CalendarError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("Calendar: shipped data covers 2007–2026, not 2027") {
  const auto& cal = shipped();
  CHECK(cal.has_year(2007));
  CHECK(cal.has_year(2025));
  CHECK(cal.has_year(2026));
  CHECK_FALSE(cal.has_year(2006));
  CHECK_FALSE(cal.has_year(2027));
  CHECK(cal.years().size() == 20);
}

TEST_CASE("Calendar: 2025 National Day and Mid-Autumn holiday") {
  const auto& cal = shipped();
  CHECK(cal.is_working_day(ymd(2025, 9, 26)));        // Friday
  CHECK_FALSE(cal.is_working_day(ymd(2025, 9, 27)));  // ordinary Saturday
  CHECK(cal.is_working_day(ymd(2025, 9, 28)));        // Sunday, make-up working day
  for (int d = 1; d <= 8; ++d) {
    CAPTURE(d);
    CHECK_FALSE(cal.is_working_day(ymd(2025, 10, d)));
  }
  CHECK(cal.is_working_day(ymd(2025, 10, 9)));
  CHECK(cal.is_working_day(ymd(2025, 10, 10)));
  CHECK(cal.is_working_day(ymd(2025, 10, 11)));  // Saturday, make-up working day
  CHECK_FALSE(cal.is_working_day(ymd(2025, 10, 12)));
  CHECK(cal.holiday_name(ymd(2025, 10, 11)) == "国庆节、中秋节");
  CHECK(cal.holiday_name(ymd(2025, 10, 13)).empty());

  // 9-28 (Sun) 1, 9-29 2, 9-30 3, [10-01…10-08 off], 10-09 4, 10-10 5.
  auto r = cal.add_working_days(ymd(2025, 9, 26), 5);
  CHECK(r.date == ymd(2025, 10, 10));
  CHECK(r.years_without_data.empty());
  CHECK(cal.add_working_days(ymd(2025, 9, 30), 1).date == ymd(2025, 10, 9));
  CHECK(cal.add_working_days(ymd(2025, 9, 26), 1).date == ymd(2025, 9, 28));
  CHECK(cal.add_working_days(ymd(2025, 10, 10), 1).date == ymd(2025, 10, 11));
  CHECK(cal.add_working_days(ymd(2025, 10, 9), -1).date == ymd(2025, 9, 30));
  CHECK(cal.add_working_days(ymd(2025, 10, 3), 0).date == ymd(2025, 10, 3));
  // 7 working days after the decision: publication deadline of a decision made on 2025-09-30.
  CHECK(cal.add_working_days(ymd(2025, 9, 30), 7).date == ymd(2025, 10, 16));

  CHECK(cal.working_days_between(ymd(2025, 9, 26), ymd(2025, 10, 10)).count == 5);
  CHECK(cal.working_days_between(ymd(2025, 10, 10), ymd(2025, 9, 26)).count == -5);
  CHECK(cal.working_days_between(ymd(2025, 10, 1), ymd(2025, 10, 8)).count == 0);
  CHECK(cal.working_days_between(ymd(2025, 10, 1), ymd(2025, 10, 1)).count == 0);
}

TEST_CASE("Calendar: 2026 Spring Festival (off 02-15…02-23, make-up Sat 02-14 and Sat 02-28)") {
  const auto& cal = shipped();
  CHECK(cal.is_working_day(ymd(2026, 2, 14)));
  for (int d = 15; d <= 23; ++d) {
    CAPTURE(d);
    CHECK_FALSE(cal.is_working_day(ymd(2026, 2, d)));
  }
  CHECK(cal.is_working_day(ymd(2026, 2, 24)));
  CHECK_FALSE(cal.is_working_day(ymd(2026, 2, 21)));  // Saturday inside the break
  CHECK(cal.is_working_day(ymd(2026, 2, 28)));
  CHECK_FALSE(cal.is_working_day(ymd(2026, 3, 1)));
  CHECK(cal.holiday_name(ymd(2026, 2, 18)) == "春节");
  CHECK(cal.add_working_days(ymd(2026, 2, 13), 1).date == ymd(2026, 2, 14));
  CHECK(cal.add_working_days(ymd(2026, 2, 14), 1).date == ymd(2026, 2, 24));
  // Notice of 5 working days starting after Fri 02-13: 02-14, 02-24, 02-25, 02-26, 02-27.
  CHECK(cal.add_working_days(ymd(2026, 2, 13), 5).date == ymd(2026, 2, 27));
  CHECK(cal.add_working_days(ymd(2026, 2, 13), 6).date == ymd(2026, 2, 28));
  // February 2026: 20 weekdays, minus 6 weekdays off (16–20, 23), plus 2 make-up Saturdays.
  CHECK(cal.working_days_between(ymd(2026, 1, 31), ymd(2026, 2, 28)).count == 16);
  // New Year 2026: 01-01…01-03 off, Sunday 01-04 worked.
  CHECK_FALSE(cal.is_working_day(ymd(2026, 1, 2)));
  CHECK(cal.is_working_day(ymd(2026, 1, 4)));
}

TEST_CASE("Calendar: other recorded facts") {
  const auto& cal = shipped();
  CHECK(cal.is_working_day(ymd(2020, 2, 3)));  // end of the extended 2020 Spring Festival
  CHECK_FALSE(cal.is_working_day(ymd(2020, 1, 31)));
  // Set by the 2008 notice, kept in 2007.json.
  CHECK(cal.is_working_day(ymd(2007, 12, 29)));
  CHECK_FALSE(cal.is_working_day(ymd(2007, 12, 31)));
  CHECK(cal.holiday_name(ymd(2007, 12, 29)) == "元旦（2008年）");
  CHECK(cal.is_working_day(ymd(2011, 12, 31)));      // Saturday worked for New Year 2012
  CHECK_FALSE(cal.is_working_day(ymd(2015, 9, 3)));  // victory-day holiday 2015
  // 2024-02-29 (Thursday) is a working day; the 2024 Spring Festival ran 02-10…02-17.
  CHECK(cal.is_working_day(ymd(2024, 2, 29)));
  CHECK(cal.add_working_days(ymd(2024, 2, 28), 1).date == ymd(2024, 2, 29));
  CHECK(cal.add_working_days(ymd(2024, 2, 29), 1).date == ymd(2024, 3, 1));
  CHECK_FALSE(cal.is_working_day(ymd(2024, 2, 16)));
  CHECK(cal.is_working_day(ymd(2024, 2, 18)));  // Sunday make-up day
}

TEST_CASE("Calendar: a year without data falls back to weekends and says so") {
  const auto& cal = shipped();
  // 2027-01-01 is a Friday; without a notice it counts as a working day.
  CHECK(cal.is_working_day(ymd(2027, 1, 1)));
  CHECK_FALSE(cal.is_working_day(ymd(2027, 1, 2)));
  auto r = cal.add_working_days(ymd(2026, 12, 30), 3);  // 12-31, 01-01, 01-04
  CHECK(r.date == ymd(2027, 1, 4));
  REQUIRE(r.years_without_data.size() == 1);
  CHECK(r.years_without_data[0] == 2027);
  r = cal.add_working_days(ymd(2026, 12, 29), 2);  // 12-30, 12-31: stays in 2026
  CHECK(r.date == ymd(2026, 12, 31));
  CHECK(r.years_without_data.empty());
  const auto c = cal.working_days_between(ymd(2026, 12, 31), ymd(2027, 12, 31));
  CHECK(c.count == 261);
  CHECK(c.years_without_data == std::vector<int>{2027});
  const auto past = cal.working_days_between(ymd(2005, 12, 31), ymd(2007, 1, 1));
  CHECK(past.years_without_data == std::vector<int>{2006});

  const Calendar empty;
  CHECK(empty.is_working_day(ymd(2025, 10, 1)));  // a Wednesday, no data
  const auto e = empty.add_working_days(ymd(2025, 9, 26), 5);
  CHECK(e.date == ymd(2025, 10, 3));
  CHECK(e.years_without_data == std::vector<int>{2025});
  CHECK(empty.working_days_between(ymd(2025, 1, 1), ymd(2025, 12, 31)).count == 260);
}

TEST_CASE("Calendar: counting and stepping agree (property)") {
  const auto& cal = shipped();
  std::mt19937_64 rng(7);
  const int32_t lo = ymd(2005, 6, 1).days(), span = ymd(2028, 6, 1).days() - lo;
  for (int i = 0; i < 20000; ++i) {
    const Date from =
        Date::from_days(lo + static_cast<int32_t>(rng() % static_cast<uint64_t>(span)));
    const int n = 1 + static_cast<int>(rng() % 40);
    const auto r = cal.add_working_days(from, n);
    REQUIRE(cal.is_working_day(r.date));
    REQUIRE(cal.working_days_between(from, r.date).count == n);
    REQUIRE(cal.working_days_between(from, r.date.add_days(-1)).count == n - 1);
    REQUIRE(cal.add_working_days(r.date, -n).date <= from);
  }
}

TEST_CASE("Calendar: a million deadline computations") {
  const auto& cal = shipped();
  int64_t sum = 0;
  const int32_t base = ymd(2019, 1, 1).days();
  for (int i = 0; i < 1'000'000; ++i)
    sum += cal.add_working_days(Date::from_days(base + i % 2900), 5).date.days();
  CHECK(sum > 0);
}

TEST_CASE("parse_calendar_year: validation names the entry") {
  CHECK(error_of(
            R"({"year":2025,"holidays":[{"name":"国庆节","off":["2025-10-01","2024-10-02"]}]})") ==
        "holidays[0].off[1]: 2024-10-02 is not in year 2025");
  CHECK(
      error_of(
          R"({"year":2025,"holidays":[{"name":"a","off":["2025-10-01"]},{"name":"b","work":["2025-10-01"]}]})") ==
      "holidays[1].work[0]: 2025-10-01 is listed both as a day off and as a working day");
  CHECK(error_of(R"({"year":2025,"holidays":[{"name":"a","off":["2025-10-01","2025-10-01"]}]})") ==
        "holidays[0].off[1]: 2025-10-01 is listed twice");
  CHECK(error_of(R"({"year":2025,"holidays":[{"name":"a","off":["2025-02-29"]}]})") ==
        "holidays[0].off[0]: \"2025-02-29\" is not a valid YYYY-MM-DD date");
  CHECK(error_of(R"({"year":2025,"holidays":[{"name":"a","off":["2025/10/01"]}]})") ==
        "holidays[0].off[0]: \"2025/10/01\" is not a valid YYYY-MM-DD date");
  CHECK(error_of(R"({"year":2025,"holidays":[{"name":"a","of":["2025-10-01"]}]})") ==
        "holidays[0].of: unknown key");
  CHECK(error_of(R"({"year":2025,"holidays":[{"off":["2025-10-01"]}]})") ==
        "holidays[0].name: expected a non-empty string");
  CHECK(error_of(R"({"year":"2025","holidays":[]})") == "year: expected an integer");
  CHECK(error_of(R"({"holidays":[]})") == "year: missing");
  CHECK(error_of(R"({"year":2025})") == "holidays: expected an array");
  CHECK(error_of("[1,2]") == "calendar file must be a JSON object");
  CHECK(error_of("{\"year\":").rfind("calendar file is not valid JSON", 0) == 0);
  // Comments are allowed.
  CHECK(parse_calendar_year(R"({"_note":"x","year":2030,"holidays":[]})").year == 2030);
}

TEST_CASE("parse_calendar_year: round trip through to_calendar_json") {
  const auto y =
      parse_calendar_year(read_text(std::string(CREDIT_SOURCE_DIR) + "/share/calendar/2025.json"));
  CHECK(y.year == 2025);
  CHECK(y.off_days.size() == 28);
  CHECK(y.work_days.size() == 5);
  CHECK(y.papers.size() == 1);
  const auto again = parse_calendar_year(to_calendar_json(y));
  CHECK(again.off_days == y.off_days);
  CHECK(again.work_days == y.work_days);
  CHECK(again.holidays.size() == y.holidays.size());
  CHECK(again.papers == y.papers);
}

TEST_CASE("parse_holiday_cn_year: upstream format, days of the previous year kept aside") {
  // Excerpt of holiday-cn 2008.json (the notice sets 2007-12-29…31).
  const char* text = R"({
    "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
    "year": 2008, "papers": ["http://www.gov.cn/zhengce/zhengceku/2008-03/28/content_1645.htm"],
    "days": [
      {"name": "元旦", "date": "2007-12-29", "isOffDay": false},
      {"name": "元旦", "date": "2007-12-30", "isOffDay": true},
      {"name": "元旦", "date": "2007-12-31", "isOffDay": true},
      {"name": "元旦", "date": "2008-01-01", "isOffDay": true},
      {"name": "春节", "date": "2008-02-02", "isOffDay": false},
      {"name": "春节", "date": "2008-02-06", "isOffDay": true}
    ]})";
  const auto y = parse_holiday_cn_year(text);
  CHECK(y.year == 2008);
  CHECK(y.off_days == std::vector<Date>{ymd(2008, 1, 1), ymd(2008, 2, 6)});
  CHECK(y.work_days == std::vector<Date>{ymd(2008, 2, 2)});
  REQUIRE(y.adjacent_days.size() == 3);
  CHECK(y.adjacent_days[0] == std::pair<Date, bool>{ymd(2007, 12, 29), false});
  CHECK(y.holidays.size() == 2);
  const Calendar cal({y});
  CHECK(cal.has_year(2008));
  CHECK_FALSE(cal.has_year(2007));
  CHECK(cal.is_working_day(ymd(2007, 12, 29)));  // Saturday, set by the 2008 notice
  CHECK_FALSE(cal.is_working_day(ymd(2007, 12, 31)));
  CHECK(cal.add_working_days(ymd(2007, 12, 28), 1).years_without_data == std::vector<int>{2007});
  CHECK(cal.add_working_days(ymd(2007, 12, 28), 1).date == ymd(2007, 12, 29));

  // The converted project file for 2008 gives the same working days.
  const auto own =
      parse_calendar_year(read_text(std::string(CREDIT_SOURCE_DIR) + "/share/calendar/2008.json"));
  CHECK(std::find(own.off_days.begin(), own.off_days.end(), ymd(2008, 1, 1)) != own.off_days.end());

  CHECK_THROWS_AS(
      parse_holiday_cn_year(
          R"({"year":2008,"papers":[],"days":[{"name":"x","date":"2010-01-01","isOffDay":true}]})"),
      CalendarError);
  CHECK_THROWS_AS(parse_holiday_cn_year(
                      R"({"year":2008,"papers":[],"days":[{"name":"x","date":"2008-01-01"}]})"),
                  CalendarError);
  CHECK(parse_holiday_cn_year(R"({"year":2027,"papers":[],"days":[]})").off_days.empty());
}

TEST_CASE("Calendar: inconsistent inputs are refused") {
  const auto y2025 =
      parse_calendar_year(R"({"year":2025,"holidays":[{"name":"a","off":["2025-10-01"]}]})");
  CHECK_THROWS_AS(Calendar({y2025, y2025}), CalendarError);
  CalendarYear next;
  next.year = 2026;
  next.adjacent_days = {{ymd(2025, 10, 1), false}};  // disagrees with the 2025 data
  CHECK_THROWS_AS(Calendar({y2025, next}), CalendarError);
  CalendarYear stray;
  stray.year = 2025;
  stray.off_days = {ymd(2024, 1, 1)};
  CHECK_THROWS_AS(Calendar({stray}), CalendarError);
  CHECK_THROWS_AS(Calendar().add_working_days(ymd(2025, 1, 1), 200'000), std::out_of_range);
}

TEST_CASE("parse_calendar_year / parse_holiday_cn_year: robustness") {
  static constexpr char kNoise[] = "{}[]\":,0123456789-yeardays \xff";
  std::mt19937_64 rng(2025);
  const std::string base = read_text(std::string(CREDIT_SOURCE_DIR) + "/share/calendar/2025.json");
  const std::string upstream =
      R"({"year":2025,"papers":["u"],"days":[{"name":"国庆节","date":"2025-10-01","isOffDay":true},{"name":"国庆节","date":"2025-09-28","isOffDay":false}]})";
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    if (i % 20 == 0) {
      s = i % 40 == 0 ? base : upstream;  // mutate a valid document
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k)
        s[rng() % s.size()] = static_cast<char>(rng() & 0xFF);
    } else {
      s.resize(rng() % 24);
      for (auto& c : s)
        c = kNoise[rng() % (sizeof(kNoise) - 1)];
    }
    for (int which = 0; which < 2; ++which) {
      try {
        const auto y = which ? parse_holiday_cn_year(s) : parse_calendar_year(s);
        ++accepted;
        (void)Calendar({y}).add_working_days(ymd(y.year, 1, 1), 3);
      } catch (const CalendarError&) {
      }
    }
  }
  CHECK(accepted > 0);
}
