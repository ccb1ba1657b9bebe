#include "util/clock.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "util/error.hpp"

namespace credit {
namespace {

// A small cursor over the text; every read checks bounds, so any input is safe.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  bool eat(char c) {
    if (!done() && s[i] == c) return ++i, true;
    return false;
  }
  std::optional<int> digits(size_t n) {
    if (s.size() - i < n) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

std::optional<std::chrono::minutes> parse_offset(Cursor& c) {
  if (c.done()) return std::chrono::minutes(kChinaOffset);
  if (c.eat('Z') || c.eat('z')) return std::chrono::minutes(0);
  int sign = c.eat('+') ? 1 : (c.eat('-') ? -1 : 0);
  if (sign == 0) return std::nullopt;
  auto hh = c.digits(2);
  c.eat(':');
  auto mm = c.digits(2);
  if (!hh || !mm || *hh > 14 || *mm > 59) return std::nullopt;
  return std::chrono::minutes(sign * (*hh * 60 + *mm));
}

}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  Cursor c{text};
  auto y = c.digits(4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2);
  if (!d) return std::nullopt;
  year_month_day ymd{year(*y), month(unsigned(*mo)), day(unsigned(*d))};
  if (!ymd.ok()) return std::nullopt;
  int hh = 0, mi = 0, ss = 0;
  long micros = 0;
  if (c.eat('T') || c.eat('t') || c.eat(' ')) {
    auto h = c.digits(2);
    if (!h || !c.eat(':')) return std::nullopt;
    auto m = c.digits(2);
    if (!m) return std::nullopt;
    hh = *h, mi = *m;
    if (c.eat(':')) {
      auto s = c.digits(2);
      if (!s) return std::nullopt;
      ss = *s;
      if (c.eat('.') || c.eat(',')) {
        int n = 0;
        while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
          if (n < 6) micros = micros * 10 + (c.s[c.i] - '0');
          ++n, ++c.i;
        }
        if (n == 0) return std::nullopt;
        for (; n < 6; ++n)
          micros *= 10;
      }
    }
    if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
  }
  auto offset = parse_offset(c);
  if (!offset || !c.done()) return std::nullopt;
  auto local = sys_days(ymd) + hours(hh) + minutes(mi) + seconds(ss) + microseconds(micros);
  return time_point_cast<microseconds>(local - *offset);
}

std::string format_utc(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> tod{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00", int(ymd.year()),
                     unsigned(ymd.month()), unsigned(ymd.day()), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count(), tod.subseconds().count());
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0 || end == text.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}};
  for (auto [name, ms] : kUnits)
    if (unit == name && n <= INT64_MAX / ms) return std::chrono::milliseconds(n * ms);
  return std::nullopt;
}

std::string format_china(TimePoint t) {
  using namespace std::chrono;
  auto local = t + kChinaOffset;
  auto day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> tod{local - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00", int(ymd.year()),
                     unsigned(ymd.month()), unsigned(ymd.day()), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count());
}

int32_t china_day_number(TimePoint t) {
  using namespace std::chrono;
  return static_cast<int32_t>(floor<days>(t + kChinaOffset).time_since_epoch().count());
}

Clock Clock::from_environment() {
  const char* env = std::getenv("CREDIT_NOW");
  if (env == nullptr || *env == '\0') return Clock();
  auto t = parse_timestamp(env);
  if (!t)
    fail(ErrorCode::usage, fmt::format("CREDIT_NOW='{}' is not an ISO 8601 timestamp", env),
         "set it like CREDIT_NOW=2026-05-01T09:00:00+08:00 (or a date, 2026-05-01), or unset it");
  return Clock(*t);
}

TimePoint Clock::real_now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace credit
