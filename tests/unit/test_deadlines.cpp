// Publication deadlines (domain/deadlines.hpp), on a calendar without data: weekends alone.
#include <doctest/doctest.h>

#include "domain/deadlines.hpp"

using namespace credit::domain;

namespace {
Date ymd(int y, int m, int d) {
  return *Date::from_ymd(y, m, d);
}
const Calendar kWeekends;  // no year loaded: Saturdays and Sundays are the only days off
}  // namespace

TEST_CASE("publication deadline: the 7th working day after the decision") {
  // Wednesday 2026-03-04 → Thu 5, Fri 6, Mon 9 … Fri 13: the deadline is Friday 2026-03-13.
  const Date decided = ymd(2026, 3, 4);
  auto on_time = check_publication(kWeekends, decided, ymd(2026, 3, 13), ymd(2026, 5, 1), 7);
  CHECK(on_time.deadline == ymd(2026, 3, 13));
  CHECK(on_time.timeliness == Timeliness::on_time);
  CHECK(on_time.working_days_late == 0);
  CHECK(on_time.years_without_data == std::vector<int>{2026});

  auto same_day = check_publication(kWeekends, decided, decided, ymd(2026, 5, 1), 7);
  CHECK(same_day.timeliness == Timeliness::on_time);

  auto weekend = check_publication(kWeekends, decided, ymd(2026, 3, 14), ymd(2026, 5, 1), 7);
  CHECK(weekend.timeliness == Timeliness::late);  // a day after the deadline, on a Saturday
  CHECK(weekend.working_days_late == 0);

  auto late = check_publication(kWeekends, decided, ymd(2026, 3, 17), ymd(2026, 5, 1), 7);
  CHECK(late.timeliness == Timeliness::late);
  CHECK(late.working_days_late == 2);  // Mon 16, Tue 17
}

TEST_CASE("unpublished: pending until the deadline has passed, then overdue") {
  const Date decided = ymd(2026, 3, 4);
  auto pending = check_publication(kWeekends, decided, std::nullopt, ymd(2026, 3, 13), 7);
  CHECK(pending.timeliness == Timeliness::pending);
  auto overdue = check_publication(kWeekends, decided, std::nullopt, ymd(2026, 3, 20), 7);
  CHECK(overdue.timeliness == Timeliness::overdue);
  CHECK(overdue.working_days_late == 5);  // Mon 16 … Fri 20
  CHECK(to_string(overdue.timeliness) == "overdue");
}
