#include <doctest/doctest.h>

#include "util/clock.hpp"
#include "util/error.hpp"

using namespace credit;

TEST_CASE("timestamps parse in their forms and default to China time") {
  auto utc = parse_timestamp("2026-05-01T01:30:00Z");
  REQUIRE(utc);
  CHECK(format_utc(*utc) == "2026-05-01T01:30:00.000000+00:00");
  CHECK(format_china(*utc) == "2026-05-01T09:30:00+08:00");
  CHECK(*parse_timestamp("2026-05-01T09:30:00+08:00") == *utc);
  CHECK(*parse_timestamp("2026-05-01T09:30:00") == *utc);  // no offset: China time
  CHECK(*parse_timestamp("2026-05-01T09:30") == *utc);
  CHECK(*parse_timestamp("2026-05-01T03:30:00+0200") == *utc);
  CHECK(format_utc(*parse_timestamp("2026-05-01T09:30:00.25+08:00")) ==
        "2026-05-01T01:30:00.250000+00:00");
  // A date alone is the start of that China day.
  CHECK(format_china(*parse_timestamp("2026-05-01")) == "2026-05-01T00:00:00+08:00");
}

TEST_CASE("bad timestamps are rejected, never misread") {
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-02-30", "2026-05-01T25:00", "2026-05-01T10:00+99:00",
        "2026-05-01x", "26-05-01", "2026-05-01T10:00:00.", "tomorrow"})
    CHECK_MESSAGE(!parse_timestamp(bad), bad);
}

TEST_CASE("the China date changes at 16:00 UTC") {
  auto before = *parse_timestamp("2026-04-30T15:59:59Z");
  auto after = *parse_timestamp("2026-04-30T16:00:00Z");
  CHECK(china_day_number(after) == china_day_number(before) + 1);
}
