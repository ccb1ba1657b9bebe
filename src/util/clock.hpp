#pragma once
// Time: the real clock, or the simulated one from CREDIT_NOW for tests and back-dated reports.
// Business dates are dates in China Standard Time (UTC+8); timestamps are kept in UTC.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credit {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

constexpr std::chrono::hours kChinaOffset{8};

// Parses ISO 8601: "2026-05-01", "2026-05-01T09:30", "2026-05-01T09:30:00",
// optional fraction, and "Z" or "+08:00"/"+0800". Without an offset the time is China time.
std::optional<TimePoint> parse_timestamp(std::string_view text);

// "2026-05-01T01:30:00.000000+00:00": UTC with the offset written out.
std::string format_utc(TimePoint t);
// "2026-05-01T09:30:00+08:00"
std::string format_china(TimePoint t);
// A duration as people write it: "0", "90s", "10m", "2h", "500ms"; a bare number is seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Days since 1970-01-01 of the China calendar date at instant t.
int32_t china_day_number(TimePoint t);

class Clock {
 public:
  // Reads CREDIT_NOW; throws Error(usage) when it is set but not a timestamp.
  static Clock from_environment();
  static Clock fixed(TimePoint t) { return Clock(t); }
  Clock() = default;

  TimePoint real_now() const;
  // The time the business logic uses: simulated when CREDIT_NOW is set.
  TimePoint now() const { return simulated_ ? *simulated_ : real_now(); }
  bool simulated() const { return simulated_.has_value(); }
  int32_t today() const { return china_day_number(now()); }

 private:
  explicit Clock(TimePoint t) : simulated_(t) {}
  std::optional<TimePoint> simulated_;
};

}  // namespace credit
