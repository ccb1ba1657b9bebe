// The Chinese public working-day calendar (工作日): weekends and statutory
// holidays are off, make-up working days (调休) are on. Facts come in per year
// as data (share/calendar/YYYY.json); a year without data is computed on
// weekends alone and every result says so.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/date.hpp"

namespace credit::domain {

// A calendar file or upstream notice that cannot be used; what() names the
// JSON location and the problem.
class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One holiday arrangement of the State Council notice, e.g. 国庆节 with its off
// days and the make-up working days that pay for them.
struct HolidayPeriod {
  std::string name;
  std::vector<Date> off;
  std::vector<Date> work;
};

struct CalendarYear {
  int year = 0;
  std::vector<Date> off_days;   // statutory days off (may include weekend days)
  std::vector<Date> work_days;  // make-up working days (weekend days that are worked)
  std::vector<HolidayPeriod> holidays;
  std::string source;  // provenance, e.g. "holiday-cn (github.com/NateScarlet/holiday-cn)"
  std::vector<std::string> papers;  // State Council notices (URLs)
  // Only from the upstream holiday-cn format: days of a neighbouring year that
  // this year's notice sets (e.g. a make-up day on 30 Dec of the year before).
  // (date, is_off). The project's own format keeps every date in its own year.
  std::vector<std::pair<Date, bool>> adjacent_days;
};

// The project's format, one file per year:
//   {"year": 2025, "source": "...", "papers": ["https://www.gov.cn/..."],
//    "holidays": [{"name": "国庆节、中秋节", "off": ["2025-10-01", …], "work": ["2025-09-28", …]}]}
// Validated: dates strict YYYY-MM-DD inside `year`, no date both off and work or
// listed twice, make-up working days on a Saturday or Sunday. Throws CalendarError.
CalendarYear parse_calendar_year(std::string_view json_text);

// The upstream holiday-cn format ({"year", "papers", "days": [{"name", "date",
// "isOffDay"}]}), as the project publishes each State Council notice. Dates of a
// neighbouring year go to adjacent_days. Throws CalendarError.
CalendarYear parse_holiday_cn_year(std::string_view json_text);

// Serialises to the project's format (what tools and `credit` write back).
std::string to_calendar_json(const CalendarYear& y);

class Calendar {
 public:
  Calendar() = default;
  // Throws CalendarError when a year appears twice or two sources disagree on a day.
  explicit Calendar(const std::vector<CalendarYear>& years);

  bool has_year(int year) const;
  std::vector<int> years() const;  // years with data, ascending

  bool is_working_day(Date d) const;
  // Name of the holiday arrangement that sets `d` (off or make-up), empty if none.
  std::string holiday_name(Date d) const;

  struct WorkdayResult {
    Date date;
    std::vector<int> years_without_data;  // computed on weekends alone; warn the user
  };
  // n ≥ 1: the n-th working day strictly after `from`; n = 0: `from` itself;
  // n < 0: the |n|-th working day strictly before `from`.
  WorkdayResult add_working_days(Date from, int n) const;

  struct WorkdayCount {
    int count = 0;
    std::vector<int> years_without_data;
  };
  // Working days in (from, to]; negative when to < from.
  WorkdayCount working_days_between(Date from, Date to) const;

 private:
  bool bit(int32_t day) const;
  std::vector<int> missing_years(Date a, Date b) const;  // years in [a, b] without data

  // One bit per day over [first_year, last_year], 1 = working day; years inside
  // the range without data are filled from weekends (plus adjacent_days).
  int first_year_ = 0;
  std::vector<int32_t> year_start_;  // day number of 1 Jan for each year, plus one past the end
  std::vector<bool> has_data_;
  std::vector<uint64_t> bits_;
  std::vector<int32_t> cumulative_;  // working days in [range start, range start + i)
  std::vector<CalendarYear> data_;   // for holiday_name
};

}  // namespace credit::domain
