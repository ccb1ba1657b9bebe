// Publication deadlines (双公示: "自作出行政决定之日起7个工作日内上网公开"): when a decision is due
// on the portal and whether it got there in time. Pure: the caller supplies the calendar and today.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/date.hpp"

namespace credit::domain {

enum class Timeliness {
  on_time,  // published on or before the deadline
  late,     // published after the deadline
  overdue,  // not published, and the deadline has passed
  pending,  // not published, the deadline has not passed yet
};
std::string_view to_string(Timeliness t);  // "on_time" | "late" | "overdue" | "pending"

struct PublicationCheck {
  Timeliness timeliness = Timeliness::pending;
  Date deadline;  // the last day on which publication is on time
  // Working days after the deadline until publication (late) or until today (overdue); 0
  // otherwise. A record published on the weekend after its deadline is late by 0 working days.
  int working_days_late = 0;
  std::vector<int> years_without_data;  // the calendar counted weekends alone in these years
};

// The deadline is the `working_days`-th working day after the decision date (the decision day
// itself does not count).
PublicationCheck check_publication(const Calendar& calendar, Date decided,
                                   std::optional<Date> published, Date today, int working_days);

}  // namespace credit::domain
