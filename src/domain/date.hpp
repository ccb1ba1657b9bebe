// Civil dates (China Standard Time calendar days) for decisions, periods and deadlines.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credit::domain {

// A proleptic Gregorian calendar date stored as days since 1970-01-01, so that
// comparisons and day arithmetic are integer operations. Dates built through
// from_ymd/parse_* are in years 1..9999; from_days accepts any value the caller
// got from days() (no validation, it is the storage round-trip).
class Date {
 public:
  constexpr Date() = default;  // 1970-01-01

  static constexpr Date from_days(int32_t days) {
    Date d;
    d.days_ = days;
    return d;
  }
  constexpr int32_t days() const { return days_; }

  // Validates: year 1..9999, month 1..12, day within the month.
  static std::optional<Date> from_ymd(int y, int m, int d);

  int year() const;
  int month() const;
  int day() const;
  // ISO weekday: 1 = Monday … 7 = Sunday.
  constexpr int weekday() const {
    // 1970-01-01 was a Thursday (ISO 4); the double modulo handles negative days.
    return static_cast<int>(((days_ % 7) + 7 + 3) % 7) + 1;
  }

  constexpr Date add_days(int n) const { return from_days(days_ + n); }
  // Calendar months; a day past the end of the target month clamps to its last
  // day (2024-01-31 + 1 month = 2024-02-29), as period ends are read in practice.
  Date add_months(int n) const;
  // Calendar years; Feb 29 in a non-leap target year becomes Feb 28.
  Date add_years(int n) const;

  std::string iso() const;  // "YYYY-MM-DD"

  // Strict "YYYY-MM-DD" (exactly 10 characters, zero-padded).
  static std::optional<Date> parse_iso(std::string_view s);

  constexpr auto operator<=>(const Date&) const = default;
  constexpr bool operator==(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

bool is_leap_year(int y);
int days_in_month(int y, int m);  // 0 when m is out of range

struct DateParse {
  std::optional<Date> date;
  std::string error;  // why the text is not a date; never echoes the input
};

// The forms 双公示 files use: YYYY-MM-DD, YYYY/MM/DD and YYYY.MM.DD (month and day may be one
// digit with a separator, e.g. 2024/3/5), YYYYMMDD, YYYY年M月D日, and a five-digit Excel date
// number (1900 system, e.g. 45752 = 2025-04-05); a time of day after the date ("00:00:00") is
// dropped. No surrounding whitespace is accepted: cleaning is the caller's (text_clean) job.
DateParse parse_date_lenient(std::string_view s);

// The day an Excel date number (whole days) stands for, in the 1900 system (day 1 = 1900-01-01,
// with Excel's phantom 1900-02-29 = day 60, which gives nullopt) or the 1904 system (day 0 =
// 1904-01-01); nullopt beyond 9999-12-31.
std::optional<Date> excel_serial_date(int64_t serial, bool date1904);

}  // namespace credit::domain
