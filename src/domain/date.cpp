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

const char* const kShapeError =
    "expected a date as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日 or an Excel "
    "date number such as 45752";

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

namespace {

// "YYYY-MM-DD" with '-', '/' or '.' (month and day one or two digits), or YYYYMMDD.
DateParse parse_numeric(std::string_view s) {
  if (s.size() == 8 && s[4] != '-' && s[4] != '/' && s[4] != '.') {
    const int y = digits(s, 0, 4), m = digits(s, 4, 2), d = digits(s, 6, 2);
    if (y >= 0 && m >= 0 && d >= 0) return validated(y, m, d);
    return {std::nullopt, kShapeError};
  }
  if (s.size() < 8 || s.size() > 10 || digits(s, 0, 4) < 0) return {std::nullopt, kShapeError};
  const char sep = s[4];
  if (sep != '-' && sep != '/' && sep != '.') return {std::nullopt, kShapeError};
  const size_t sep2 = s.find_first_of("-/.", 5);
  if (sep2 == std::string_view::npos) return {std::nullopt, kShapeError};
  if (s[sep2] != sep)
    return {std::nullopt, "mixed separators: use one of '-', '/' or '.' throughout"};
  const size_t mlen = sep2 - 5, dlen = s.size() - sep2 - 1;
  if (mlen < 1 || mlen > 2 || dlen < 1 || dlen > 2) return {std::nullopt, kShapeError};
  const int y = digits(s, 0, 4), m = digits(s, 5, mlen), d = digits(s, sep2 + 1, dlen);
  if (m < 0 || d < 0) return {std::nullopt, kShapeError};
  return validated(y, m, d);
}

// Reads 1–2 digits at `pos` up to `unit`; -1 when the text there is not that.
int number_before(std::string_view s, size_t& pos, std::string_view unit) {
  const size_t at = s.find(unit, pos);
  if (at == std::string_view::npos || at == pos || at - pos > 2) return -1;
  const int v = digits(s, pos, at - pos);
  pos = at + unit.size();
  return v;
}

// "2025年4月5日", as Chinese documents and WPS date formats write dates.
std::optional<DateParse> parse_chinese(std::string_view s) {
  if (s.size() < 4 || digits(s, 0, 4) < 0 || s.substr(4, 3) != "年") return std::nullopt;
  size_t pos = 7;
  const int m = number_before(s, pos, "月");
  const int d = m < 0 ? -1 : number_before(s, pos, "日");
  if (d < 0 || pos != s.size()) return DateParse{std::nullopt, kShapeError};
  return validated(digits(s, 0, 4), m, d);
}

// Spreadsheets store dates as day numbers; a date cell exported or pasted as text arrives as
// "45752" (or "45752.5" with a time). Only five-digit numbers (1927-05-18 to 2173-10-14) are
// taken as serials: shorter numbers are more likely mistakes than dates.
std::optional<DateParse> parse_serial(std::string_view s) {
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.size() != 5 || digits(whole, 0, 5) < 0) return std::nullopt;
  if (dot != std::string_view::npos &&
      (fraction.empty() || digits(fraction, 0, fraction.size()) < 0))
    return std::nullopt;
  return DateParse{excel_serial_date(digits(whole, 0, 5), false), {}};
}

// Drops a time of day after the date ("2025-04-05 00:00:00", "2025/4/5 0:00",
// "2025-04-05T00:00:00"), as spreadsheets and databases export date columns.
std::string_view without_time(std::string_view s) {
  const size_t gap = s.find_first_of(" T", 8);
  if (gap == std::string_view::npos) return s;
  std::string_view t = s.substr(gap + 1);
  while (t.starts_with(' '))
    t.remove_prefix(1);
  const size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon < 1 || colon > 2) return s;
  const int h = digits(t, 0, colon);
  std::string_view rest = t.substr(colon + 1);
  if (h < 0 || h > 23 || rest.size() < 2 || digits(rest, 0, 2) < 0 || digits(rest, 0, 2) > 59)
    return s;
  rest.remove_prefix(2);
  if (rest.starts_with(':')) {
    if (rest.size() < 3 || digits(rest, 1, 2) < 0 || digits(rest, 1, 2) > 60) return s;
    rest.remove_prefix(3);
    if (rest.starts_with('.') && rest.size() > 1 && digits(rest, 1, rest.size() - 1) >= 0)
      rest = {};
  }
  return rest.empty() ? s.substr(0, gap) : s;
}

}  // namespace

std::optional<Date> excel_serial_date(int64_t serial, bool date1904) {
  // 1900 system: day 1 is 1900-01-01, and Excel counts a 29 February 1900 that never was, so
  // from day 61 on the epoch is 1899-12-30. 1904 system (old Mac workbooks): day 0 is 1904-01-01.
  if (serial < 0 || serial > 2958465) return std::nullopt;
  if (date1904) return Date::from_ymd(1904, 1, 1)->add_days(static_cast<int>(serial));
  if (serial == 0 || serial == 60) return std::nullopt;
  return Date::from_ymd(1899, 12, serial < 60 ? 31 : 30)->add_days(static_cast<int>(serial));
}

DateParse parse_date_lenient(std::string_view s) {
  if (s.empty()) return {std::nullopt, "empty date"};
  s = without_time(s);
  if (auto chinese = parse_chinese(s)) return *chinese;
  if (auto serial = parse_serial(s)) return *serial;
  return parse_numeric(s);
}

}  // namespace credit::domain
