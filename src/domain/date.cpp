#include "domain/date.hpp"

#include <chrono>

#include <fmt/format.h>

namespace credit::domain {

namespace chr = std::chrono;

namespace {

chr::year_month_day to_ymd(int32_t days) {
  return chr::year_month_day{chr::sys_days{chr::days{days}}};
}

Date from_chrono(const chr::year_month_day& ymd) {
  return Date::from_days(static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

// Reads exactly `n` ASCII digits at `pos`; -1 when any is not a digit.
int digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

const char* const kMonthNames[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

// Range errors in words, so a rejected row says exactly what is impossible.
DateParse validated(int y, int m, int d) {
  if (y < 1) return {std::nullopt, "year 0000 does not exist"};
  if (m < 1 || m > 12) return {std::nullopt, fmt::format("month {} does not exist (1–12)", m)};
  const int dim = days_in_month(y, m);
  if (d < 1 || d > dim) {
    return {std::nullopt, fmt::format("{:04}-{:02}-{:02} does not exist: {} {} has {} days", y, m,
                                      d, kMonthNames[m - 1], y, dim)};
  }
  return {Date::from_ymd(y, m, d), {}};
}

const char* const kShapeError = "expected a date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD";

}  // namespace

bool is_leap_year(int y) {
  return chr::year{y}.is_leap();
}

int days_in_month(int y, int m) {
  if (m < 1 || m > 12) return 0;
  const auto last = chr::year_month_day_last{chr::year{y}, chr::month_day_last{chr::month(m)}};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

std::optional<Date> Date::from_ymd(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return from_chrono(chr::year_month_day{chr::year{y}, chr::month(m), chr::day(d)});
}

int Date::year() const {
  return static_cast<int>(to_ymd(days_).year());
}
int Date::month() const {
  return static_cast<int>(static_cast<unsigned>(to_ymd(days_).month()));
}
int Date::day() const {
  return static_cast<int>(static_cast<unsigned>(to_ymd(days_).day()));
}

Date Date::add_months(int n) const {
  const auto ymd = to_ymd(days_);
  const auto ym = chr::year_month{ymd.year(), ymd.month()} + chr::months{n};
  const auto last = chr::year_month_day_last{ym.year(), chr::month_day_last{ym.month()}}.day();
  return from_chrono(
      chr::year_month_day{ym.year(), ym.month(), ymd.day() > last ? last : ymd.day()});
}

Date Date::add_years(int n) const {
  return add_months(n * 12);
}

std::string Date::iso() const {
  // By hand rather than fmt: bulk imports format several dates per row.
  const auto ymd = to_ymd(days_);
  const int y = static_cast<int>(ymd.year());
  const auto m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  if (y < 0 || y > 9999) return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  std::string out = "0000-00-00";
  for (int i = 3, v = y; i >= 0; --i, v /= 10)
    out[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

std::optional<Date> Date::parse_iso(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  return from_ymd(y, m, d);
}

DateParse parse_date_lenient(std::string_view s) {
  if (s.empty()) return {std::nullopt, "empty date"};
  if (s.size() == 8 && s[4] != '-' && s[4] != '/') {
    const int y = digits(s, 0, 4), m = digits(s, 4, 2), d = digits(s, 6, 2);
    if (y >= 0 && m >= 0 && d >= 0) return validated(y, m, d);
    return {std::nullopt, kShapeError};
  }
  if (s.size() < 8 || s.size() > 10 || digits(s, 0, 4) < 0) return {std::nullopt, kShapeError};
  const char sep = s[4];
  if (sep != '-' && sep != '/') return {std::nullopt, kShapeError};
  const size_t sep2 = s.find_first_of("-/", 5);
  if (sep2 == std::string_view::npos) return {std::nullopt, kShapeError};
  if (s[sep2] != sep) return {std::nullopt, "mixed separators: use either '-' or '/' throughout"};
  const size_t mlen = sep2 - 5, dlen = s.size() - sep2 - 1;
  if (mlen < 1 || mlen > 2 || dlen < 1 || dlen > 2) return {std::nullopt, kShapeError};
  const int y = digits(s, 0, 4), m = digits(s, 5, mlen), d = digits(s, sep2 + 1, dlen);
  if (m < 0 || d < 0) return {std::nullopt, kShapeError};
  return validated(y, m, d);
}

}  // namespace credit::domain
